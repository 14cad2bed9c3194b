package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.KernelClosedException;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.runtime.stream.StreamFixtures.Via;
import dev.vyre.uring.IngestFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ending a run early loses nothing: every chunk read before the stop is published, its slot finishes, its bytes are
 * right, and every buffer comes back; whether the run is stopped, the stream closed, or the megakernel closed.
 */
class GpuStreamShutdownTest {
    private static final int CHUNK = 4096;
    private static final int OVERLAP = 64;

    @TempDir
    Path dir;

    private final List<byte[]> contents = new ArrayList<>();
    private final List<IngestFile> files = new ArrayList<>();

    private void writeFiles(int count, int chunksEach) throws IOException {
        for (int i = 0; i < count; i++) {
            Path p = dir.resolve("f" + i);
            contents.add(StreamFixtures.write(p, chunksEach * CHUNK + i, i));
            files.add(new IngestFile(i, p));
        }
    }

    private long totalBytes() {
        return contents.stream().mapToLong(b -> b.length).sum();
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void stopFromACallbackPublishesWhatWasReadAndTheStreamRunsAgain(Via via) throws IOException {
        Kernels.assumeInterpreter();
        writeFiles(3, 100);
        Collector chunks = new Collector();
        AtomicReference<GpuStream> self = new AtomicReference<>();
        try (Megakernel k = StreamFixtures.kernel(8, 2, GpuStream.dataBytes(3, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(OVERLAP).buffers(3)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .onProgress(p -> {
                         GpuStream running = self.get();
                         if (running != null && p.chunks() == 40) {
                             running.stop();
                         }
                     }).build()) {
            self.set(s);
            StreamReport stopped = s.streamFiles(files);
            assertTrue(stopped.stopped());
            assertTrue(stopped.bytes() < totalBytes(), "the run ended early");
            checkNothingLost(stopped, chunks.results, k.doneCount());
            assertEquals(s.pool().count(), s.pool().available());

            chunks.results.clear();
            self.set(null);
            int before = k.doneCount();
            StreamReport full = s.streamFiles(files);
            assertFalse(full.stopped());
            assertEquals(totalBytes(), full.bytes());
            for (int i = 0; i < files.size(); i++) {
                StreamFixtures.checkChunks(chunks.of(i), contents.get(i), CHUNK, OVERLAP);
            }
            assertEquals(full.chunks(), k.doneCount() - before);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void closeFromAnotherThreadWaitsForTheRunToFinishItsSlots(Via via) throws Exception {
        Kernels.assumeInterpreter();
        writeFiles(3, 300);
        Collector chunks = new Collector();
        CountDownLatch started = new CountDownLatch(20);
        try (Megakernel k = StreamFixtures.kernel(8, 2, GpuStream.dataBytes(2, CHUNK))) {
            GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(OVERLAP).buffers(2)
                    .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(r -> {
                        chunks.accept(r);
                        started.countDown();
                    }).build();
            CompletableFuture<StreamReport> run = CompletableFuture.supplyAsync(() -> s.streamFiles(files));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            s.close();
            int seenAtClose = chunks.results.size();
            StreamReport report = run.get(30, TimeUnit.SECONDS);
            assertTrue(report.stopped());
            assertEquals(report.chunks(), seenAtClose, "close() returned after the run's last slot");
            checkNothingLost(report, chunks.results, k.doneCount());
            GpuStreamException again = assertThrows(GpuStreamException.class, () -> s.streamFiles(files));
            assertTrue(again.getMessage().contains("closed"), again.getMessage());
            s.close();
            assertEquals(0, k.dataRegion().leases(), "the pool's range went back to the region");
        }
    }

    @Test
    void closingTheMegakernelEndsTheRunAndClosesTheStreamBeforeFreeingItsMemory() throws Exception {
        Kernels.assumeInterpreter();
        writeFiles(2, 300);
        Collector chunks = new Collector();
        CountDownLatch started = new CountDownLatch(20);
        Megakernel k = StreamFixtures.kernel(8, 2, GpuStream.dataBytes(2, CHUNK));
        GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(2)
                .readerOptions(StreamFixtures.reader(Via.URING)).notices(StreamFixtures.quiet()).onChunk(r -> {
                    chunks.accept(r);
                    started.countDown();
                }).build();
        CompletableFuture<StreamReport> run = CompletableFuture.supplyAsync(() -> s.streamFiles(files));
        assertTrue(started.await(30, TimeUnit.SECONDS));
        k.close();
        Throwable failure = assertThrows(Exception.class, run::get).getCause();
        GpuStreamException e = assertInstanceOf(GpuStreamException.class, failure);
        assertInstanceOf(KernelClosedException.class, e.getCause());
        StreamReport report = e.report().orElseThrow();
        for (ChunkResult r : chunks.results) {
            assertTrue(r.done(), "a slot published before the close ran: " + r);
        }
        assertEquals(chunks.results.size(), report.chunks());
        assertThrows(GpuStreamException.class, () -> s.streamFiles(files), "the megakernel closed the stream");
    }

    @Test
    void aThrowingCallbackStopsTheRunWithEverySlotFinished() throws IOException {
        Kernels.assumeInterpreter();
        writeFiles(2, 50);
        RuntimeException boom = new IllegalStateException("callback failed");
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(8, 2, GpuStream.dataBytes(4, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(OVERLAP).buffers(4)
                     .notices(StreamFixtures.quiet()).onChunk(r -> {
                         chunks.accept(r);
                         if (chunks.results.size() == 10) {
                             throw boom;
                         }
                     }).build()) {
            GpuStreamException e = assertThrows(GpuStreamException.class, () -> s.streamFiles(files));
            assertSame(boom, e.getCause());
            StreamReport report = e.report().orElseThrow();
            checkNothingLost(report, chunks.results, k.doneCount());
            assertEquals(s.pool().count(), s.pool().available());
        }
    }

    /**
     * Every chunk the run counts finished DONE with the right bytes (overlap included where it had any), none was
     * run twice, each slot ran once in the megakernel, and the per-file bytes add up to the chunks' lengths.
     */
    private void checkNothingLost(StreamReport report, List<ChunkResult> results, int doneCount) {
        List<ChunkResult> all = List.copyOf(results);
        assertEquals(report.chunks(), all.size());
        assertEquals(all.size(), doneCount, "every counted chunk ran once in the megakernel");
        assertEquals(0, report.faults());
        Set<String> seen = new HashSet<>();
        for (ChunkResult r : all) {
            byte[] data = contents.get(r.file().id());
            int from = (int) r.fileOffset();
            assertTrue(seen.add(r.file().id() + ":" + from), "chunk ran twice: " + r);
            assertTrue(r.done());
            assertEquals(Math.min(CHUNK, data.length - from), r.length());
            assertTrue(r.overlapLength() <= Math.min(OVERLAP, data.length - from - r.length()));
            assertEquals(StreamFixtures.fnv(data, from, from + r.length() + r.overlapLength()), r.result(0));
        }
        for (FileReport f : report.files()) {
            long bytes = all.stream().filter(r -> r.file().id() == f.file().id()).mapToLong(ChunkResult::length)
                    .sum();
            assertEquals(bytes, f.bytes(), f.toString());
        }
    }
}
