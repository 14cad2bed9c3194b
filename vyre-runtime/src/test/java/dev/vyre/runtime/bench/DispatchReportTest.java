package dev.vyre.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.KernelBuild;
import dev.vyre.runtime.cuda.WorkerShape;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's JSON-ready map, ratios, targets and table, on hand-made rows; variants and the configuration. */
class DispatchReportTest {
    private static final String CUDA = DispatchBenchConfig.CUDA;
    private static final String BASE = CudaBaselines.VARIANT;

    private static LatencyStats flat(long nanos) {
        return LatencyStats.of(new long[] {nanos, nanos, nanos});
    }

    private static DispatchReport report(List<BenchResult> rows) {
        return new DispatchReport(Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("2026-01-02T03:04:35Z"),
                Map.of("processors", 16), DispatchBenchConfig.defaults(), rows, List.of("a note"));
    }

    private static List<BenchResult> gpuRows() {
        return List.of(
                BenchResult.latency("cpu", "workers 4", Measure.MEGAKERNEL_CALL, flat(900), Map.of("workers", 4)),
                BenchResult.latency(CUDA, "THREAD:0:64-2048", Measure.MEGAKERNEL_CALL, flat(2_000), Map.of()),
                BenchResult.throughput(CUDA, "THREAD:0:64-2048", Measure.MEGAKERNEL_SUBMIT,
                        new Throughput(30_000_000, 1_000_000_000), Map.of()),
                BenchResult.latency(CUDA, "WARP:32:64-2048", Measure.MEGAKERNEL_CALL, flat(10_000), Map.of()),
                BenchResult.failed(CUDA, "WARP:32:64-2048", Measure.MEGAKERNEL_SUBMIT,
                        new BenchException("ring stalled", "wait")),
                BenchResult.latency(CUDA, BASE, Measure.LAUNCH_SYNC, flat(8_000), Map.of()),
                BenchResult.latency(CUDA, BASE, Measure.GRAPH_SYNC, flat(5_000), Map.of()),
                BenchResult.throughput(CUDA, BASE, Measure.LAUNCH_STREAM, new Throughput(300_000, 1_000_000_000),
                        Map.of()),
                BenchResult.latency(CUDA, BASE, Measure.PING_PONG_FLOOR, flat(1_000), Map.of()));
    }

    @Test
    void ratiosCompareEveryCudaVariantWithTheBaselines() {
        List<DispatchReport.Ratio> ratios = report(gpuRows()).ratios();
        assertTrue(ratios.contains(new DispatchReport.Ratio("THREAD:0:64-2048", Measure.LAUNCH_SYNC,
                Measure.MEGAKERNEL_CALL, "mean", 4.0)), ratios.toString());
        assertTrue(ratios.contains(new DispatchReport.Ratio("THREAD:0:64-2048", Measure.GRAPH_SYNC,
                Measure.MEGAKERNEL_CALL, "p50", 2.5)));
        assertTrue(ratios.contains(new DispatchReport.Ratio("THREAD:0:64-2048", Measure.MEGAKERNEL_CALL,
                Measure.PING_PONG_FLOOR, "mean", 2.0)));
        assertTrue(ratios.contains(new DispatchReport.Ratio("WARP:32:64-2048", Measure.LAUNCH_SYNC,
                Measure.MEGAKERNEL_CALL, "mean", 0.8)));
        assertTrue(ratios.contains(new DispatchReport.Ratio("THREAD:0:64-2048", Measure.MEGAKERNEL_SUBMIT,
                Measure.LAUNCH_STREAM, "throughput", 100.0)));
        assertEquals(2 * 6 + 1, ratios.size(), "two call variants x (launch, graph, floor) x (mean, p50), one"
                + " submit x launches (no graph stream row), nothing for the CPU or the failed row");
    }

    @Test
    void targetsAreCheckedPerVariant() {
        List<DispatchReport.TargetCheck> targets = report(gpuRows()).targets();
        assertEquals(List.of(
                new DispatchReport.TargetCheck("THREAD:0:64-2048", "mean call round trip <= 2.50 us", 2.5, 2.0, true),
                new DispatchReport.TargetCheck("THREAD:0:64-2048", "launch + synchronize mean / megakernel mean >= 3.0",
                        3.0, 4.0, true),
                new DispatchReport.TargetCheck("WARP:32:64-2048", "mean call round trip <= 2.50 us", 2.5, 10.0, false),
                new DispatchReport.TargetCheck("WARP:32:64-2048", "launch + synchronize mean / megakernel mean >= 3.0",
                        3.0, 0.8, false),
                new DispatchReport.TargetCheck("THREAD:0:64-2048", "batched NOP slots/s >= 20.00 M", 20.0, 30.0, true)),
                targets);
    }

    @Test
    void theMapIsTheJsonEvidence() {
        DispatchReport r = report(gpuRows());
        Map<String, Object> m = r.toMap();
        assertEquals(List.of("schema", "tool", "started", "finished", "environment", "config", "results", "ratios",
                "targets", "notes"), List.copyOf(m.keySet()));
        assertEquals(DispatchReport.SCHEMA, m.get("schema"));
        assertEquals("2026-01-02T03:04:05Z", m.get("started"));
        List<?> results = (List<?>) m.get("results");
        assertEquals(gpuRows().size(), results.size());
        Map<?, ?> first = (Map<?, ?>) results.get(0);
        assertEquals(Measure.MEGAKERNEL_CALL.method(), first.get("method"));
        assertEquals(900.0, ((Map<?, ?>) first.get("latency")).get("mean"));
        assertEquals(Map.of("workers", 4), first.get("details"));
        Map<?, ?> failed = (Map<?, ?>) results.get(4);
        assertTrue(String.valueOf(failed.get("error")).startsWith("BenchException: ring stalled"), failed.toString());
        assertFalse(failed.containsKey("latency") || failed.containsKey("throughput"));
        assertEquals(List.of("a note"), m.get("notes"));
        assertEquals(1, r.failures().size());
        assertJsonReady(m);
    }

    @Test
    void theTableHasARowPerResultThenRatiosTargetsAndNotes() {
        List<String> lines = report(gpuRows()).tableLines();
        assertTrue(lines.get(0).startsWith("vyre bench dispatch, 2026-01-02T03:04:05Z"), lines.get(0));
        assertTrue(lines.get(1).contains("mean us") && lines.get(1).contains("throughput"));
        assertTrue(lines.get(2).startsWith("cpu   workers 4") && lines.get(2).contains("0.90"), lines.get(2));
        assertTrue(lines.get(3).contains("2.00"));
        assertTrue(lines.get(4).contains("30.00 M/s"), lines.get(4));
        assertTrue(lines.get(6).contains("FAILED: BenchException: ring stalled"), lines.get(6));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ratio THREAD:0:64-2048") && l.endsWith("4.00x")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("target WARP:32:64-2048") && l.endsWith("MISSED")));
        assertEquals("note: a note", lines.getLast());
    }

    @Test
    void cudaVariantsParseAndRefuseNonsense() {
        assertEquals(new CudaVariant(WorkerShape.THREAD, 32, 64, 2048), CudaVariant.parse("THREAD:32:64-2048"));
        assertEquals(new CudaVariant(WorkerShape.WARP, 0, 32, 256), CudaVariant.parse(" warp:0:32-256 "));
        assertEquals("THREAD:0:" + CudaBackend.DEFAULT_BACKOFF_MIN_NANOS + "-" + CudaBackend.DEFAULT_BACKOFF_MAX_NANOS
                + ":" + CudaBackend.DEFAULT_DOORBELL_POLLERS, CudaVariant.DEFAULT.spec());
        assertEquals(CudaVariant.DEFAULT, CudaVariant.parse(CudaVariant.DEFAULT.spec()));
        assertEquals(CudaBackend.Settings.defaults(), CudaVariant.DEFAULT.settings(0));
        CudaVariant bell = CudaVariant.parse("THREAD:128:1-16384:2");
        assertEquals(new CudaVariant(WorkerShape.THREAD, 128, 1, 16384, 2), bell);
        assertEquals("THREAD:128:1-16384:2", bell.spec());
        assertEquals(2, bell.settings(0).doorbellPollers());
        assertEquals(CudaVariant.parse("THREAD:32:64-2048"), CudaVariant.parse("THREAD:32:64-2048:0"));
        CudaVariant ir = CudaVariant.parse("THREAD:0:1-64:ir");
        assertEquals(new CudaVariant(WorkerShape.THREAD, 0, 1, 64, 0, KernelBuild.IR), ir);
        assertEquals("THREAD:0:1-64:IR", ir.spec());
        assertEquals(ir, CudaVariant.parse(ir.spec()));
        assertTrue(ir.settings(0).irKernel() && !CudaVariant.parse("THREAD:0:1-64").settings(0).irKernel());
        assertEquals(ir, CudaVariant.parse("THREAD:0:1-64:0:IR"));
        CudaVariant irBell = CudaVariant.parse("THREAD:0:1-16384:4:IR");
        assertEquals(new CudaVariant(WorkerShape.THREAD, 0, 1, 16384, 4, KernelBuild.IR), irBell);
        assertEquals("THREAD:0:1-16384:4:IR", irBell.spec());
        assertEquals(CudaBackend.Settings.defaults().withIrKernel(), irBell.settings(0));
        // no suffix: the backend's own pick (the IR-built kernel where it runs the configuration); :HW the hand-written
        assertEquals(KernelBuild.IR_WHERE_SUPPORTED, CudaVariant.parse("THREAD:0:1-64").kernel());
        CudaVariant hw = CudaVariant.parse("THREAD:0:1-16384:4:hw");
        assertEquals(new CudaVariant(WorkerShape.THREAD, 0, 1, 16384, 4, KernelBuild.HAND_WRITTEN), hw);
        assertEquals("THREAD:0:1-16384:4:HW", hw.spec());
        assertEquals(hw, CudaVariant.parse(hw.spec()));
        assertEquals(CudaBackend.Settings.defaults().withKernel(KernelBuild.HAND_WRITTEN), hw.settings(0));
        assertEquals(KernelBuild.HAND_WRITTEN, CudaVariant.parse("WARP:0:1-64:HW").settings(0).kernel());
        for (String bad : new String[] {"", "THREAD", "THREAD:32", "THREAD:32:64", "BLOCK:32:64-2048", "IR",
                "WARP:0:1-64:IR", "THREAD:0:1-64:9:IR", "THREAD:0:1-64:IR:IR", "THREAD:0:1-64:HW:IR", "HW",
                "THREAD:x:64-2048", "THREAD:-1:64-2048", "THREAD:32:2048-64", "THREAD:32:0-64",
                "THREAD:32:64-2000000", "THREAD:32:64-2048:9", "THREAD:32:64-2048:-1", "THREAD:32:64-2048:x",
                "THREAD:32:64-2048:1:2"}) {
            BenchException e = assertThrows(BenchException.class, () -> CudaVariant.parse(bad), bad);
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
        assertThrows(BenchException.class, () -> CudaVariant.parse(null));
    }

    @Test
    void configRefusesWhatCannotRun() {
        DispatchBenchConfig d = DispatchBenchConfig.defaults();
        assertEquals(DispatchBenchConfig.DEFAULT_CUDA_BATCH_SLOTS, d.batchSlotsFor(CUDA));
        assertEquals(DispatchBenchConfig.DEFAULT_CPU_BATCH_SLOTS, d.batchSlotsFor("cpu"));
        assertEquals(List.of(CudaVariant.DEFAULT), d.cudaVariantList());
        assertEquals(DispatchBenchConfig.DEFAULT_CUDA_WARMUP_MILLIS, d.cudaWarmupMillis());
        int w = DispatchBenchConfig.defaultCpuWorkers();
        assertTrue(w >= 1 && w <= DispatchBenchConfig.MAX_DEFAULT_CPU_WORKERS && Integer.bitCount(w) == 1);
        assertEquals(List.of(w), d.cpuWorkerCounts());
        assertEquals(Map.of("cpu", DispatchBenchConfig.DEFAULT_CPU_BATCH_SLOTS, CUDA,
                DispatchBenchConfig.DEFAULT_CUDA_BATCH_SLOTS), d.toMap().get("batchSlots"));
        List<Runnable> bad = List.of(
                () -> new DispatchBenchConfig(0, 0, 0, 64, List.of("cpu"), List.of(), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, -1, 0, 64, List.of("cpu"), List.of(), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, 0, -5, 64, List.of("cpu"), List.of(), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 0, List.of("cpu"), List.of(), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of(), List.of(), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("tpu"), List.of(), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("cpu"), List.of(3), List.of(), 1, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("cpu"), List.of(),
                        List.of(CudaVariant.parse("THREAD:48:64-2048")), 1, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("cpu"), List.of(), List.of(), 0, 0),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("cpu"), List.of(), List.of(), 1, -1),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("cpu"), List.of(), List.of(), 1, 0, -1),
                () -> new DispatchBenchConfig(1, 0, 0, 64, List.of("cpu"), List.of(), List.of(), 1, 0, 600_001));
        for (Runnable r : bad) {
            BenchException e = assertThrows(BenchException.class, r::run);
            assertTrue(e.getMessage().startsWith("dispatch bench: ") && e.getMessage().contains("Fix: "));
        }
    }

    /** Only what a JSON writer takes: string keys, strings, booleans, finite numbers, lists, maps. */
    private static void assertJsonReady(Object value) {
        switch (value) {
            case null -> { }
            case String s -> { }
            case Boolean b -> { }
            case Double d -> assertTrue(Double.isFinite(d), "non-finite number");
            case Integer i -> { }
            case Long l -> { }
            case Map<?, ?> map -> map.forEach((k, v) -> {
                assertTrue(k instanceof String, "key " + k);
                assertJsonReady(v);
            });
            case List<?> list -> list.forEach(DispatchReportTest::assertJsonReady);
            default -> throw new AssertionError("not JSON-ready: " + value.getClass() + " " + value);
        }
    }
}
