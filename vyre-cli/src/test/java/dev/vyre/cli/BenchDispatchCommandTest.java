package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.bench.BenchResult;
import dev.vyre.runtime.bench.DispatchBenchConfig;
import dev.vyre.runtime.bench.DispatchReport;
import dev.vyre.runtime.bench.LatencyStats;
import dev.vyre.runtime.bench.Measure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyre bench dispatch}: options, output and the JSON evidence, with tiny sizes (this is no benchmark). */
class BenchDispatchCommandTest {

    @Test
    void aTinyCpuRunPrintsTheTableAndWritesTheEvidence(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out/bench-dispatch.json");
        CliRun r = CliRun.of("bench", "dispatch", "--backends", "cpu", "--workers", "1,2", "--calls", "50",
                "--warmup", "10", "--batch-slots", "3000", "--ring-slots", "256", "--json", json.toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err());
        for (String w : new String[] {"workers 1", "workers 2"}) {
            assertTrue(r.out().contains("cpu " + w + ", megakernel call(NOP) round trip: mean "), r::toString);
            assertTrue(r.out().contains("cpu " + w + ", megakernel batched NOP slots: "), r::toString);
        }
        assertTrue(r.out().contains("\nvyre bench dispatch, "), r::toString);
        assertTrue(r.out().contains("evidence: " + json), r::toString);
        String text = Files.readString(json, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"schema\":\"" + DispatchReport.SCHEMA + "\",\"tool\":\"vyre bench dispatch\""),
                text);
        assertTrue(text.endsWith(",\"vyreVersion\":\"" + VersionProvider.version() + "\"}\n"), text);
        assertTrue(text.contains("\"config\":{\"calls\":50,\"warmupCalls\":10,\"cudaWarmupMillis\":1000,"
                + "\"batchSlots\":{\"cpu\":3000},"
                + "\"ringSlots\":256,\"backends\":[\"cpu\"],\"cpuWorkers\":[1,2]"), text);
        assertTrue(text.contains("\"measure\":\"MEGAKERNEL_SUBMIT\""), text);
        assertTrue(text.contains("\"throughput\":{\"items\":3000,"), text);
        assertTrue(text.contains("\"percentileMethod\":"), text);
        assertTrue(!text.contains("\"error\""), text);
    }

    @Test
    void cudaIsSkippedWithTheReasonOrMeasured() {
        CliRun r = CliRun.of("bench", "dispatch", "--backends", "cuda", "--calls", "20", "--warmup", "5",
                "--batch-slots", "2000", "--ring-slots", "1024", "--launch-batch", "20");
        CudaProbe probe = CudaProbe.run();
        if (!probe.available()) {
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("cuda: skipped: " + probe.reason()), r::toString);
            assertTrue(r.out().contains("note: cuda: skipped: "), r::toString);
        } else {
            assertTrue(r.out().contains("cuda baseline, mapped-memory ping-pong floor: "), r::toString);
        }
    }

    @Test
    void badOptionsFailTyped() {
        CliRun variant = CliRun.of("bench", "dispatch", "--backends", "cpu", "--cuda-variant", "BLOCK:1:1-2");
        assertEquals(2, variant.exit(), variant::toString);
        assertTrue(variant.err().startsWith("vyre: CUDA variant 'BLOCK:1:1-2'") && variant.err().contains("Fix: "),
                variant::toString);
        CliRun warpIr = CliRun.of("bench", "dispatch", "--backends", "cpu", "--cuda-variant", "WARP:0:1-64:IR");
        assertEquals(2, warpIr.exit(), warpIr::toString);
        assertTrue(warpIr.err().contains("IR-built kernel") && warpIr.err().contains("Fix: "), warpIr::toString);
        CliRun backend = CliRun.of("bench", "dispatch", "--backends", "tpu");
        assertEquals(2, backend.exit(), backend::toString);
        assertTrue(backend.err().contains("unknown backend 'tpu'"), backend::toString);
        CliRun workers = CliRun.of("bench", "dispatch", "--backends", "cpu", "--workers", "3");
        assertEquals(2, workers.exit(), workers::toString);
        CliRun missing = CliRun.of("bench");
        assertEquals(2, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("Missing subcommand"), missing::toString);
    }

    @Test
    void helpListsBenchTheWayTheGpuBundleLooksForIt() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  bench ")), "scripts/gpu-bundle greps '^  bench':\n"
                + r.out());
        CliRun d = CliRun.of("bench", "dispatch", "--help");
        for (String option : new String[] {"--json", "--calls", "--batch-slots", "--backends", "--workers",
                "--cuda-variant", "--ring-slots", "--launch-batch"}) {
            assertTrue(d.out().contains(option), option + " in\n" + d.out());
        }
    }

    @Test
    void theEvidenceIsTheReportPlusTheVersion() {
        DispatchReport report = new DispatchReport(Instant.EPOCH, Instant.EPOCH, Map.of(),
                DispatchBenchConfig.defaults(), List.of(BenchResult.latency("cpu", "workers 1",
                        Measure.MEGAKERNEL_CALL, LatencyStats.of(new long[] {1500, 2500}), Map.of())), List.of());
        Map<String, Object> evidence = BenchDispatchCommand.evidence(report);
        Map<String, Object> expected = new java.util.LinkedHashMap<>(report.toMap());
        expected.put("vyreVersion", VersionProvider.version());
        assertEquals(expected, evidence);
        String json = Json.write(evidence);
        assertTrue(json.contains("\"latency\":{\"unit\":\"ns\",\"count\":2,\"mean\":2000.0,\"stddev\":500.0,"
                + "\"min\":1500,\"p50\":1500,\"p90\":2500,\"p99\":2500,\"p999\":2500,\"max\":2500,"), json);
    }
}
