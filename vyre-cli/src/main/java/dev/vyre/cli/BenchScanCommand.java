package dev.vyre.cli;

import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.PolicyCorpus;
import dev.vyre.cli.scan.ScanBench;
import dev.vyre.cli.scan.ScanCorpus;
import dev.vyre.cli.scan.ScanPeer;
import dev.vyre.cli.scan.VyreScan;
import dev.vyre.runtime.automata.RingScanOptions;
import dev.vyre.runtime.automata.SliceEvidence;
import dev.vyre.uring.IngestSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre bench scan}: vyre (CUDA, CPU), hyperscan-java and RE2J (when vyre-scan-peers is on the class path),
 * java.util.regex and ripgrep (when installed) on the same corpus and rule set in one run; GB/s and match counts
 * side by side. Exit 2 when counts disagree or a peer failed (after printing and writing everything).
 */
@Command(name = "scan", sortOptions = false, description = {"Regex scan throughput: vyre vs hyperscan, RE2J,",
        "java.util.regex and ripgrep on the same corpus and rules; counts must agree."})
final class BenchScanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "PATH", description = "A real corpus (file or directory, repeatable)"
            + " instead of the synthetic one.")
    List<Path> corpus = new ArrayList<>();

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "67108864",
            description = "Bytes of the synthetic corpus (default: ${DEFAULT-VALUE}).")
    long size;

    @Option(names = "--files", paramLabel = "N", defaultValue = "8",
            description = "Files of the synthetic corpus (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the synthetic corpus.")
    long seed;

    @Option(names = "--policy-corpus", description = "Use the worklist-policy corpus instead (syslog and JSON logs,"
            + " sparse and dense: --files files of --size / (4 x --files) bytes per kind) and its rules.")
    boolean policyCorpus;

    @Option(names = "--lanes", paramLabel = "N", defaultValue = "0",
            description = "vyre lanes per chunk and DFA (0: one per CPU worker).")
    int lanes;

    @Option(names = {"-e", "--regexp"}, paramLabel = "PATTERN", description = "Rules instead of the synthetic"
            + " corpus's (repeatable).")
    List<String> expressions = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "RULES_FILE", description = "A rules file (as for vyre scan).")
    List<Path> ruleFiles = new ArrayList<>();

    @Option(names = "--flags", paramLabel = "LETTERS", defaultValue = "",
            description = "Flags on every pattern: i (caseless), s (dot-all), m (multi-line ^ $).")
    String flags;

    @Option(names = "--slice", paramLabel = "BYTES", defaultValue = "268435456",
            description = "vyre corpus slice in auto mode: both modes are measured at the start of each"
                    + " (default: ${DEFAULT-VALUE}).")
    long slice;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
            description = "Timed runs per peer after one warm-up; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--peers", paramLabel = "LIST", split = ",",
            description = "Only these peers (names as in the table), in this order.")
    List<String> only = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0", description = "vyre CPU workers (0: all).")
    int workers;

    @Option(names = "--mode", paramLabel = "auto|blocking|non-blocking", defaultValue = "auto",
            description = "vyre lane mode (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--chunk", paramLabel = "BYTES", defaultValue = "1048576", description = "vyre read chunk.")
    int chunk;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON evidence to FILE.")
    Path json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<PatternSpec> patterns = patterns();
        int w = VyreScan.effectiveWorkers(workers);
        VyreScan setup = new VyreScan("cpu", workers, RingScanOptions.defaults().withMode(ScanCommand.mode(mode))
                .withLanes(lanes > 0 ? lanes : w).withSliceBytes(slice), chunk, 32);
        List<ScanPeer> peers = select(ScanBench.peers(setup));
        Path temp = null;
        List<Path> corpusFiles;
        if (corpus.isEmpty() && policyCorpus) {
            temp = Files.createTempDirectory("vyre-bench-scan");
            int perFile = (int) Math.min(Integer.MAX_VALUE, Math.max(1, size / (4L * files)));
            out.println("policy corpus: " + 4 * files + " files of " + perFile + " bytes under " + temp);
            corpusFiles = PolicyCorpus.generate(temp, files, perFile, seed);
        } else if (corpus.isEmpty()) {
            temp = Files.createTempDirectory("vyre-bench-scan");
            out.println("synthetic corpus: " + size + " bytes in " + files + " files under " + temp);
            corpusFiles = ScanCorpus.generate(temp, size, files, seed);
        } else {
            corpusFiles = IngestSources.expand(corpus).files().stream().map(f -> f.path()).toList();
        }
        out.flush();
        ScanBench.Report report;
        try {
            report = ScanBench.run(peers, patterns, corpusFiles, repeat, line -> {
                out.println(line);
                out.flush();
            });
        } finally {
            if (temp != null) {
                delete(temp);
            }
        }
        out.println();
        report.table().forEach(out::println);
        if (json != null) {
            write(json, report, corpus.isEmpty());
            out.println("evidence: " + json);
        }
        if (!report.disagreements().isEmpty() || !report.failures().isEmpty()) {
            throw new CliException("bench scan: " + (report.disagreements().isEmpty() ? ""
                    : "match counts disagree: " + String.join("; ", report.disagreements()) + ". ")
                    + report.failures().size() + " peers failed", "a rule set whose matches overlap is counted"
                    + " differently by end-offset engines (vyre, hyperscan) and leftmost engines (java, RE2J,"
                    + " ripgrep): use rules whose matches end uniquely, or investigate the differing peer");
        }
        return 0;
    }

    private List<PatternSpec> patterns() {
        Set<PatternFlag> f;
        try {
            f = PatternFlag.parse(flags);
        } catch (RuntimeException e) {
            throw new CliException("bench scan: --flags " + flags + ": " + e.getMessage(), "use the letters i, s, m");
        }
        List<PatternSpec> base = !expressions.isEmpty() || !ruleFiles.isEmpty() ? Rules.of(expressions, ruleFiles,
                false) : policyCorpus ? PolicyCorpus.RULES : ScanCorpus.RULES;
        if (f.isEmpty()) {
            return base;
        }
        return base.stream().map(p -> {
            Set<PatternFlag> all = EnumSet.copyOf(f);
            all.addAll(p.flags());
            return new PatternSpec(p.id(), p.source(), all);
        }).toList();
    }

    private List<ScanPeer> select(List<ScanPeer> all) {
        if (only.isEmpty()) {
            return all;
        }
        List<ScanPeer> out = new ArrayList<>();
        for (String name : only) {
            out.add(all.stream().filter(p -> p.name().equals(name.strip())).findFirst().orElseThrow(
                    () -> new CliException("bench scan: no peer named '" + name + "'", "use one of "
                            + all.stream().map(ScanPeer::name).toList())));
        }
        return out;
    }

    private void write(Path file, ScanBench.Report report, boolean synthetic) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vyreVersion", VersionProvider.version());
        m.put("corpus", !synthetic ? corpus.toString() : (policyCorpus ? "policy" : "synthetic") + " (seed " + seed
                + ")");
        m.put("rules", ScanBench.rulesText(patterns()));
        m.putAll(report.toMap());
        String text = Json.write(m);
        text = text.substring(0, text.length() - 1) + ",\"vyreSlices\":["
                + String.join(",", report.slices().stream().map(SliceEvidence::toJson).toList()) + "]}";
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("bench scan: cannot write " + file + ": " + e, "pass a writable --json path", e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
