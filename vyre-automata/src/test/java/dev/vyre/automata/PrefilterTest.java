package dev.vyre.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.ScanStream;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Literal-heavy sets use the multi-literal engines (plain literals straight from Aho-Corasick, bounded patterns
 * confirmed around required-factor hits) and report exactly what the plain DFA engines report.
 */
class PrefilterTest {
    private static final String[] WORDS = {"foo", "bar", "baz", "qux", "hello", "world", "abc", "abd", "xyzzy",
        "Foo", "ab", "ba", "aab"};

    private static String word(SplittableRandom rnd) {
        return WORDS[rnd.nextInt(WORDS.length)];
    }

    /** Literal-flavoured patterns: plain words, word alternations, words with small bounded decorations. */
    private static RegexGen.Gen pattern(SplittableRandom rnd) {
        String w = word(rnd);
        String flags = rnd.nextInt(3) == 0 ? "i" : "";
        String src = switch (rnd.nextInt(9)) {
            case 0 -> w;
            case 1 -> "(?:" + w + "|" + word(rnd) + ")";
            case 2 -> w + "[0-9]{1,3}";
            case 3 -> w + ".{0,4}" + word(rnd);
            case 4 -> "[xyz]" + w;
            case 5 -> "^" + w;
            case 6 -> w + "$";
            case 7 -> "(?:" + w + "){1,2}\\s?" + word(rnd);
            default -> w + "[ab]?" + word(rnd);
        };
        return new RegexGen.Gen(src, src, false, flags);
    }

    private static byte[] text(SplittableRandom rnd, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int target = rnd.nextInt(maxLength + 1);
        String noise = "ab1 xz\nF";
        while (sb.length() < target) {
            if (rnd.nextInt(3) == 0) {
                sb.append(word(rnd));
            } else {
                sb.append(noise.charAt(rnd.nextInt(noise.length())));
            }
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void literalSetsUseTheLiteralEngines() {
        List<PatternSpec> specs = new ArrayList<>();
        for (int i = 0; i < WORDS.length; i++) {
            specs.add(PatternSpec.of(i, WORDS[i]));
        }
        specs.add(PatternSpec.of(100, "hello\\s+world", ""));
        specs.add(PatternSpec.of(101, "foo[0-9]{2}", "i"));
        specs.add(PatternSpec.of(102, "[a-z]+q"));
        CompiledAutomaton a = RegexCompiler.compile(specs);
        assertEquals(List.of(Engine.Kind.LITERAL, Engine.Kind.PREFILTER, Engine.Kind.DFA),
                a.engines().stream().map(Engine::kind).toList());
        assertEquals(1, a.engines(Engine.Kind.PREFILTER).getFirst().patternIds().length);
        CompiledAutomaton off = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false));
        assertFalse(off.engines().stream().anyMatch(e -> e.kind() == Engine.Kind.LITERAL
                || e.kind() == Engine.Kind.PREFILTER));
        byte[] input = "xx foo12 FOO99 hello   world abd aab ba\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new Scanner(off).scan(input), new Scanner(a).scan(input));
        assertTrue(new Scanner(a).scan(input).contains(new Match(101, 14)));
    }

    @Test
    void anEmptyFeedReportsNothingEvenWhenAHitEndsAtTheChunkBoundary() {
        // Id 2 names a plain literal and a prefiltered pattern; both report (2, 4) on "xabc".
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(2, "abc"), PatternSpec.of(2, "^xabc")));
        assertEquals(List.of(Engine.Kind.LITERAL, Engine.Kind.PREFILTER),
                a.engines().stream().map(Engine::kind).toList());
        byte[] input = "xabcz".getBytes(StandardCharsets.ISO_8859_1);
        List<Match> got = new ArrayList<>();
        ScanStream s = new Scanner(a).stream();
        s.feed(input, 0, 4, (id, end) -> got.add(new Match(id, end)));
        s.feed(input, 4, 0, (id, end) -> got.add(new Match(id, end)));
        s.feed(input, 4, 1, (id, end) -> got.add(new Match(id, end)));
        s.finish((id, end) -> got.add(new Match(id, end)));
        assertEquals(List.of(new Match(2, 4)), got);
    }

    @Test
    void prefilteredScansMatchUnprefilteredScansAndJavaUtilRegex() {
        Props.forAll("prefilter parity", 800, (i, rnd) -> {
            List<RegexGen.Gen> gens = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            List<PatternSpec> specs = new ArrayList<>();
            for (int p = 0; p < rnd.nextInt(1, 12); p++) {
                RegexGen.Gen g = pattern(rnd);
                int id = rnd.nextInt(6);
                gens.add(g);
                ids.add(id);
                specs.add(g.spec(id));
            }
            CompiledAutomaton on = RegexCompiler.compile(specs);
            CompiledAutomaton off = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false));
            byte[] input = text(rnd, rnd.nextInt(4) == 0 ? 400 : 60);
            List<Match> expected = new Scanner(off).scan(input);
            if (input.length <= 60) {
                assertEquals(Oracle.matches(gens, ids, input), expected, () -> specs + " on " + Inputs.show(input));
            }
            Scanner scanner = new Scanner(on);
            assertEquals(expected, scanner.scan(input), () -> specs + " on " + Inputs.show(input));
            // Chunks of zero to seven bytes exercise the history ring the literal engines look back into, and the
            // rule that an offset is reported with the feed holding its byte.
            List<Match> chunked = new ArrayList<>();
            ScanStream s = scanner.stream();
            int off2 = 0;
            while (off2 < input.length) {
                int len = Math.min(input.length - off2, rnd.nextInt(0, 8));
                s.feed(input, off2, len, (id, end) -> chunked.add(new Match(id, end)));
                off2 += len;
            }
            s.finish((id, end) -> chunked.add(new Match(id, end)));
            assertEquals(expected, chunked, () -> "chunked " + specs + " on " + Inputs.show(input));
        });
    }
}
