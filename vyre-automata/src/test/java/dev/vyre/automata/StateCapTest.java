package dev.vyre.automata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.ScanMode;
import dev.vyre.automata.scan.ScanOptions;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Patterns whose DFA would pass the state cap run in NFA mode instead of failing, with the same matches. */
class StateCapTest {
    /** "An a, then exactly n more bytes from {a,b}": its search DFA needs 2^(n+1) states. */
    private static String blowup(int n) {
        return "(?:a|b)*a(?:a|b){" + n + "}";
    }

    private static byte[] ab(SplittableRandom rnd, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (rnd.nextBoolean() ? 'a' : 'b');
        }
        return b;
    }

    @Test
    void theCapDecidesBetweenDfaAndNfa() {
        List<PatternSpec> p = List.of(PatternSpec.of(1, blowup(9)));
        assertNull(RegexCompiler.subsetDfa(p, 1000));
        assertNotNull(RegexCompiler.subsetDfa(p, 1 << 12));
    }

    @Test
    void onlyThePatternsThatPassTheCapRunAsNfa() {
        List<PatternSpec> specs = List.of(PatternSpec.of(1, blowup(9)), PatternSpec.of(2, "ab+a"),
                PatternSpec.of(3, "b{3}"), PatternSpec.of(4, blowup(10)));
        CompileOptions capped = CompileOptions.defaults().withPrefilter(false).withMaxStates(1000);
        CompiledAutomaton a = RegexCompiler.compile(specs, capped);
        assertEquals(1, a.engines(Engine.Kind.NFA).size());
        assertArrayEquals(new int[] {1, 4}, a.engines(Engine.Kind.NFA).getFirst().patternIds());
        assertTrue(a.engines(Engine.Kind.DFA).stream().allMatch(e -> ((DfaEngine) e).dfa().stateCount() <= 1000));
        CompiledAutomaton uncapped = RegexCompiler.compile(specs, capped.withMaxStates(1 << 16));
        assertTrue(!uncapped.hasNfaMode());
        List<RegexGen.Gen> gens = specs.stream().map(s -> new RegexGen.Gen(s.source(), s.source(), false, ""))
                .toList();
        List<Integer> ids = specs.stream().map(PatternSpec::id).toList();
        Props.forAll("capped parity", 200, (i, rnd) -> {
            byte[] input = ab(rnd, rnd.nextInt(60));
            List<Match> expected = Oracle.matches(gens, ids, input);
            assertEquals(expected, new Scanner(a).scan(input), () -> Inputs.show(input));
            assertEquals(expected, new Scanner(uncapped).scan(input), () -> Inputs.show(input));
            ScanOptions lanes = ScanOptions.defaults().withMode(ScanMode.NON_BLOCKING).withLanes(4).withQuantum(7);
            assertEquals(expected, new Scanner(a, lanes).scan(input), () -> Inputs.show(input));
        });
    }

    @Test
    void theDefaultCapFallsBackWithinBoundedTime() {
        List<PatternSpec> specs = List.of(PatternSpec.of(5, blowup(20)));
        CompiledAutomaton a = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> RegexCompiler.compile(specs));
        assertTrue(a.hasNfaMode());
        byte[] input = ab(new SplittableRandom(3), 2000);
        List<Match> got = new Scanner(a).scan(input);
        // Independent check: offset e ends a match exactly when input[e-21] is 'a' (and e >= 21).
        List<Match> expected = new java.util.ArrayList<>();
        for (int e = 21; e <= input.length; e++) {
            if (input[e - 21] == 'a') {
                expected.add(new Match(5, e));
            }
        }
        assertEquals(expected, got);
    }
}
