package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cli.scan.JdkRegexPeer;
import dev.vyre.cli.scan.ScanBench;
import dev.vyre.cli.scan.ScanCorpus;
import dev.vyre.cli.scan.ScanPeer;
import dev.vyre.cli.scan.VyrePeer;
import dev.vyre.cli.scan.VyreScan;
import dev.vyre.runtime.automata.RingScanOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchScanCommandTest {
    @Test
    void syntheticCorpusCountsAgreeAndEvidenceIsWritten(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("e/scan.json");
        CliRun r = CliRun.of("bench", "scan", "--size", "300000", "--files", "3", "--repeat", "1", "--peers",
                "vyre-cpu,java.util.regex,ripgrep", "--json", json.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("counts agree"), r.out());
        String e = Files.readString(json);
        assertTrue(e.contains("\"countsAgree\":true") && e.contains("\"peer\":\"vyre-cpu\"")
                && e.contains("\"schema_version\":1"), e);
    }

    @Test
    void theReadCeilingReadsEveryByteAndTakesNoPartInTheCounts(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("scan.json");
        CliRun r = CliRun.of("bench", "scan", "--size", "300000", "--files", "3", "--repeat", "1", "--peers",
                "vyre-cpu,read-all-cores", "--json", json.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("counts agree"), r.out());
        Matcher row = Pattern.compile("read-all-cores\s+0\s+[0-9.]+\s+[0-9.]+\s+none").matcher(r.out());
        assertTrue(row.find(), r.out());
        String e = Files.readString(json);
        Matcher read = Pattern.compile("\"bytesRead\":(\\d+)").matcher(e);
        assertTrue(read.find(), e);
        // the runs (warm-up and timed) read the whole corpus of 300,000 bytes at least once
        assertTrue(Long.parseLong(read.group(1)) >= 300_000, e);
    }

    @Test
    void filteredPeerReportsItsWallByStage(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("scan.json");
        CliRun r = CliRun.of("bench", "scan", "--size", "200000", "--files", "3", "--repeat", "1", "--peers",
                "vyre-cpu-filter,vyre-cpu", "--json", json.toString());
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("vyre-cpu-filter: wall by stage \\(best run, s\\):((?: \\w+ [0-9.-]+)+)")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        String[] parts = m.group(1).trim().split(" ");
        List<String> names = new java.util.ArrayList<>();
        double sum = 0;
        double wall = -1;
        for (int i = 0; i < parts.length; i += 2) {
            names.add(parts[i]);
            double v = Double.parseDouble(parts[i + 1]);
            if (parts[i].equals("wall")) {
                wall = v;
            } else if (!List.of("awaitTransfer", "awaitSort", "confirmBusy", "confirmLongest", "dfaStageBusy")
                    .contains(parts[i])) {
                assertTrue(v >= 0 || parts[i].equals("other"), parts[i] + " " + v);
                sum += v;
            }
        }
        assertEquals(List.of("stat", "pack", "read", "submit", "await", "dfaStage", "confirm", "emit",
                "confirmBusy", "confirmLongest", "dfaStageBusy", "awaitTransfer", "awaitSort", "other", "wall"), names);
        assertTrue(wall > 0 && Math.abs(sum - wall) < 0.01, "stages and other sum to the wall: " + m.group());
        assertTrue(Files.readString(json).contains("\"stageSeconds\":{\"stat\":"), Files.readString(json));
        Matcher w = Pattern.compile("vyre-cpu-filter: prefilter \\(cpu-model\\) [0-9.]+ GB/s over [0-9]+ bytes, "
                + "([0-9]+) candidate windows \\(([0-9]+) passed the bit test, device confirm on\\)").matcher(r.out());
        assertTrue(w.find(), r.out());
        long kept = Long.parseLong(w.group(1));
        long tested = Long.parseLong(w.group(2));
        assertTrue(kept <= tested && tested > 0, w.group());
        String e = Files.readString(json);
        assertTrue(e.contains("\"bitTestWindows\":" + tested) && e.contains("\"confirmedWindows\":" + kept)
                && e.contains("\"deviceConfirm\":true"), e);
    }

    @Test
    void theSyntheticRulesCountTheSameInBothSemantics(@TempDir Path dir) throws Exception {
        List<Path> files = ScanCorpus.generate(dir, 200_000, 2, 5);
        long leftmost = 0;
        Pattern alt = Pattern.compile(ScanPeer.alternation(ScanCorpus.RULES));
        for (Path f : files) {
            Matcher m = alt.matcher(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1));
            while (m.find()) {
                leftmost++;
            }
        }
        VyreScan setup = new VyreScan("cpu", 2, RingScanOptions.defaults().withLanes(2), 65536, 4);
        ScanBench.Report report = ScanBench.run(List.of(new VyrePeer("cpu", setup), new JdkRegexPeer()),
                ScanCorpus.RULES, files, 1, line -> { });
        assertTrue(leftmost > 1000, "the corpus has matches: " + leftmost);
        assertEquals(List.of(leftmost, leftmost), report.rows().stream().map(ScanBench.Row::count).toList());
        assertTrue(report.disagreements().isEmpty());
    }

    @Test
    void overlappingRulesDisagreeLoudly(@TempDir Path dir) throws Exception {
        Path corpus = dir.resolve("c.txt");
        Files.writeString(corpus, "aaa b aa\n");
        CliRun r = CliRun.of("bench", "scan", "--corpus", corpus.toString(), "-e", "a+", "--repeat", "1",
                "--peers", "vyre-cpu,java.util.regex");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.out().contains("COUNTS DISAGREE") && r.err().contains("disagree"), r.toString());
        assertTrue(r.out().matches("(?s).*vyre-cpu\\s+5 .*java.util.regex\\s+2 .*"), r.out());
    }
}
