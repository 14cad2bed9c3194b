package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.automata.RingScanOptions;
import dev.vyre.runtime.automata.RingScanner;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DFA_STEP on the real GPU against the CPU backend (the harness of {@link SimDfaStepTest}), the ring scanner on
 * the CUDA megakernel in both lane modes against one-shot scans, and the resident-data kernel's counts against the
 * CPU scanner. Prints what it measured.
 */
@Tag("gpu")
class CudaDfaStepGpuTest {

    @BeforeEach
    void gpu() {
        CudaTests.assumeGpu();
    }

    @Test
    void sequentialSlotsMatchTheCpuBackendExactly() {
        long[] totals = new long[4];
        Props.forAll("gpu dfa-step parity", 80, (i, rnd) -> {
            DfaStepHarness.Totals t = DfaStepHarness.sequentialCase(rnd, CpuBackend::new, CudaBackend::open,
                    i % 2 == 0 ? 4 : 16);
            totals[0] += t.slots();
            totals[1] += t.records();
            totals[2] += t.faults();
            totals[3] += t.dropped();
        });
        System.out.printf("gpu dfa-step parity: %d slots, %d records, %d faults, %d dropped%n", totals[0], totals[1],
                totals[2], totals[3]);
        assertTrue(totals[1] > 1000 && totals[2] > 10, java.util.Arrays.toString(totals));
    }

    @Test
    void slotsInFlightTogetherGiveTheSameRecords() {
        Props.forAll("gpu dfa-step concurrency", 6, (i, rnd) -> DfaStepHarness.concurrentCase(rnd, CpuBackend::new,
                CudaBackend::open, 16));
    }

    @Test
    void ringScannerOnTheGpuEqualsOneShotScans() {
        Props.forAll("gpu ring scan", 8, (i, rnd) -> {
            CompiledAutomaton a = DfaStepHarness.randomAutomaton(rnd);
            List<byte[]> inputs = new ArrayList<>();
            for (int f = 0, n = 1 + rnd.nextInt(4); f < n; f++) {
                inputs.add(DfaStepHarness.randomInput(rnd, rnd.nextInt(300_000)));
            }
            RingScanOptions.Mode mode = i % 2 == 0 ? RingScanOptions.Mode.BLOCKING : RingScanOptions.Mode.NON_BLOCKING;
            RingScanOptions o = RingScanOptions.defaults().withMode(mode).withLanes(1 + rnd.nextInt(16))
                    .withMinLaneBytes(256).withQuantum(1 + rnd.nextInt(8192)).withWarmup(rnd.nextInt(64))
                    .withMatchCapacity(rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(50) : 1 << 16);
            Map<Integer, List<Match>> got;
            long t0 = System.nanoTime();
            try (Megakernel k = Megakernel.bootstrap(CudaBackend.open(), MegakernelConfig.defaults().withSlots(256)
                    .withAutomata(RingScanner.ringAutomata(a)))) {
                got = DfaStepHarness.ringScan(k, a, o, inputs, 8, 4096 + rnd.nextInt(60_000));
            }
            System.out.printf("gpu ring scan %d (%s): %d files in %.1f ms%n", i, mode, inputs.size(),
                    (System.nanoTime() - t0) / 1e6);
            for (int f = 0; f < inputs.size(); f++) {
                assertEquals(new Scanner(a).scan(inputs.get(f)), got.get(f), "file " + f + " with " + o);
            }
        });
    }

    @Test
    void residentKernelCountsEqualTheCpuScanner() {
        SplittableRandom rnd = new SplittableRandom(17);
        int[][] shapes = {{128, 0}, {1024, 16}, {4096, 256}, {65_536, 256}};
        for (int c = 0; c < 12; c++) {
            CompiledAutomaton a = DfaStepHarness.randomAutomaton(rnd);
            if (RingScanner.ringAutomata(a).size() != 1 || a.engines().size() != 1) {
                continue;
            }
            List<byte[]> files = new ArrayList<>();
            long expected = 0;
            long bytes = 0;
            for (int f = 0, n = 1 + rnd.nextInt(4); f < n; f++) {
                byte[] b = DfaStepHarness.randomInput(rnd, rnd.nextInt(4) == 0 ? rnd.nextInt(300) : rnd.nextInt(3_000_000));
                files.add(b);
                expected += new Scanner(a).scan(b).size();
                bytes += b.length;
            }
            int[] shape = shapes[c % shapes.length];
            try (ResidentDfaScan scan = ResidentDfaScan.open(RingScanner.ringAutomata(a).getFirst(), files, shape[0],
                    shape[1])) {
                ResidentDfaScan.Result first = scan.run();
                ResidentDfaScan.Result again = scan.run();
                System.out.printf("resident case %d: %d bytes, %d segments of %d (warm-up %d): %d matches, %d passes,"
                        + " %d re-runs, %.3f GB/s%n", c, bytes, scan.segments(), shape[0], shape[1], first.count(),
                        first.passes(), first.reruns(), bytes / (again.nanos() / 1e9) / 1e9);
                assertEquals(expected, first.count(), "case " + c + " resident count vs the CPU scanner");
                assertEquals(first.count(), again.count());
            }
        }
    }

    /** {@code vyre scan}'s path on the GPU: files through a GpuStream into the data region, DFA_STEP lanes in place. */
    @Test
    void scanPathsThroughGpuStreamEqualOneShotScans(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        CompiledAutomaton a = DfaStepHarness.randomAutomaton(rnd);
        List<java.nio.file.Path> files = new ArrayList<>();
        for (int f = 0; f < 6; f++) {
            java.nio.file.Path p = dir.resolve("f" + f);
            java.nio.file.Files.write(p, DfaStepHarness.randomInput(rnd, rnd.nextInt(200_000)));
            files.add(p);
        }
        int chunk = 16_384;
        Map<Integer, List<Match>> got = new java.util.HashMap<>();
        try (Megakernel k = Megakernel.bootstrap(CudaBackend.open(), MegakernelConfig.defaults().withSlots(256)
                .withAutomata(RingScanner.ringAutomata(a))
                .withDataBytes(dev.vyre.runtime.stream.GpuStream.dataBytes(8, chunk)));
             RingScanner scanner = RingScanner.open(k, a, RingScanOptions.defaults().withLanes(4)
                     .withMinLaneBytes(1024).withSliceBytes(64 << 10));
             dev.vyre.runtime.stream.GpuStream stream = dev.vyre.runtime.stream.GpuStream.builder(k)
                     .opcode(dev.vyre.protocol.Opcodes.DFA_STEP).chunkSize(chunk).buffers(8).build()) {
            var report = scanner.scanPaths(stream, List.of(dir, dir.resolve("missing")),
                    new dev.vyre.runtime.automata.ScanListener() {
                        @Override
                        public void onFile(dev.vyre.uring.IngestFile file, List<Match> matches) {
                            got.put(file.id(), matches);
                        }

                        @Override
                        public void onFailure(dev.vyre.uring.IngestFile file, dev.vyre.uring.IngestFileException e) {
                        }
                    });
            assertEquals(1, report.failedFiles());
            System.out.printf("gpu scanPaths via GpuStream: %d bytes, %d slots, %d slices%n", report.bytes(),
                    report.slots(), report.slices().size());
        }
        for (int f = 0; f < files.size(); f++) {
            assertEquals(new Scanner(a).scan(java.nio.file.Files.readAllBytes(files.get(f))), got.get(f),
                    files.get(f).toString());
        }
    }
}
