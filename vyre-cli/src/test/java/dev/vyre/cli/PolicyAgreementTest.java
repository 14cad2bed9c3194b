package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.worklist.WorklistMode;
import dev.vyre.automata.worklist.WorklistPolicy;
import dev.vyre.automata.worklist.WorklistRequest;
import dev.vyre.cli.scan.PolicyCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vyre bench scan --policy-corpus}: every 1 MiB file is a slice measured in both modes; the records carry the
 * policy's real inputs (depth = lanes, occupancy = the blocking schedule's active-lane proxy), the mode run is the
 * spec policy's choice for them, and the report gives the share of records whose mode run was the faster measured
 * one. The share itself is timing (docs/SCAN.md gives measured values); what is asserted is what does not depend on
 * the machine's load: the inputs per kind of file and the policy's decision on them.
 */
class PolicyAgreementTest {
    private static final Pattern RECORD = Pattern.compile("\\{\"slice\":\\d+,\"sample_bytes\":(\\d+),\"sample\":\""
            + "([^\"]*)\",\"mode_run\":\"(\\w+)\",\"evidence\":\\{\"schema_version\":1,\"selected_mode\":\"(\\w+)\","
            + "\"worklist_depth\":(\\d+),\"state_visit_count\":(\\d+),\"occupancy_proxy_bps\":(\\d+),"
            + "\"blocking_active_time_ns\":(\\d+),\"nonblocking_active_time_ns\":(\\d+)");

    @Test
    void policyCorpusRecordsRealInputsAndTheShareOfFasterModes(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("policy.json");
        int files = 3;
        CliRun r = CliRun.of("bench", "scan", "--policy-corpus", "--files", String.valueOf(files), "--size",
                String.valueOf(4L * files << 20), "--chunk", String.valueOf(1 << 20), "--lanes", "16", "--slice", "1",
                "--repeat", "1", "--peers", "vyre-cpu", "--json", json.toString());
        assertEquals(0, r.exit(), r.toString());
        String e = Files.readString(json);
        Matcher m = RECORD.matcher(e);
        List<String> kinds = new ArrayList<>();
        int faster = 0;
        int records = 0;
        while (m.find()) {
            records++;
            PolicyCorpus.Kind kind = PolicyCorpus.kindOf(Path.of(m.group(2).substring(0, m.group(2).lastIndexOf('@'))));
            kinds.add(kind.name());
            int depth = Integer.parseInt(m.group(5));
            int occupancy = Integer.parseInt(m.group(7));
            long blocking = Long.parseLong(m.group(8));
            long nonBlocking = Long.parseLong(m.group(9));
            String what = kind + " " + m.group();
            assertEquals(1 << 20, Integer.parseInt(m.group(1)), what);
            assertEquals(16, depth, "16 lanes of the one ring DFA: " + what);
            assertTrue(Long.parseLong(m.group(6)) >= 1 << 20, "the non-blocking run steps every byte: " + what);
            assertTrue(blocking > 0 && nonBlocking > 0, what);
            switch (kind) {
                case SYSLOG_SPARSE, SYSLOG_DENSE -> assertTrue(occupancy >= 9_000,
                        "short lines: every guess is exact, the blocking lanes stay busy: " + what);
                case JSON_DENSE -> assertTrue(occupancy < 5_000,
                        "most lanes start inside an error line: fix-ups chain: " + what);
                case JSON_SPARSE -> assertTrue(occupancy > 0, what);
            }
            WorklistMode expected = WorklistPolicy.standard().recommend(new WorklistRequest(depth,
                    Long.parseLong(m.group(6)), occupancy, blocking, nonBlocking)).mode();
            assertEquals(expected.label(), m.group(4), "the spec policy's choice: " + what);
            assertEquals(expected == WorklistMode.NON_BLOCKING ? "non_blocking" : "blocking", m.group(3), what);
            faster += (expected == WorklistMode.NON_BLOCKING ? nonBlocking <= blocking : blocking <= nonBlocking)
                    ? 1 : 0;
        }
        assertEquals(4 * files, records, "one record per file (slice = one chunk): " + e);
        for (PolicyCorpus.Kind k : PolicyCorpus.Kind.values()) {
            assertEquals(files, kinds.stream().filter(k.name()::equals).count(), k + " in " + kinds);
        }
        assertTrue(e.contains("\"policyCheck\":{\"records\":" + records + ",\"modeRunWasFaster\":" + faster
                + ",\"share\":"), e);
        String line = String.format(Locale.ROOT, "worklist policy: the mode run was the faster measured one in %d of"
                + " %d slice records (%.1f%%)", faster, records, 100.0 * faster / records);
        assertTrue(r.out().contains(line), line + "\n" + r.out());
        System.out.println("policy corpus on this machine: " + line);
    }
}
