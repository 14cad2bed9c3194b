package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.LinuxErrno;
import dev.vyre.uring.Notices;
import dev.vyre.uring.ReaderKind;
import dev.vyre.uring.ReaderOptions;
import dev.vyre.uring.UringProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings are checked with typed errors; streams share a data region; the reader falls back where it must. */
class GpuStreamBuilderTest {
    private static final int CHUNK = 4096;

    @TempDir
    Path dir;

    @Test
    void badSettingsAreRefusedWithAFix() {
        try (Megakernel k = StreamFixtures.kernel(8, 1, GpuStream.dataBytes(4, CHUNK))) {
            refused(k, b -> b.chunkSize(CHUNK), "no opcode");
            refused(k, b -> b.opcode(0x999), "no handler");
            refused(k, b -> b.opcode(Opcodes.SHUTDOWN), "cannot carry chunks");
            refused(k, b -> b.opcode(FNV).tenant(30), "tenant 30");
            refused(k, b -> b.opcode(FNV).chunkSize(0), "chunk size 0");
            refused(k, b -> b.opcode(FNV).chunkSize(CHUNK).overlap(CHUNK + 1), "overlap");
            refused(k, b -> b.opcode(FNV).chunkSize(CHUNK).overlap(1).buffers(1), "at least two buffers");
            refused(k, b -> b.opcode(FNV).chunkSize(CHUNK).buffers(0), "0 buffers");
            refused(k, b -> b.opcode(FNV).chunkSize(CHUNK).drainTimeout(Duration.ZERO), "drain timeout");
            refused(k, b -> b.opcode(FNV).chunkSize(CHUNK).buffers(5), "withDataBytes");
            assertEquals(0, k.dataRegion().leases(), "a refused build leases nothing");
        }
        try (Megakernel none = StreamFixtures.kernel(8, 1, 0)) {
            refused(none, b -> b.opcode(FNV), "withDataBytes");
        }
        assertThrows(GpuStreamException.class, () -> GpuStream.builder(null));
    }

    private static void refused(Megakernel k, UnaryOperator<GpuStream.Builder> settings, String says) {
        GpuStreamException e = assertThrows(GpuStreamException.class,
                () -> settings.apply(GpuStream.builder(k).notices(StreamFixtures.quiet())).build().close());
        assertTrue(e.getMessage().contains(says) && e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void twoStreamsShareARegionAndRunAtOnce() throws Exception {
        Kernels.assumeInterpreter();
        byte[] a = StreamFixtures.write(dir.resolve("a"), 20 * CHUNK + 3, 1);
        byte[] b = StreamFixtures.write(dir.resolve("b"), 30 * CHUNK + 9, 2);
        Collector ca = new Collector();
        Collector cb = new Collector();
        try (Megakernel k = StreamFixtures.kernel(16, 2, 2 * GpuStream.dataBytes(3, CHUNK))) {
            GpuStream first = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(10).buffers(3)
                    .notices(StreamFixtures.quiet()).onChunk(ca).build();
            GpuStream second = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(3)
                    .notices(StreamFixtures.quiet()).onChunk(cb).build();
            assertThrows(GpuStreamException.class, () -> GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK)
                    .buffers(1).notices(StreamFixtures.quiet()).build(), "the region is full");
            assertDisjoint(first, second);
            CompletableFuture<StreamReport> ra = CompletableFuture.supplyAsync(
                    () -> first.streamFiles(List.of(new IngestFile(0, dir.resolve("a")))));
            StreamReport rb = second.streamFiles(List.of(new IngestFile(0, dir.resolve("b"))));
            assertTrue(ra.get().file(0).ok() && rb.file(0).ok());
            StreamFixtures.checkChunks(ca.of(0), a, CHUNK, 10);
            StreamFixtures.checkChunks(cb.of(0), b, CHUNK, 0);
            first.close();
            second.close();
            assertEquals(0, k.dataRegion().leases());
            GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(6).notices(StreamFixtures.quiet()).build()
                    .close();
        }
    }

    private static void assertDisjoint(GpuStream x, GpuStream y) {
        long xs = x.pool().buffers().getFirst().address();
        long xe = x.pool().buffers().getLast().address() + CHUNK;
        long ys = y.pool().buffers().getFirst().address();
        long ye = y.pool().buffers().getLast().address() + CHUNK;
        assertTrue(xe <= ys || ye <= xs, "the two pools overlap");
    }

    @Test
    void aKernelWithoutIoUringFallsBackToFileChannelAndSaysWhy() throws IOException {
        Kernels.assumeInterpreter();
        byte[] data = StreamFixtures.write(dir.resolve("f"), 3 * CHUNK + 1, 3);
        List<String> notices = new ArrayList<>();
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(8, 1, GpuStream.dataBytes(2, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(2)
                     .readerOptions(ReaderOptions.defaults().withMode(ReaderOptions.Mode.AUTO))
                     .probe(() -> new UringProbe(false, UringProbe.reasonFor(LinuxErrno.EPERM), 0))
                     .notices(Notices.to(notices::add)).onChunk(chunks).build()) {
            assertEquals(ReaderKind.FILE_CHANNEL, s.readerKind());
            assertEquals(1, notices.size());
            assertTrue(notices.getFirst().contains("EPERM"), notices.getFirst());
            assertTrue(s.streamFiles(List.of(new IngestFile(0, dir.resolve("f")))).file(0).ok());
            StreamFixtures.checkChunks(chunks.of(0), data, CHUNK, 0);
        }
    }

    @Test
    void aKernelWithIoUringReadsThroughIt() {
        UringProbe probe = UringProbe.run();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.available(), probe::reason);
        try (Megakernel k = StreamFixtures.kernel(8, 1, GpuStream.dataBytes(2, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(2)
                     .notices(StreamFixtures.quiet()).build()) {
            assertEquals(ReaderKind.IO_URING, s.readerKind());
            assertTrue(s.readerDescription().contains("registered buffers"), s.readerDescription());
        }
    }
}
