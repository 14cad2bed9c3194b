package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.runtime.stream.StreamFixtures.Via;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.LinuxErrno;
import dev.vyre.uring.ReaderKind;
import dev.vyre.uring.ReaderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stream read by several reader threads ({@link GpuStream.Builder#readers}): every slot's FNV equals Java's over
 * the file bytes it names, chunks tile each file (overlap included), per-file errors stay per file, stop and reuse
 * work and every buffer comes back; through io_uring and FileChannel.
 */
class GpuStreamParallelTest {
    private static final int CHUNK = 4096;
    private static final int[] SIZES = {0, 1, 4095, 4096, 4097, 3 * 4096 + 5, (1 << 20) + 5};

    @TempDir
    Path dir;

    static Stream<Arguments> configurations() {
        return Stream.of(Via.values()).flatMap(via -> Stream.of(
                Arguments.of(via, 2, 0), Arguments.of(via, 3, 100), Arguments.of(via, 4, CHUNK)));
    }

    @ParameterizedTest(name = "{0}, {1} readers, overlap {2}")
    @MethodSource("configurations")
    void everyChunkHashesToTheFilesBytesWithParallelReaders(Via via, int readers, int overlap) throws IOException {
        Kernels.assumeInterpreter();
        List<byte[]> contents = new ArrayList<>();
        List<IngestFile> files = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            for (int size : SIZES) {
                int id = files.size();
                Path p = dir.resolve("c" + copy + "-" + size);
                contents.add(StreamFixtures.write(p, size, 500L + id));
                files.add(new IngestFile(id, p));
            }
        }
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(64, 2, GpuStream.dataBytes(16, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(overlap).buffers(16)
                     .readerOptions(StreamFixtures.reader(via)).readers(readers).notices(StreamFixtures.quiet())
                     .onChunk(chunks).build()) {
            assertEquals(via == Via.URING ? ReaderKind.IO_URING : ReaderKind.FILE_CHANNEL, s.readerKind());
            assertTrue(s.readerDescription().startsWith(readers + " parallel readers"), s.readerDescription());
            for (int run = 0; run < 2; run++) {
                chunks.results.clear();
                StreamReport report = s.streamFiles(files);
                assertEquals(s.pool().count(), s.pool().available(), "every buffer is back after the run");
                assertFalse(report.stopped());
                for (IngestFile f : files) {
                    FileReport r = report.file(f.id());
                    byte[] data = contents.get(f.id());
                    assertTrue(r.ok(), r::toString);
                    assertEquals(data.length, r.bytes());
                    StreamFixtures.checkChunks(chunks.of(f.id()), data, CHUNK, overlap);
                }
                assertEquals(report.chunks(), chunks.results.size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aTreeStreamsWithFourReadersAndMonotoneProgress(Via via) throws IOException {
        Kernels.assumeInterpreter();
        Path root = dir.resolve("tree");
        Map<Path, byte[]> contents = new HashMap<>();
        SplittableRandom random = new SplittableRandom(400);
        for (int d = 0; d < 10; d++) {
            for (int f = 0; f < 40; f++) {
                byte[] data = new byte[random.nextInt(9000)];
                random.nextBytes(data);
                Path p = Files.createDirectories(root.resolve("d" + d)).resolve("f" + f);
                Files.write(p, data);
                contents.put(p, data);
            }
        }
        Collector chunks = new Collector();
        List<StreamProgress> progress = new ArrayList<>();
        try (Megakernel k = StreamFixtures.kernel(32, 2, GpuStream.dataBytes(8, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(8).overlap(50)
                     .readerOptions(StreamFixtures.reader(via).withReaders(4)).notices(StreamFixtures.quiet())
                     .onChunk(chunks).onProgress(progress::add).build()) {
            StreamReport report = s.stream(List.of(root));
            assertEquals(400, report.files().size());
            for (FileReport f : report.files()) {
                assertTrue(f.ok(), f::toString);
                StreamFixtures.checkChunks(chunks.of(f.file().id()), contents.get(f.file().path()), CHUNK, 50);
            }
            for (int i = 1; i < progress.size(); i++) {
                assertTrue(progress.get(i).bytes() >= progress.get(i - 1).bytes()
                        && progress.get(i).filesEnded() >= progress.get(i - 1).filesEnded(), "progress went back");
            }
            assertEquals(400, progress.getLast().filesEnded());
            assertEquals(s.pool().count(), s.pool().available());
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void perFileErrorsStayPerFileWithParallelReaders(Via via) throws IOException {
        Kernels.assumeInterpreter();
        List<IngestFile> files = new ArrayList<>();
        Map<Integer, byte[]> good = new HashMap<>();
        Path missing = dir.resolve("missing");
        Path subdir = Files.createDirectories(dir.resolve("sub"));
        for (int i = 0; i < 9; i++) {
            int id = files.size();
            Path p = dir.resolve("g" + i);
            good.put(id, StreamFixtures.write(p, 3 * CHUNK + 7 * i, i));
            files.add(new IngestFile(id, p));
            files.add(new IngestFile(files.size(), i % 2 == 0 ? missing : subdir));
        }
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(32, 2, GpuStream.dataBytes(8, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(8).readers(3)
                     .readerOptions(StreamFixtures.reader(via).withReaders(3)).notices(StreamFixtures.quiet())
                     .onChunk(chunks).build()) {
            StreamReport report = s.streamFiles(files);
            assertEquals(9, report.failed().size());
            for (IngestFile f : files) {
                FileReport r = report.file(f.id());
                if (good.containsKey(f.id())) {
                    assertTrue(r.ok(), r::toString);
                    StreamFixtures.checkChunks(chunks.of(f.id()), good.get(f.id()), CHUNK, 0);
                } else {
                    assertTrue(r.failed(), r::toString);
                    assertEquals(f.path().equals(missing) ? LinuxErrno.ENOENT : LinuxErrno.EISDIR,
                            r.error().errno(), r.error().getMessage());
                }
            }
            assertEquals(s.pool().count(), s.pool().available());
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void stopFromACallbackEndsEveryReaderAndTheStreamRunsAgain(Via via) throws IOException {
        Kernels.assumeInterpreter();
        List<IngestFile> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Path p = dir.resolve("s" + i);
            contents.add(StreamFixtures.write(p, 6 * CHUNK, 60 + i));
            files.add(new IngestFile(i, p));
        }
        AtomicInteger seen = new AtomicInteger();
        GpuStream[] self = new GpuStream[1];
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(32, 2, GpuStream.dataBytes(8, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(8)
                     .readerOptions(StreamFixtures.reader(via).withReaders(4)).notices(StreamFixtures.quiet())
                     .onChunk(r -> {
                         chunks.accept(r);
                         if (seen.incrementAndGet() == 10) {
                             self[0].stop();
                         }
                     }).build()) {
            self[0] = s;
            StreamReport stopped = s.streamFiles(files);
            assertTrue(stopped.stopped());
            assertTrue(stopped.chunks() < 24 * 6, "stopped early: " + stopped.chunks());
            assertEquals(s.pool().count(), s.pool().available(), "every buffer is back after a stop");
            for (ChunkResult r : List.copyOf(chunks.results)) {
                byte[] data = contents.get(r.file().id());
                int from = (int) r.fileOffset();
                assertEquals(StreamFixtures.fnv(data, from, from + r.length()), r.result(0), r.toString());
            }
            seen.set(-1_000_000);
            chunks.results.clear();
            StreamReport again = s.streamFiles(files);
            assertFalse(again.stopped());
            for (IngestFile f : files) {
                StreamFixtures.checkChunks(chunks.of(f.id()), contents.get(f.id()), CHUNK, 0);
            }
        }
    }

    @Test
    void readerCountsAreCheckedAndBoundedByTheBuffers() throws IOException {
        try (Megakernel k = StreamFixtures.kernel(16, 1, GpuStream.dataBytes(5, CHUNK))) {
            GpuStream.Builder b = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(5);
            GpuStreamException zero = assertThrows(GpuStreamException.class, () -> b.readers(0));
            assertTrue(zero.getMessage().contains("Fix: "), zero.getMessage());
            assertThrows(GpuStreamException.class, () -> b.readers(ReaderOptions.MAX_READERS + 1));
            try (GpuStream s = b.readerOptions(ReaderOptions.defaults().withMode(ReaderOptions.Mode.FILE_CHANNEL))
                    .readers(8).notices(StreamFixtures.quiet()).build()) {
                assertTrue(s.readerDescription().startsWith("2 parallel readers"), "5 buffers feed at most 2 readers: "
                        + s.readerDescription());
            }
        }
    }
}
