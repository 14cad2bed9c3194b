package dev.vyre.cli;

import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.FilteredScan;
import dev.vyre.cli.scan.VyreScan;
import dev.vyre.runtime.automata.RingScanOptions;
import dev.vyre.runtime.automata.ScanListener;
import dev.vyre.runtime.automata.ScanReport;
import dev.vyre.runtime.automata.SliceEvidence;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vyre scan}: every match of a pattern set in files, through DFA_STEP slots on the megakernel
 * (docs/SCAN.md). Prints {@code path:offset:pattern_id} per match (offset = end offset, one past the match's last
 * byte), sorted per file, files in command-line order, or {@code --json} lines, or {@code --count} per file.
 * Exit codes like grep: 0 some match, 1 none, 2 an error (a bad pattern, an unreadable file: reported on stderr
 * and skipped, the scan goes on).
 */
@Command(name = "scan", sortOptions = false,
        description = {"Report every match of the patterns in the files (directories recursively).",
                "Output: path:offset:pattern_id per match, offset = the match's end offset.",
                "Exit: 0 a match, 1 no match, 2 an error (reported on stderr; other files go on)."})
final class ScanCommand implements Callable<Integer> {
    /** grep's exit code for "nothing matched". */
    static final int EXIT_NO_MATCH = 1;

    @Spec
    CommandSpec spec;

    @Option(names = {"-e", "--regexp"}, paramLabel = "PATTERN", description = "A pattern (repeatable); ids 0, 1, ...")
    List<String> expressions = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "RULES_FILE",
            description = "Patterns, one per line; # comments; 'ID:pattern' sets the id (repeatable).")
    List<Path> ruleFiles = new ArrayList<>();

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Files and directories to scan. Without -e/-f the first one is the pattern.")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-i", "--ignore-case"}, description = "ASCII letters match either case.")
    boolean ignoreCase;

    @Option(names = {"-c", "--count"}, description = "Print path:count per file instead of matches.")
    boolean count;

    @Option(names = "--json", description = "Print JSON lines: {path, offset, pattern_id} (or {path, count}).")
    boolean json;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "Megakernel backend (default: ${DEFAULT-VALUE}: CUDA when a device is present, else the"
                    + " CPU).")
    String backend;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "0",
            description = "CPU workers (default: 0 = one per processor).")
    int workers;

    @Option(names = "--mode", paramLabel = "auto|blocking|non-blocking", defaultValue = "auto",
            description = "Lane mode (default: ${DEFAULT-VALUE}: the worklist policy decides per slice).")
    String mode;

    @Option(names = "--chunk", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Bytes per read chunk (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--buffers", paramLabel = "N", defaultValue = "32",
            description = "Chunks in flight (default: ${DEFAULT-VALUE}).")
    int buffers;

    @Option(names = "--lanes", paramLabel = "N", defaultValue = "0",
            description = "Lanes per chunk (default: 0 = one per worker).")
    int lanes;

    @Option(names = "--evidence", paramLabel = "FILE",
            description = "Write the scan report and the worklist evidence of every slice as JSON.")
    Path evidence;

    @Option(names = "--path", paramLabel = "ring|filter", defaultValue = "ring",
            description = "Scan path (default: ${DEFAULT-VALUE}: DFA_STEP slots on the megakernel; filter: the"
                    + " line engine's prefilter on the backend (the CUDA kernel, or its CPU model), host threads"
                    + " confirm; docs/SCAN.md \"Filtered scan\").")
    String path;

    @Option(names = "--progress", paramLabel = "auto|always|never", defaultValue = "auto",
            description = "Progress bar on stderr (default: ${DEFAULT-VALUE}: when stderr is a terminal).")
    String progress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> roots = new ArrayList<>(paths);
        List<String> exprs = new ArrayList<>(expressions);
        if (exprs.isEmpty() && ruleFiles.isEmpty()) {
            exprs.add(roots.removeFirst());
            if (roots.isEmpty()) {
                throw new CliException("scan: no PATH to scan after the pattern", "name files or directories");
            }
        }
        List<PatternSpec> patterns = Rules.of(exprs, ruleFiles, ignoreCase);
        int w = VyreScan.effectiveWorkers(workers);
        RingScanOptions options = RingScanOptions.defaults().withMode(mode(mode)).withLanes(lanes > 0 ? lanes : w);
        VyreScan scan = new VyreScan(backend, workers, options, chunk, buffers);
        boolean filtered = filtered(path);
        CompiledAutomaton automaton = filtered ? FilteredScan.compile(patterns) : scan.compileFor(patterns);
        List<Path> rootPaths = roots.stream().map(Path::of).toList();
        ProgressBar bar = showProgress() ? new ProgressBar(err, totalBytes(rootPaths)) : null;
        Printer printer = new Printer(out, err, bar);
        ScanReport report;
        try {
            report = filtered ? FilteredScan.forBackend(scan.resolveBackend(note -> { }), workers).run(automaton,
                    rootPaths, printer) : scan.run(automaton, rootPaths, printer,
                    note -> err.println("vyre scan: note: " + note));
        } finally {
            if (bar != null) {
                bar.finish();
            }
            out.flush();
        }
        if (evidence != null) {
            writeEvidence(evidence, report, patterns.size());
        }
        if (printer.errors > 0) {
            return VyreMain.EXIT_FAILURE;
        }
        return report.matches() > 0 ? 0 : EXIT_NO_MATCH;
    }

    static boolean filtered(String p) {
        return switch (p.toLowerCase(Locale.ROOT)) {
            case "ring" -> false;
            case "filter" -> true;
            default -> throw new CliException("--path " + p + " is not ring or filter", "pass --path ring or filter");
        };
    }

    static RingScanOptions.Mode mode(String m) {
        return switch (m.toLowerCase(Locale.ROOT)) {
            case "auto" -> RingScanOptions.Mode.AUTO;
            case "blocking" -> RingScanOptions.Mode.BLOCKING;
            case "non-blocking", "non_blocking", "nonblocking" -> RingScanOptions.Mode.NON_BLOCKING;
            default -> throw new CliException("--mode " + m + " is not auto, blocking or non-blocking",
                    "pass --mode auto, blocking or non-blocking");
        };
    }

    private boolean showProgress() {
        return switch (progress.toLowerCase(Locale.ROOT)) {
            case "always" -> true;
            case "never" -> false;
            case "auto" -> ProgressBar.stderrIsTerminal();
            default -> throw new CliException("--progress " + progress + " is not auto, always or never",
                    "pass --progress auto, always or never");
        };
    }

    /** Bytes under {@code roots}, best effort (for the progress bar only). */
    private static long totalBytes(List<Path> roots) {
        long total = 0;
        for (Path r : roots) {
            try (Stream<Path> s = Files.walk(r)) {
                total += s.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0;
                    }
                }).sum();
            } catch (IOException | RuntimeException e) {
                // unreadable roots are reported by the scan itself
            }
        }
        return total;
    }

    private static void writeEvidence(Path file, ScanReport r, int patterns) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vyreVersion", VersionProvider.version());
        m.put("patterns", patterns);
        m.put("files", r.files());
        m.put("failedFiles", r.failedFiles());
        m.put("bytes", r.bytes());
        m.put("matches", r.matches());
        m.put("slots", r.slots());
        m.put("fixups", r.fixups());
        m.put("overflowReruns", r.overflowReruns());
        m.put("blockingBytes", r.blockingBytes());
        m.put("nonBlockingBytes", r.nonBlockingBytes());
        m.put("elapsedNanos", r.elapsedNanos());
        StringBuilder slices = new StringBuilder("[");
        for (SliceEvidence s : r.slices()) {
            slices.append(slices.length() > 1 ? "," : "").append(s.toJson());
        }
        String json = Json.write(m);
        json = json.substring(0, json.length() - 1) + ",\"slices\":" + slices + "]}";
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("scan: cannot write the evidence to " + file + ": " + e,
                    "pass a writable --evidence path", e);
        }
    }

    /** Prints each file's results as they come, in file order. */
    private final class Printer implements ScanListener {
        final PrintWriter out;
        final PrintWriter err;
        final ProgressBar bar;
        int errors;

        Printer(PrintWriter out, PrintWriter err, ProgressBar bar) {
            this.out = out;
            this.err = err;
            this.bar = bar;
        }

        @Override
        public void onFile(IngestFile file, List<Match> matches) {
            String path = file.path().toString();
            StringBuilder sb = new StringBuilder();
            if (count) {
                line(sb, path, matches.size(), -1);
            } else {
                for (Match m : matches) {
                    line(sb, path, m.endOffset(), m.patternId());
                }
            }
            out.print(sb);
        }

        private void line(StringBuilder sb, String path, long value, int id) {
            if (json) {
                sb.append("{\"path\":").append(Json.write(path)).append(id < 0 ? ",\"count\":" : ",\"offset\":")
                        .append(value);
                if (id >= 0) {
                    sb.append(",\"pattern_id\":").append(id);
                }
                sb.append("}\n");
            } else {
                sb.append(path).append(':').append(value);
                if (id >= 0) {
                    sb.append(':').append(id);
                }
                sb.append('\n');
            }
        }

        @Override
        public void onFailure(IngestFile file, IngestFileException error) {
            errors++;
            out.flush();
            err.println("vyre scan: " + error.getMessage());
            err.flush();
        }

        @Override
        public void onProgress(long bytes) {
            if (bar != null) {
                bar.advance(bytes);
            }
        }
    }
}
