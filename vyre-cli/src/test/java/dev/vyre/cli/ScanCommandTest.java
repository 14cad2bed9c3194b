package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyre scan} end to end on temporary trees, against java.util.regex over the same files. */
class ScanCommandTest {
    private static final String ALPHABET = "abcdxy019 \n";

    private static byte[] text(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
        }
        return b;
    }

    /** Every end offset where pattern {@code p} matches (the oracle of docs/AUTOMATA.md). */
    private static List<Integer> ends(String p, byte[] input, boolean caseless) {
        String t = new String(input, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("(?s:.*)(?:" + p + ")", Pattern.UNIX_LINES
                | (caseless ? Pattern.CASE_INSENSITIVE : 0)).matcher(t);
        m.useAnchoringBounds(false);
        m.useTransparentBounds(true);
        List<Integer> out = new ArrayList<>();
        for (int e = 1; e <= t.length(); e++) {
            if (m.region(0, e).matches()) {
                out.add(e);
            }
        }
        return out;
    }

    /** The expected output: files in path order, lines by offset then pattern id. */
    private static String expected(Path root, List<String> patterns, boolean caseless, boolean count)
            throws Exception {
        StringBuilder sb = new StringBuilder();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            byte[] in = Files.readAllBytes(f);
            List<long[]> lines = new ArrayList<>();
            for (int id = 0; id < patterns.size(); id++) {
                for (int e : ends(patterns.get(id), in, caseless)) {
                    lines.add(new long[] {e, id});
                }
            }
            lines.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
            if (count) {
                sb.append(f).append(':').append(lines.size()).append('\n');
            } else {
                for (long[] l : lines) {
                    sb.append(f).append(':').append(l[0]).append(':').append(l[1]).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private static Path tree(Path dir, SplittableRandom rnd) throws Exception {
        Path root = dir.resolve("tree");
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.write(root.resolve("a.txt"), text(rnd, 9000));
        Files.write(root.resolve("empty.txt"), new byte[0]);
        Files.write(root.resolve("sub/b.log"), text(rnd, 300));
        Files.write(root.resolve("sub/deeper/c"), text(rnd, 4097));
        return root;
    }

    @Test
    void matchesEqualJavaRegexAcrossChunkBoundariesInEveryMode(@TempDir Path dir) throws Exception {
        Path root = tree(dir, new SplittableRandom(11));
        List<String> patterns = List.of("ab+c", "x[^x\n]*y", "[0-9]{2}", "d a");
        String want = expected(root, patterns, false, false);
        assertTrue(want.lines().count() > 100, "the tree has matches");
        for (String mode : List.of("blocking", "non-blocking", "auto")) {
            CliRun r = CliRun.of("scan", "-e", patterns.get(0), "-e", patterns.get(1), "-e", patterns.get(2), "-e",
                    patterns.get(3), "--chunk", "4096", "--buffers", "4", "--lanes", "3", "--mode", mode,
                    root.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals(want, r.out(), mode);
        }
    }

    @Test
    void countJsonRulesFileAndIgnoreCase(@TempDir Path dir) throws Exception {
        Path root = tree(dir, new SplittableRandom(12));
        Path rules = dir.resolve("rules.txt");
        Files.writeString(rules, "# two rules\nAB+C\n\n1:X[^x\\n]*Y\n");
        CliRun r = CliRun.of("scan", "-f", rules.toString(), "-i", "-c", root.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(expected(root, List.of("ab+c", "x[^x\n]*y"), true, true), r.out());
        CliRun j = CliRun.of("scan", "--json", "-e", "ab+c", root.resolve("sub").toString());
        List<String> lines = j.out().lines().toList();
        assertEquals(expected(root.resolve("sub"), List.of("ab+c"), false, false).lines().count(), lines.size());
        assertTrue(lines.stream().allMatch(l -> l.matches("\\{\"path\":\"[^\"]+\",\"offset\":\\d+,\"pattern_id\":0}")),
                j.out());
    }

    @Test
    void filteredPathPrintsWhatTheRingPrints(@TempDir Path dir) throws Exception {
        Path root = tree(dir, new SplittableRandom(13));
        SplittableRandom rnd = new SplittableRandom(14);
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            log.append(rnd.nextInt(3) == 0 ? "kernel: needle_haystack" + rnd.nextInt(1000) : "ab" + "b".repeat(i % 4)
                    + "c x0y").append(rnd.nextInt(5) == 0 ? "" : "\n");
        }
        Files.writeString(root.resolve("sub/log.txt"), log);
        Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nowhere"));
        for (List<String> extra : List.of(List.<String>of(), List.of("-c"), List.of("--json"))) {
            List<String> args = new java.util.ArrayList<>(List.of("scan", "--backend", "cpu", "-e",
                    "kernel: needle_haystack[0-9]+", "-e", "x[^x\n]*y", "-e", "ab+c$", "-e", "[0-9]{2}"));
            args.addAll(extra);
            args.add(root.toString());
            List<String> ring = new java.util.ArrayList<>(args);
            ring.addAll(1, List.of("--path", "ring"));
            List<String> filter = new java.util.ArrayList<>(args);
            filter.addAll(1, List.of("--path", "filter"));
            CliRun a = CliRun.of(ring.toArray(new String[0]));
            CliRun b = CliRun.of(filter.toArray(new String[0]));
            assertEquals(2, a.exit(), a.toString());
            assertEquals(a.exit(), b.exit(), b.toString());
            assertTrue(a.out().lines().count() > (extra.contains("-c") ? 3 : 100), a.out());
            assertEquals(a.out(), b.out(), "filter vs ring " + extra);
            assertTrue(b.err().contains("dangling"), b.err());
        }
        assertEquals(2, CliRun.of("scan", "-e", "a", "--path", "sideways", root.toString()).exit());
    }

    @Test
    void exitCodesLikeGrep(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f.txt");
        Files.writeString(f, "hello\nworld\n");
        assertEquals(0, CliRun.of("scan", "wor", f.toString()).exit());
        assertEquals("" + f + ":9:0\n", CliRun.of("scan", "wor", f.toString()).out());
        CliRun none = CliRun.of("scan", "zzz", f.toString());
        assertEquals(1, none.exit(), none.toString());
        assertEquals("", none.out());
        CliRun bad = CliRun.of("scan", "-e", "a(", f.toString());
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("Fix:"), bad.err());
        assertEquals(2, CliRun.of("scan", "-e", "a", "--mode", "sideways", f.toString()).exit());
    }

    @Test
    void unreadableFilesAreReportedAndSkipped(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("t");
        Files.createDirectories(root);
        Files.writeString(root.resolve("a.txt"), "xay xby");
        Files.createSymbolicLink(root.resolve("b-dangling"), root.resolve("nowhere"));
        Files.writeString(root.resolve("c.txt"), "xcy");
        Path missing = dir.resolve("missing");
        CliRun r = CliRun.of("scan", "-e", "x[a-c]y", root.toString(), missing.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals(root.resolve("a.txt") + ":3:0\n" + root.resolve("a.txt") + ":7:0\n" + root.resolve("c.txt")
                + ":3:0\n", r.out());
        assertTrue(r.err().contains("b-dangling") && r.err().contains(missing.toString()), r.err());
        assertEquals(2, r.err().lines().filter(l -> l.startsWith("vyre scan: ")).count(), r.err());
    }
}
