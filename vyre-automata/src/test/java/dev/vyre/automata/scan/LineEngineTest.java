package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Inputs;
import dev.vyre.automata.Match;
import dev.vyre.automata.Oracle;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The line-prefiltered engine ({@link LineEngine}) against java.util.regex, against the DFA-only compilation (one
 * DFA per group of at most {@code GROUP_PATTERNS}) and against itself in random chunkings, on random patterns
 * joined to 8-byte keywords (so they have long required factors) and random inputs with keywords and newlines.
 */
class LineEngineTest {
    private static final String[] KEYWORDS = {"needle01", "Needle02", "hay_1234", "abcabc.x"};
    private static final CompileOptions LINES = CompileOptions.defaults().withPrefilter(false)
            .withLinePrefilter(true);
    private static final CompileOptions DFA_ONLY = CompileOptions.defaults().withPrefilter(false);

    /** A random pattern with a keyword before, after or inside it (the keyword escaped where needed). */
    static RegexGen.Gen withKeyword(SplittableRandom rnd) {
        RegexGen.Gen g = RegexGen.pattern(rnd);
        RegexGen.Gen h = RegexGen.pattern(rnd);
        String kw = KEYWORDS[rnd.nextInt(KEYWORDS.length)].replace(".", "\\.");
        String anchor = rnd.nextInt(4) == 0 ? "^" : "";
        String end = rnd.nextInt(4) == 0 ? "$" : "";
        String ga = "(?:" + g.ours() + ")";
        String gj = "(?:" + g.java() + ")";
        String ha = "(?:" + h.ours() + ")";
        String hj = "(?:" + h.java() + ")";
        // Both halves keep the flags of the first: one pattern has one set of flags.
        return switch (rnd.nextInt(3)) {
            case 0 -> new RegexGen.Gen(anchor + kw + ga + end, javaAnchors(anchor, g.flags()) + kw + gj
                    + javaEnd(end, g.flags()), false, g.flags());
            case 1 -> new RegexGen.Gen(anchor + ga + kw + end, javaAnchors(anchor, g.flags()) + gj + kw
                    + javaEnd(end, g.flags()), false, g.flags());
            default -> new RegexGen.Gen(anchor + ga + kw + ha + end, javaAnchors(anchor, g.flags()) + gj + kw
                    + hj + javaEnd(end, g.flags()), false, g.flags());
        };
    }

    private static String javaAnchors(String anchor, String flags) {
        return anchor.isEmpty() ? "" : flags.contains("m") ? "(?<![^\\n])" : "\\A";
    }

    private static String javaEnd(String end, String flags) {
        return end.isEmpty() ? "" : flags.contains("m") ? "(?![^\\n])" : "\\z";
    }

    /** Random bytes with keywords (some case-changed) and newlines mixed in. */
    static byte[] input(SplittableRandom rnd, int maxLength) {
        StringBuilder sb = new StringBuilder();
        byte[] noise = RegexGen.input(rnd, maxLength);
        for (byte b : noise) {
            if (rnd.nextInt(12) == 0) {
                String kw = KEYWORDS[rnd.nextInt(KEYWORDS.length)];
                sb.append(rnd.nextInt(5) == 0 ? kw.toUpperCase() : kw);
            }
            sb.append((char) (b & 0xFF));
        }
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void linePrefilteredScansMatchTheOracleInEveryChunking() {
        AtomicInteger withLines = new AtomicInteger();
        Props.forAll("line engine parity", 400, (i, rnd) -> {
            int n = rnd.nextInt(1, 5);
            List<RegexGen.Gen> gens = new ArrayList<>();
            List<PatternSpec> specs = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                RegexGen.Gen g = withKeyword(rnd);
                int id = rnd.nextInt(n + 1);
                gens.add(g);
                ids.add(id);
                specs.add(g.spec(id));
            }
            CompiledAutomaton lines = RegexCompiler.compile(specs, LINES);
            if (!lines.engines(Engine.Kind.LINE).isEmpty()) {
                withLines.incrementAndGet();
            }
            Scanner scanner = new Scanner(lines);
            for (int t = 0; t < 3; t++) {
                byte[] in = input(rnd, 50);
                List<Match> expected = Oracle.matches(gens, ids, in);
                assertEquals(expected, scanner.scan(in), () -> specs + " on " + Inputs.show(in));
                assertEquals(expected, Chunks.scan(scanner, in, rnd, rnd.nextInt(1, 12)),
                        () -> "chunked: " + specs + " on " + Inputs.show(in));
            }
        });
        assertTrue(withLines.get() > 200, "only " + withLines.get() + " of 400 sets used the line engine");
    }

    @Test
    void groupedScansEqualTheSingleDfaScanWhenGroupsPassTheCap() {
        AtomicInteger split = new AtomicInteger();
        Props.forAll("grouped = single DFA", 60, (i, rnd) -> {
            int n = rnd.nextInt(8, 30);
            List<PatternSpec> specs = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                specs.add(withKeyword(rnd).spec(rnd.nextInt(n)));
            }
            // A small cap splits both the line groups and the DFA groups; a large one gives the reference.
            int cap = rnd.nextInt(20, 200);
            CompiledAutomaton grouped = RegexCompiler.compile(specs, LINES.withMaxStates(cap));
            CompiledAutomaton dfaGroups = RegexCompiler.compile(specs, DFA_ONLY.withMaxStates(cap));
            CompiledAutomaton single = RegexCompiler.compile(specs, DFA_ONLY.withMaxStates(1 << 20));
            int groups = grouped.engines(Engine.Kind.LINE).stream().mapToInt(e -> ((LineEngine) e).groups().size())
                    .sum();
            if (groups + grouped.engines(Engine.Kind.DFA).size() > 1) {
                split.incrementAndGet();
            }
            Scanner a = new Scanner(grouped);
            Scanner b = new Scanner(dfaGroups);
            Scanner c = new Scanner(single);
            for (int t = 0; t < 4; t++) {
                byte[] in = input(rnd, 400);
                List<Match> expected = c.scan(in);
                assertEquals(expected, a.scan(in), () -> "line groups, cap " + cap + ": " + specs);
                assertEquals(expected, b.scan(in), () -> "DFA groups, cap " + cap + ": " + specs);
                assertEquals(expected, Chunks.scan(a, in, rnd, 64), () -> "chunked line groups: " + specs);
            }
        });
        assertTrue(split.get() > 30, "only " + split.get() + " of 60 sets were split into several automata");
    }

    @Test
    void linesLongerThanTheCarryLimitStayExact() {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] in = new byte[LineEngine.MAX_CARRY + 300_000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) "abc _\n".charAt(i < 1000 ? rnd.nextInt(6) : rnd.nextInt(5));
        }
        byte[] kw = "needle01".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int at : new int[] {2000, LineEngine.MAX_CARRY + 1000, in.length - 20}) {
            System.arraycopy(kw, 0, in, at, kw.length);
        }
        List<PatternSpec> specs = List.of(PatternSpec.of(1, "needle01[a-c]*", "m"),
                PatternSpec.of(2, "^[a-c _]*needle01", "m"), PatternSpec.of(3, "needle01[^\\n]*$", "m"),
                PatternSpec.of(4, "c needle01\\s*a", ""));
        CompiledAutomaton lines = RegexCompiler.compile(specs, LINES);
        assertEquals(1, lines.engines(Engine.Kind.LINE).size());
        List<Match> expected = new Scanner(RegexCompiler.compile(specs, DFA_ONLY)).scan(in);
        assertTrue(expected.size() > 3, "the input should match: " + expected.size());
        Scanner scanner = new Scanner(lines);
        assertEquals(expected, scanner.scan(in));
        for (int piece : new int[] {65_536, 300_001}) {
            List<Match> got = new ArrayList<>();
            ScanStream s = scanner.stream();
            for (int off = 0; off < in.length; off += piece) {
                s.feed(in, off, Math.min(piece, in.length - off), (id, e) -> got.add(new Match(id, e)));
            }
            s.finish((id, e) -> got.add(new Match(id, e)));
            assertEquals(expected, got, "pieces of " + piece);
        }
        assertTrue(Arrays.equals(new int[] {1, 2, 3, 4}, lines.engines(Engine.Kind.LINE).getFirst().patternIds()));
    }
}
