package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.runtime.automata.SliceEvidence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code vyre bench scan}: every peer on the same files and rule set, one untimed warm-up run then the best of
 * {@code repeat} timed runs each (files read from the page cache, which the warm-up fills), throughput in GB/s and
 * match counts side by side. Counts must agree; a disagreement is reported as a failure.
 */
public final class ScanBench {
    private ScanBench() {
    }

    /** One peer's row. */
    public record Row(String peer, String counting, String skipped, String error, long count, long bestNanos,
            long compileNanos, double gbPerSecond, Map<Integer, Long> perPattern, Map<String, Object> measurements) {
        /** A row without stage measurements. */
        public Row(String peer, String counting, String skipped, String error, long count, long bestNanos,
                long compileNanos, double gbPerSecond, Map<Integer, Long> perPattern) {
            this(peer, counting, skipped, error, count, bestNanos, compileNanos, gbPerSecond, perPattern, Map.of());
        }

        boolean ran() {
            return skipped == null && error == null;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peer", peer);
            m.put("counting", counting);
            if (skipped != null) {
                m.put("skipped", skipped);
            } else if (error != null) {
                m.put("error", error);
            } else {
                m.put("count", count);
                m.put("bestSeconds", bestNanos / 1e9);
                m.put("compileSeconds", compileNanos / 1e9);
                m.put("gbPerSecond", gbPerSecond);
                if (perPattern != null) {
                    Map<String, Object> byId = new LinkedHashMap<>();
                    new TreeMap<>(perPattern).forEach((id, n) -> byId.put(String.valueOf(id), n));
                    m.put("matchesByPattern", byId);
                }
                if (!measurements.isEmpty()) {
                    m.put("measurements", measurements);
                }
            }
            return m;
        }
    }

    /**
     * The result: rows in peer order, and whether the counts agree.
     *
     * @param patternIds the distinct ids of the rule set
     * @param slices     vyre's worklist-policy evidence, one record per corpus slice of every timed run
     */
    public record Report(long bytes, int files, List<Integer> patternIds, int repeat, List<Row> rows,
            List<SliceEvidence> slices) {
        /** Peers that ran and whose counts differ from the first peer that ran, described; empty when they agree. */
        public List<String> disagreements() {
            List<Row> ran = rows.stream().filter(r -> r.ran() && !"none".equals(r.counting())).toList();
            List<String> out = new ArrayList<>();
            if (!ran.isEmpty()) {
                Row first = ran.getFirst();
                for (Row r : ran) {
                    if (r.count() != first.count()) {
                        out.add(r.peer() + " counted " + r.count() + " (" + r.counting() + ") but " + first.peer()
                                + " counted " + first.count() + " (" + first.counting() + ")");
                    }
                }
            }
            return out;
        }

        /**
         * Pattern ids whose match counts differ between the peers that count per pattern (compared with the first
         * such peer; a missing id counts 0), each as "id: peer=count, ...".
         */
        public List<String> patternDisagreements() {
            List<Row> per = rows.stream().filter(r -> r.ran() && r.perPattern() != null).toList();
            List<String> out = new ArrayList<>();
            for (int id : patternIds) {
                long first = per.isEmpty() ? 0 : per.getFirst().perPattern().getOrDefault(id, 0L);
                if (per.stream().anyMatch(r -> r.perPattern().getOrDefault(id, 0L) != first)) {
                    StringBuilder sb = new StringBuilder().append(id).append(':');
                    per.forEach(r -> sb.append(' ').append(r.peer()).append('=')
                            .append(r.perPattern().getOrDefault(id, 0L)));
                    out.add(sb.toString());
                }
            }
            return out;
        }

        /** Peers whose per-pattern counts were compared. */
        public List<String> perPatternPeers() {
            return rows.stream().filter(r -> r.ran() && r.perPattern() != null).map(Row::peer).toList();
        }

        /**
         * Slice records whose mode run is the faster of the two measured active times (a tie counts for either),
         * out of all records: the worklist policy's agreement with measurement.
         */
        public long policyFaster() {
            return slices.stream().filter(ScanBench::choseFaster).count();
        }

        /** Rows that failed. */
        public List<Row> failures() {
            return rows.stream().filter(r -> r.error() != null).toList();
        }

        /** A fixed-width table. */
        public List<String> table() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "%-18s %12s %10s %10s  %s", "peer", "matches", "GB/s", "best s",
                    "note"));
            for (Row r : rows) {
                if (r.ran()) {
                    lines.add(String.format(Locale.ROOT, "%-18s %12d %10.3f %10.3f  %s", r.peer(), r.count(),
                            r.gbPerSecond(), r.bestNanos() / 1e9, r.counting()));
                } else {
                    lines.add(String.format(Locale.ROOT, "%-18s %12s %10s %10s  %s", r.peer(), "-", "-", "-",
                            r.skipped() != null ? "skipped: " + r.skipped() : "FAILED: " + r.error()));
                }
            }
            for (Row r : rows) {
                if (r.ran()) {
                    lines.addAll(stageLines(r));
                }
            }
            List<String> d = disagreements();
            lines.add(d.isEmpty() ? "counts agree" : "COUNTS DISAGREE: " + String.join("; ", d));
            if (perPatternPeers().size() > 1) {
                List<String> p = patternDisagreements();
                lines.add(p.isEmpty() ? "per-pattern counts agree (" + String.join(", ", perPatternPeers()) + ", "
                        + patternIds.size() + " patterns)" : "PER-PATTERN COUNTS DISAGREE for " + p.size()
                        + " patterns: " + String.join("; ", p.subList(0, Math.min(20, p.size()))));
            }
            if (!slices.isEmpty()) {
                lines.add(String.format(Locale.ROOT, "worklist policy: the mode run was the faster measured one in"
                        + " %d of %d slice records (%.1f%%)", policyFaster(), slices.size(),
                        100.0 * policyFaster() / slices.size()));
            }
            return lines;
        }

        /** The evidence as a map (slices are JSON objects already, kept as raw strings under "vyreSlices"). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bytes", bytes);
            m.put("files", files);
            m.put("patterns", patternIds.size());
            m.put("repeat", repeat);
            m.put("peers", rows.stream().map(Row::toMap).toList());
            m.put("countsAgree", disagreements().isEmpty());
            m.put("disagreements", disagreements());
            m.put("perPatternPeers", perPatternPeers());
            m.put("perPatternAgree", patternDisagreements().isEmpty());
            m.put("patternDisagreements", patternDisagreements());
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("records", slices.size());
            policy.put("modeRunWasFaster", policyFaster());
            policy.put("share", slices.isEmpty() ? 0.0 : (double) policyFaster() / slices.size());
            m.put("policyCheck", policy);
            return m;
        }
    }

    /** The stage measurements of a filtered-scan row: the prefilter kernel and the resident DFA kernels. */
    static List<String> stageLines(Row r) {
        Map<String, Object> m = r.measurements();
        List<String> out = new ArrayList<>();
        if (m.get("prefilterGbPerSecond") instanceof Double rate) {
            out.add(String.format(Locale.ROOT, "%s: prefilter (%s) %.3f GB/s over %d bytes%s, %s candidate windows"
                    + " (%s passed the bit test, device confirm %s), %s batches; host read %.3f s, confirm %.3f s",
                    r.peer(), m.get("filter"), rate, m.get("prefilterBytes"), "cuda".equals(m.get("filter"))
                    ? String.format(Locale.ROOT, " resident (copies %.3f GB/s)", (Double) m.get("copyGbPerSecond"))
                    : "", m.get("candidates"), m.get("bitTestWindows"),
                    Boolean.TRUE.equals(m.get("deviceConfirm")) ? "on" : "off", m.get("batches"),
                    (Double) m.get("readSeconds"), (Double) m.get("confirmSeconds")));
        }
        if (m.get("stageSeconds") instanceof Map<?, ?> stages) {
            StringBuilder line = new StringBuilder(r.peer()).append(": wall by stage (best run, s):");
            stages.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.3f", k, (Double) v)));
            out.add(line.toString());
        }
        if (m.get("dfaStageGbPerSecond") instanceof Double stageRate) {
            out.add("device".equals(m.get("dfaStage")) ? String.format(Locale.ROOT, "%s: DFA stage on the device "
                    + "(resident DFA kernel over each batch, passes included) %.3f GB/s per DFA", r.peer(), stageRate)
                    : String.format(Locale.ROOT, "%s: DFA stage (%s) %.3f GB/s per DFA", r.peer(),
                    m.get("dfaStage"), stageRate));
        }
        if (m.get("dfaStageDetails") instanceof Map<?, ?> details) {
            StringBuilder line = new StringBuilder(r.peer()).append(": DFA stage of the best run:");
            details.forEach((k, v) -> line.append(' ').append(k).append(' ')
                    .append(v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : v));
            out.add(line.toString());
        }
        if (m.get("dfaKernels") instanceof List<?> kernels) {
            for (Object k : kernels) {
                Map<?, ?> d = (Map<?, ?>) k;
                out.add(d.containsKey("error") ? r.peer() + ": resident DFA kernel (" + d.get("patterns")
                        + " patterns) FAILED: " + d.get("error") : String.format(Locale.ROOT, "%s: resident DFA "
                        + "kernel, DFA of %s patterns (%s states): %.3f GB/s, %s matches, %s passes", r.peer(),
                        d.get("patterns"), d.get("states"), (Double) d.get("gbPerSecond"), d.get("count"),
                        d.get("passes")));
            }
        }
        return out;
    }

    /** Whether a slice ran in the mode whose measured active time was the smaller (a tie counts for either). */
    static boolean choseFaster(SliceEvidence s) {
        return s.ranFasterMode();
    }

    /** The rules as "id:source/flags" strings for the evidence. */
    public static List<String> rulesText(List<PatternSpec> patterns) {
        return patterns.stream().map(p -> p.id() + ":" + ScanPeer.inline(p)).toList();
    }

    /** The built-in peers, then the ones a {@link ServiceLoader} finds (vyre-scan-peers), in that order. */
    public static List<ScanPeer> peers(VyreScan setup) {
        List<ScanPeer> all = new ArrayList<>(List.of(new VyrePeer("cuda", setup), new ResidentPeer(),
                new VyrePeer("cpu", setup), new FilteredPeer(FilteredScan.defaults("cuda")),
                new FilteredPeer(FilteredScan.defaults("cpu")),
                new FilteredPeer(FilteredScan.defaults("cuda").withConfirm(false)),
                new FilteredPeer(FilteredScan.defaults("cpu").withConfirm(false))));
        ServiceLoader.load(ScanPeer.class).forEach(all::add);
        all.add(new JdkRegexPeer());
        all.add(new RipgrepPeer());
        all.add(new ReadPeer());
        return all;
    }

    /** Runs every peer over {@code files}; {@code progress} hears each row as it is measured. */
    public static Report run(List<ScanPeer> peers, List<PatternSpec> patterns, List<Path> files, int repeat,
            Consumer<String> progress) {
        long bytes = 0;
        for (Path f : files) {
            try {
                bytes += Files.size(f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stat corpus file " + f, e);
            }
        }
        List<Row> rows = new ArrayList<>();
        List<SliceEvidence> slices = new ArrayList<>();
        for (ScanPeer p : peers) {
            int before = slices.size();
            Row r = measure(p, patterns, files, repeat, bytes, slices);
            rows.add(r);
            List<SliceEvidence> own = slices.subList(before, slices.size());
            if (!own.isEmpty()) {
                long faster = own.stream().filter(ScanBench::choseFaster).count();
                progress.accept(String.format(Locale.ROOT, "%-18s worklist policy: mode run faster in %d of %d"
                        + " slice records (%.1f%%)", p.name(), faster, own.size(), 100.0 * faster / own.size()));
            }
            progress.accept(r.ran() ? String.format(Locale.ROOT, "%-18s %d matches, %.3f GB/s", r.peer(), r.count(),
                    r.gbPerSecond()) : r.peer() + ": " + (r.skipped() != null ? "skipped: " + r.skipped()
                    : "FAILED: " + r.error()));
        }
        return new Report(bytes, files.size(), patterns.stream().map(PatternSpec::id).distinct().sorted().toList(),
                repeat, rows, slices);
    }

    private static Row measure(ScanPeer p, List<PatternSpec> patterns, List<Path> files, int repeat, long bytes,
            List<SliceEvidence> slices) {
        String counting = p.counting().name().toLowerCase(Locale.ROOT);
        Optional<String> why = p.unavailable();
        if (why.isPresent()) {
            return new Row(p.name(), counting, why.get(), null, 0, 0, 0, 0, null);
        }
        long t0 = System.nanoTime();
        try (ScanPeer.Prepared prepared = p.prepare(patterns)) {
            long compile = System.nanoTime() - t0;
            long count = prepared.scan(files);
            Map<Integer, Long> perPattern = prepared.lastCountsById().orElse(null);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < repeat; i++) {
                long s = System.nanoTime();
                long c = prepared.scan(files);
                best = Math.min(best, System.nanoTime() - s);
                if (c != count) {
                    return new Row(p.name(), counting, null, "runs counted " + count + " then " + c, 0, 0, 0, 0,
                            null);
                }
                if (p instanceof VyrePeer v && v.lastReport() != null) {
                    slices.addAll(v.lastReport().slices());
                }
            }
            return new Row(p.name(), counting, null, null, count, best, compile, bytes / (best / 1e9) / 1e9,
                    perPattern, prepared.measurements());
        } catch (Exception | LinkageError e) {
            return new Row(p.name(), counting, null, String.valueOf(e), 0, 0, 0, 0, null);
        }
    }
}
