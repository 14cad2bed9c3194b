package dev.vyre.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.cuda.Ptxas;
import dev.vyre.runtime.cuda.SmTarget;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CUDA reference rates of {@code vyre bench ingest}: the mapped-read kernel assembles, the host's XOR it is
 * checked against is right, bad settings are refused, no driver gives rows with notes, and on a GPU both rates are
 * measured and verified.
 */
class HostCopyBenchTest {

    @ParameterizedTest
    @ValueSource(strings = {"7.0", "8.0", "9.0"})
    void theMappedReadKernelAssemblesWithPtxas(String cc, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the mapped-read PTX is not assembled on this machine");
        String[] parts = cc.split("\\.");
        SmTarget target = SmTarget.forDevice(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "mapped-read", target.smName(), MappedReadPtx.module(target));
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "this ptxas no longer knows " + target.smName());
        assertEquals(0, r.exit(), () -> "ptxas rejected the mapped-read kernel:\n" + r.output());
        assertTrue(r.output().contains("Compiling entry function '" + MappedReadPtx.KERNEL + "'"), r.output());
    }

    @Test
    void theHostXorFoldsEveryLittleEndianWord() {
        byte[] data = new byte[4096];
        new SplittableRandom(5).nextBytes(data);
        ByteBuffer words = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int expected = 0;
        while (words.hasRemaining()) {
            expected ^= words.getInt();
        }
        assertEquals(expected, HostCopyBench.xorOfWords(MemorySegment.ofArray(data)));
        data[4095] ^= 0x40;
        assertEquals(expected ^ 0x4000_0000, HostCopyBench.xorOfWords(MemorySegment.ofArray(data)));
    }

    @Test
    void badSettingsAreRefusedWithAFix() {
        for (long[] bad : new long[][] {{100, 1, 1}, {4096 + 8, 1, 1}, {1 << 20, 0, 1}, {1 << 20, 1, 0}}) {
            GpuStreamException e = assertThrows(GpuStreamException.class,
                    () -> HostCopyBench.run(0, bad[0], (int) bad[1], (int) bad[2]));
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
    }

    @Test
    void withoutADriverBothRowsCarryTheReason() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeFalse(probe.available(), "a CUDA device is present: the GPU test measures instead");
        List<HostCopyBench.Rate> rates = HostCopyBench.run(0, 1 << 20, 2, 1);
        assertEquals(List.of(HostCopyBench.PINNED_H2D, HostCopyBench.MAPPED_READ),
                rates.stream().map(HostCopyBench.Rate::measure).toList());
        for (HostCopyBench.Rate r : rates) {
            assertFalse(r.verified());
            assertEquals(-1, r.nanos());
            assertTrue(r.note().startsWith("could not run: ") && r.note().contains("Fix: "), r.note());
        }
    }

    @Test
    @Tag("gpu")
    void onAGpuBothRatesAreMeasuredAndVerified() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
        List<HostCopyBench.Rate> rates = HostCopyBench.run(0, 64L << 20, 2, 2);
        for (HostCopyBench.Rate r : rates) {
            assertTrue(r.verified(), r::toString);
            assertTrue(r.nanos() > 0 && r.gbPerSecond() > 1, r::toString);
            System.out.printf("%s: %.2f GB/s%n", r.measure(), r.gbPerSecond());
        }
        assertTrue(rates.getFirst().bytes() >= HostCopyBench.BYTES_PER_PASS, "a pass moves at least 4 GiB");
    }
}
