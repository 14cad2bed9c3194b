package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.LineEngine;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.cuda.DeviceDfaStage;
import dev.vyre.runtime.cuda.DeviceWindowFilter;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA prefilter ({@link DeviceWindowFilter}, kernel {@code WindowFilterPtx}) on a GPU: its candidates equal the
 * CPU model's ({@link CpuBatchFilter}) on random batches, including a list overflow and its re-run, also with the
 * device confirm ({@link WindowConfirmTable}: kept windows and bit-test counts); the filtered scan
 * over it (with and without the resident DFA kernel as the DFA stage, {@link DeviceDfaStage}) reports per file
 * exactly what a {@link Scanner} reports; and it prints the prefilter kernel's resident-data rate.
 */
@Tag("gpu")
class CudaFilteredScanGpuTest {
    @BeforeEach
    void requireGpu() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available() && !probe.devices().isEmpty(),
                () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
    }

    @Test
    void deviceCandidatesEqualTheModel() {
        Props.forAll("device window filter = model", 12, (c, rnd) -> {
            int stride = rnd.nextInt(1, 9);
            // 5 hash bits: nearly every window passes, so 32 MiB overflows the first list (2^20 entries).
            int bits = c % 3 == 0 ? WindowBitmap.MIN_HASH_BITS : rnd.nextInt(10, 23);
            int[] keys = rnd.ints(rnd.nextInt(1, 5000)).toArray();
            WindowBitmap bitmap = WindowBitmap.of(keys, bits);
            long capacity = c % 3 == 0 ? 32L << 20 : rnd.nextLong(4096, 8L << 20);
            try (DeviceWindowFilter gpu = DeviceWindowFilter.open(bitmap, 2, capacity);
                 CpuBatchFilter cpu = new CpuBatchFilter(bitmap, 1, capacity)) {
                for (int slot = 0; slot < 2; slot++) {
                    long n = rnd.nextLong(0, capacity + 1);
                    fill(gpu.staging(slot), n, rnd, keys);
                    MemorySegment.copy(gpu.staging(slot), 0, cpu.staging(0), 0, n);
                    gpu.submit(slot, n, stride, 0);
                    cpu.submit(0, n, stride, 0);
                    BatchFilter.Candidates want = cpu.await(0);
                    BatchFilter.Candidates got = gpu.await(slot);
                    assertEquals(want.count(), got.count(), "case " + c + " slot " + slot + ": candidates");
                    assertTrue(Arrays.equals(want.windows(), 0, want.count(), got.windows(), 0, got.count()),
                            "case " + c + " slot " + slot + ": candidate lists differ");
                }
            }
        });
    }

    @Test
    void filteredScanOnTheGpuEqualsTheScanner(@TempDir Path dir) {
        CompiledAutomaton a = FilteredScannerTest.compiled();
        Scanner scanner = new Scanner(a);
        AtomicLong matched = new AtomicLong();
        AtomicLong split = new AtomicLong();
        Props.forAll("filtered scan on the GPU = scanner", 20, (i, rnd) -> {
            try {
                FilteredScannerTest.runCase(dir, i, rnd, a, scanner, matched, split,
                        (bitmap, table, capacity) -> DeviceWindowFilter.open(bitmap, i % 4 == 3 ? null : table,
                                rnd.nextInt(1, 4), capacity),
                        filter -> i % 2 == 0 ? null : new DeviceDfaStage((DeviceWindowFilter) filter,
                                FilteredScannerTest.dfaEngines(a)),
                        i % 3 == 2 ? FilteredScannerTest::dense : FilteredCorpus::content);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(matched.get() > 100, "only " + matched.get() + " matches over all cases");
    }

    /**
     * With the device confirm (the line engine's {@link WindowConfirmTable}), the kernel's candidates and its count
     * of bit-test windows equal the CPU model's, on batches of log-like text and text dense with keywords, with
     * random {@code keepFrom} (a piece continuing a file) and the confirm off in some batches.
     */
    @Test
    void deviceConfirmEqualsTheModel() {
        CompiledAutomaton a = FilteredScannerTest.compiled();
        WindowFilter matcher = ((LineEngine) a.engines(Engine.Kind.LINE).getFirst()).matcher();
        WindowConfirmTable table = matcher.confirmTable();
        long[] totals = new long[2];
        Props.forAll("device confirm = model", 12, (c, rnd) -> {
            int bits = rnd.nextBoolean() ? WindowBitmap.MIN_HASH_BITS : WindowBitmap.DEFAULT_HASH_BITS;
            WindowBitmap bitmap = WindowBitmap.of(matcher, bits);
            WindowConfirmTable t = c % 4 == 3 ? null : table;
            long capacity = rnd.nextLong(4096, 16L << 20);
            try (DeviceWindowFilter gpu = DeviceWindowFilter.open(bitmap, t, 2, capacity);
                 CpuBatchFilter cpu = new CpuBatchFilter(bitmap, t, 1, capacity)) {
                for (int slot = 0; slot < 2; slot++) {
                    long n = rnd.nextLong(0, capacity + 1);
                    byte[] text = rnd.nextBoolean() ? FilteredScannerTest.dense(rnd, (int) n)
                            : FilteredCorpus.content(rnd, (int) n);
                    MemorySegment.copy(text, 0, gpu.staging(slot), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, text.length);
                    MemorySegment.copy(gpu.staging(slot), 0, cpu.staging(0), 0, n);
                    long keepFrom = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(0, 5);
                    gpu.submit(slot, n, matcher.stride(), keepFrom);
                    cpu.submit(0, n, matcher.stride(), keepFrom);
                    BatchFilter.Candidates want = cpu.await(0);
                    BatchFilter.Candidates got = gpu.await(slot);
                    assertEquals(want.count(), got.count(), "case " + c + " slot " + slot + ": kept windows");
                    assertTrue(Arrays.equals(want.windows(), 0, want.count(), got.windows(), 0, got.count()),
                            "case " + c + " slot " + slot + ": candidate lists differ");
                }
                assertEquals(cpu.testedWindows(), gpu.testedWindows(), "case " + c + ": bit-test windows");
                assertEquals(cpu.keptWindows(), gpu.keptWindows(), "case " + c + ": kept windows");
                if (t != null) {
                    totals[0] += gpu.testedWindows();
                    totals[1] += gpu.keptWindows();
                }
            }
        });
        System.out.printf("device confirm: kept %d of %d windows that passed the bit test%n", totals[1], totals[0]);
        assertTrue(totals[1] < totals[0], "the confirm kept all " + totals[0] + " windows");
    }

    /** The kernel with and without the device confirm over 256 MiB of log-like text (rates printed). */
    @Test
    void confirmKernelRateOverResidentData() {
        CompiledAutomaton a = FilteredScannerTest.compiled();
        WindowFilter matcher = ((LineEngine) a.engines(Engine.Kind.LINE).getFirst()).matcher();
        WindowBitmap bitmap = WindowBitmap.of(matcher, WindowBitmap.DEFAULT_HASH_BITS);
        long bytes = 256L << 20;
        byte[] block = FilteredCorpus.content(new SplittableRandom(9), 1 << 20);
        for (WindowConfirmTable t : new WindowConfirmTable[] {null, matcher.confirmTable()}) {
            try (DeviceWindowFilter gpu = DeviceWindowFilter.open(bitmap, t, 1, bytes)) {
                for (long at = 0; at < bytes; at += block.length) {
                    MemorySegment.copy(block, 0, gpu.staging(0), java.lang.foreign.ValueLayout.JAVA_BYTE, at,
                            block.length);
                }
                long best = Long.MAX_VALUE;
                for (int r = 0; r < 5; r++) {
                    long before = gpu.filterNanos();
                    gpu.submit(0, bytes, matcher.stride(), 0);
                    gpu.await(0);
                    best = Math.min(best, gpu.filterNanos() - before);
                }
                System.out.printf("window prefilter kernel, device confirm %s: %d MiB of log-like text resident, "
                        + "best %.3f ms = %.1f GB/s; %d windows passed the bit test, %d kept (5 runs)%n",
                        t == null ? "off" : "on", bytes >> 20, best / 1e6, bytes / (double) best,
                        gpu.testedWindows(), gpu.keptWindows());
                assertTrue(best > 0, "the kernel took no measurable time");
            }
        }
    }

    @Test
    void kernelRateOverResidentData() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[] keys = rnd.ints(3000).toArray();
        long bytes = 256L << 20;
        try (DeviceWindowFilter gpu = DeviceWindowFilter.open(WindowBitmap.of(keys,
                WindowBitmap.DEFAULT_HASH_BITS), 1, bytes)) {
            fill(gpu.staging(0), bytes, rnd, keys);
            long best = Long.MAX_VALUE;
            for (int r = 0; r < 5; r++) {
                long before = gpu.filterNanos();
                gpu.submit(0, bytes, 5, 0);
                gpu.await(0);
                best = Math.min(best, gpu.filterNanos() - before);
            }
            System.out.printf("window prefilter kernel: %d MiB resident, stride 5, best %.3f ms = %.1f GB/s; "
                    + "copies %.1f GB/s%n", bytes >> 20, best / 1e6, bytes / (double) best,
                    gpu.filteredBytes() / (double) gpu.copyNanos());
            assertTrue(best > 0, "the kernel took no measurable time");
        }
    }

    /** Random text-like bytes with some registered windows written in. */
    private static void fill(MemorySegment s, long n, SplittableRandom rnd, int[] keys) {
        byte[] block = new byte[1 << 16];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (rnd.nextInt(5) == 0 ? rnd.nextInt(256) : "etaoin \n".charAt(rnd.nextInt(8)));
        }
        for (int k = 0; k < 200; k++) {
            int at = rnd.nextInt(block.length - 4);
            int w = keys[rnd.nextInt(keys.length)];
            block[at] = (byte) (w >>> 24);
            block[at + 1] = (byte) (w >>> 16);
            block[at + 2] = (byte) (w >>> 8);
            block[at + 3] = (byte) w;
        }
        for (long at = 0; at < n; at += block.length) {
            int len = (int) Math.min(block.length, n - at);
            MemorySegment.copy(block, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, at, len);
        }
    }
}
