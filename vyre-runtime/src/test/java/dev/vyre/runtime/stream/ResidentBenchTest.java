package dev.vyre.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel-only rows: each word-sum handler over a resident region on the CPU backend (the reference interpreter)
 * is verified chunk by chunk against Java, and all of them agree; sizes and handlers it cannot run are refused.
 */
class ResidentBenchTest {
    private static final int CHUNK = 8192;

    private static StreamBench.Row run(StreamBench.Handler h) {
        return ResidentBench.run(new ResidentBench.Config(BackendKind.CPU, h, CHUNK, 4L * CHUNK, 7L * CHUNK + 100, 16,
                2, 2));
    }

    @Test
    void everyWordSumHandlerIsVerifiedAndTheyAgree() {
        Kernels.assumeInterpreter();
        Set<Long> digests = new HashSet<>();
        for (StreamBench.Handler h : new StreamBench.Handler[] {StreamBench.Handler.WORD_SUM,
                StreamBench.Handler.WARP_SUM, StreamBench.Handler.WARP_VEC4, StreamBench.Handler.WARP_VEC8}) {
            StreamBench.Row row = run(h);
            assertTrue(row.verified(), row::toString);
            assertEquals(ResidentBench.READER, row.reader());
            assertEquals(7, row.chunks(), "whole chunks of the bytes per pass");
            assertEquals(7L * CHUNK, row.bytes());
            assertEquals(CHUNK, row.chunkBytes());
            assertTrue(row.nanos() > 0, row::toString);
            digests.add(row.digest());
        }
        assertEquals(1, digests.size(), "the handlers' sums differ: " + digests);
        StreamBench.Row nop = run(StreamBench.Handler.NOP);
        assertTrue(nop.verified(), nop::toString);
        assertFalse(digests.contains(nop.digest()), "nop computes no sums");
    }

    @Test
    void chunkSumsAreLittleEndianWrappingWordSums() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(2 * 4096L, 16);
            region.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            region.set(ValueLayout.JAVA_BYTE, 7, (byte) 0x80);
            region.set(ValueLayout.JAVA_INT, 4096, -1);
            region.set(ValueLayout.JAVA_INT, 4100, 2);
            int[] sums = ResidentBench.chunkSums(region, 4096, 2);
            assertEquals(1 + 0x8000_0000, sums[0]);
            assertEquals(1, sums[1]);
        }
    }

    @Test
    void withoutTheBackendTheRowSaysWhy() {
        Assumptions.assumeFalse(CudaProbe.run().available(), "a CUDA device is present: the row would run");
        StreamBench.Row row = ResidentBench.run(new ResidentBench.Config(BackendKind.CUDA,
                StreamBench.Handler.WARP_VEC8, CHUNK, CHUNK, CHUNK, 16, 0, 1));
        assertFalse(row.verified());
        assertTrue(row.note().contains("Fix:"), row.note());
    }

    /**
     * On a GPU: nop and the warp sums over 1 GiB of slots cycling through a 64 MiB region, verified, printed (not the
     * one-lane word sum: about 0.06 GB/s on CUDA, it would take a minute).
     */
    @Test
    @Tag("gpu")
    void onAGpuEveryWordSumHandlerIsVerified() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
        Set<Long> digests = new HashSet<>();
        for (StreamBench.Handler h : StreamBench.Handler.values()) {
            if (h == StreamBench.Handler.FNV || h == StreamBench.Handler.WORD_SUM) {
                continue;
            }
            StreamBench.Row row = ResidentBench.run(new ResidentBench.Config(BackendKind.CUDA, h, 256 << 10,
                    64L << 20, 1L << 30, 1024, 0, 2));
            assertTrue(row.verified(), row::toString);
            System.out.printf("resident-bench %s: %.2f GB/s (256 KiB chunks, 1 GiB per pass)%n", h.label(),
                    row.gbPerSecond());
            if (h != StreamBench.Handler.NOP) {
                digests.add(row.digest());
            }
        }
        assertEquals(1, digests.size(), "the handlers' sums differ: " + digests);
    }

    @Test
    void refusedConfigurations() {
        for (int[] bad : new int[][] {{100, 4096}, {4096, 4096 + 1}, {8192, 4096}}) {
            assertThrows(GpuStreamException.class, () -> new ResidentBench.Config(BackendKind.CPU,
                    StreamBench.Handler.WORD_SUM, bad[0], bad[1], bad[0], 16, 0, 1));
        }
        assertThrows(GpuStreamException.class, () -> new ResidentBench.Config(BackendKind.CPU,
                StreamBench.Handler.FNV, 4096, 4096, 4096, 16, 0, 1));
        assertThrows(GpuStreamException.class, () -> ChunkHandlers.warpVectorSum(0));
        assertThrows(GpuStreamException.class, () -> ChunkHandlers.warpVectorSum(ChunkHandlers.MAX_WARP_VEC_GROUPS
                + 1));
    }
}
