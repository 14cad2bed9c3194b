package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.worklist.WorklistEvidence;
import dev.vyre.automata.worklist.WorklistMode;
import dev.vyre.cli.scan.ScanBench;
import dev.vyre.runtime.automata.RingScanOptions;
import dev.vyre.runtime.automata.SliceEvidence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench report's per-pattern comparison, its worklist-policy share and the --flags option. */
class ScanBenchReportTest {
    private static ScanBench.Row row(String peer, long count, Map<Integer, Long> perPattern) {
        return new ScanBench.Row(peer, "end_offsets", null, null, count, 1_000, 1, 1.0, perPattern);
    }

    private static SliceEvidence slice(RingScanOptions.Mode chosen, long blockingNs, long nonBlockingNs) {
        WorklistMode mode = chosen == RingScanOptions.Mode.NON_BLOCKING ? WorklistMode.NON_BLOCKING
                : WorklistMode.BLOCKING;
        return new SliceEvidence(0, 4096, "mem:0@0", new WorklistEvidence(WorklistEvidence.SCHEMA_VERSION, mode, 8, 4096,
                10_000, blockingNs, nonBlockingNs, true, true), chosen);
    }

    @Test
    void perPatternCountsAreComparedOverEveryIdWithMissingIdsAsZero() {
        ScanBench.Report r = new ScanBench.Report(10, 1, List.of(1, 2, 3), 1, List.of(
                row("vyre-cpu", 3, Map.of(1, 3L)),
                new ScanBench.Row("re2j", "leftmost", null, null, 9, 1, 1, 1.0, null),
                row("hyperscan", 4, Map.of(1, 3L, 2, 1L))), List.of());
        assertEquals(List.of("vyre-cpu", "hyperscan"), r.perPatternPeers());
        assertEquals(List.of("2: vyre-cpu=0 hyperscan=1"), r.patternDisagreements());
        assertTrue(r.table().stream().anyMatch(l -> l.startsWith("PER-PATTERN COUNTS DISAGREE for 1")), r.table()
                .toString());
        ScanBench.Report same = new ScanBench.Report(10, 1, List.of(1, 2), 1, List.of(
                row("vyre-cpu", 3, Map.of(1, 3L)), row("hyperscan", 3, Map.of(1, 3L, 2, 0L))), List.of());
        assertEquals(List.of(), same.patternDisagreements());
    }

    @Test
    void policyShareCountsSlicesThatRanTheFasterMeasuredMode() {
        List<SliceEvidence> slices = List.of(
                slice(RingScanOptions.Mode.BLOCKING, 10, 20),
                slice(RingScanOptions.Mode.BLOCKING, 20, 10),
                slice(RingScanOptions.Mode.NON_BLOCKING, 20, 10),
                slice(RingScanOptions.Mode.NON_BLOCKING, 10, 20),
                slice(RingScanOptions.Mode.NON_BLOCKING, 15, 15));
        ScanBench.Report r = new ScanBench.Report(10, 1, List.of(1), 1, List.of(row("vyre-cpu", 1, Map.of(1, 1L))),
                slices);
        assertEquals(3, r.policyFaster());
        assertTrue(r.table().contains("worklist policy: the mode run was the faster measured one in 3 of 5 slice"
                + " records (60.0%)"), r.table().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> policy = (Map<String, Object>) r.toMap().get("policyCheck");
        assertEquals(Map.of("records", 5, "modeRunWasFaster", 3L, "share", 0.6), policy);
    }

    @Test
    void flagsApplyToEveryPattern(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("c.log");
        Files.writeString(corpus, "a\nB\nb x\n");
        CliRun plain = CliRun.of("bench", "scan", "--corpus", corpus.toString(), "-e", "^b", "--repeat", "1",
                "--peers", "vyre-cpu");
        assertTrue(plain.out().matches("(?s).*vyre-cpu\\s+0 .*"), plain.out());
        CliRun flagged = CliRun.of("bench", "scan", "--corpus", corpus.toString(), "-e", "^b", "--flags", "mi",
                "--repeat", "1", "--peers", "vyre-cpu");
        assertEquals(0, flagged.exit(), flagged.toString());
        assertTrue(flagged.out().matches("(?s).*vyre-cpu\\s+2 .*"), flagged.out());
        assertEquals(2, CliRun.of("bench", "scan", "--corpus", corpus.toString(), "-e", "b", "--flags", "q",
                "--peers", "vyre-cpu").exit());
    }
}
