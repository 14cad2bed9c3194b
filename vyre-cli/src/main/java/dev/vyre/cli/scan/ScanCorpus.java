package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic log corpus and a rule set made for it. The rules are chosen so that every engine counts the same:
 * each match has one end offset (a terminator ends it) and no two matches overlap, so distinct (pattern, end)
 * pairs equal the non-overlapping leftmost matches of the alternation.
 */
public final class ScanCorpus {
    /** The rule set of the synthetic corpus. */
    public static final List<PatternSpec> RULES = List.of(
            PatternSpec.of(0, "ERROR"),
            PatternSpec.of(1, "timeout after [0-9]+ms"),
            PatternSpec.of(2, "user=[a-z]{3,10};"),
            PatternSpec.of(3, "ip=[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3} "),
            PatternSpec.of(4, "GET /[a-z0-9/]+\\.html"),
            PatternSpec.of(5, "id=[0-9a-f]{8}-[0-9a-f]{4}"),
            PatternSpec.of(6, "(?:disk|memory) usage [0-9]{2}%"),
            PatternSpec.of(7, "[A-Z][a-z]+Exception"));

    private static final String[] WORDS = {"alpha", "bravo", "request", "served", "queue", "cache", "hit", "miss",
        "shard", "node", "retry", "ok", "flush", "commit", "lease", "batch", "read", "write", "sync", "idle"};
    private static final String[] NAMES = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] EXCEPTIONS = {"NullPointer", "IllegalState", "IllegalArgument", "Timeout", "Io"};

    private ScanCorpus() {
    }

    /** Writes {@code files} files of about {@code bytes / files} bytes each under {@code dir}; returns them. */
    public static List<Path> generate(Path dir, long bytes, int files, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (int f = 0; f < files; f++) {
                Path p = dir.resolve(String.format(Locale.ROOT, "corpus-%04d.log", f));
                long target = bytes / files + (f < bytes % files ? 1 : 0);
                writeLines(p, target, () -> line(rnd));
                out.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic corpus under " + dir, e);
        }
        return out;
    }

    /** Writes lines from {@code lines} (ISO-8859-1) to {@code file} until it holds exactly {@code bytes} bytes. */
    static void writeLines(Path file, long bytes, java.util.function.Supplier<String> lines) throws IOException {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            long written = 0;
            while (written < bytes) {
                byte[] line = lines.get().getBytes(StandardCharsets.ISO_8859_1);
                int n = (int) Math.min(line.length, bytes - written);
                o.write(line, 0, n);
                written += n;
            }
        }
    }

    private static String line(SplittableRandom r) {
        String ts = String.format(Locale.ROOT, "2024-%02d-%02dT%02d:%02d:%02dZ worker-%d ", 1 + r.nextInt(12),
                1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(64));
        return ts + switch (r.nextInt(8)) {
            case 0 -> "INFO request GET /" + path(r) + ".html served in " + r.nextInt(900) + "ms";
            case 1 -> "ERROR timeout after " + r.nextInt(100_000) + "ms talking to ip=" + r.nextInt(256) + "."
                    + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + " again";
            case 2 -> "WARN disk usage " + (10 + r.nextInt(90)) + "% on node-" + r.nextInt(100);
            case 3 -> "INFO login user=" + NAMES[r.nextInt(NAMES.length)] + "; session id="
                    + String.format(Locale.ROOT, "%08x-%04x", r.nextInt(), r.nextInt(1 << 16));
            case 4 -> "ERROR caught " + EXCEPTIONS[r.nextInt(EXCEPTIONS.length)] + "Exception in "
                    + WORDS[r.nextInt(WORDS.length)];
            case 5 -> "DEBUG memory usage " + (10 + r.nextInt(90)) + "%";
            default -> "INFO " + filler(r);
        } + "\n";
    }

    private static String path(SplittableRandom r) {
        StringBuilder sb = new StringBuilder(WORDS[r.nextInt(WORDS.length)]);
        for (int i = r.nextInt(3); i > 0; i--) {
            sb.append('/').append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(10));
        }
        return sb.toString();
    }

    private static String filler(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 4 + r.nextInt(12); i > 0; i--) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
        }
        return sb.toString();
    }
}
