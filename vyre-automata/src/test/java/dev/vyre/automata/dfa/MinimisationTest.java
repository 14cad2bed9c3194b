package dev.vyre.automata.dfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Inputs;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Hopcroft minimisation: equivalent patterns give isomorphic minimal DFAs, minimal DFAs have no two equivalent
 * states (checked with Moore's algorithm over all 256 bytes, an independent method), and minimised and
 * unminimised DFAs report the same matches.
 */
class MinimisationTest {
    private static final CompileOptions DFA_ONLY = CompileOptions.defaults().withPrefilter(false);

    private static Dfa dfa(List<PatternSpec> specs, CompileOptions options) {
        CompiledAutomaton a = RegexCompiler.compile(specs, options);
        assertEquals(1, a.engines().size(), specs::toString);
        return ((DfaEngine) a.engines(Engine.Kind.DFA).getFirst()).dfa();
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = ' ', value = {
        "a|b [ab]",
        "(a|b)*c [ab]*c",
        "aa* a+",
        "a{2,3} aaa?",
        "(ab|ac) a[bc]",
        "a+a+ aa+",
        "(a*b*)*c [ab]*c",
        "x(?:a|ab) xab?",
        "[a-c]+ (a|b|c)+",
        "abc|abd ab[cd]",
        "(?:a|b){3} [ab][ab][ab]",
        "a(?:b|c)*d a[bc]*d",
        "^ab|^ac ^a[bc]",
        "x$|y$ [xy]$",
    })
    void equivalentPatternsGiveIsomorphicMinimalDfas(String left, String right) {
        Dfa a = dfa(List.of(PatternSpec.of(1, left)), DFA_ONLY);
        Dfa b = dfa(List.of(PatternSpec.of(1, right)), DFA_ONLY);
        assertEquals(a.stateCount(), b.stateCount());
        assertTrue(isomorphic(a, b), left + " vs " + right);
        assertEquals(a.stateCount(), mooreClasses(a));
    }

    @Test
    void distinctLanguagesAreNotMerged() {
        Dfa a = dfa(List.of(PatternSpec.of(1, "ab")), DFA_ONLY);
        Dfa b = dfa(List.of(PatternSpec.of(1, "ab$")), DFA_ONLY);
        assertTrue(!isomorphic(a, b));
        Dfa c = dfa(List.of(PatternSpec.of(1, "ab")), DFA_ONLY);
        Dfa d = dfa(List.of(PatternSpec.of(2, "ab")), DFA_ONLY);
        assertTrue(!isomorphic(c, d), "pattern ids are part of what a state reports");
    }

    @Test
    void minimalDfasHaveNoEquivalentStatesAndMatchUnminimised() {
        Props.forAll("minimisation", 1_500, (i, rnd) -> {
            List<PatternSpec> specs = new ArrayList<>();
            for (int p = 0; p < rnd.nextInt(1, 4); p++) {
                specs.add(RegexGen.pattern(rnd).spec(p));
            }
            Dfa min = dfa(specs, DFA_ONLY);
            Dfa raw = dfa(specs, DFA_ONLY.withMinimise(false));
            assertEquals(min.stateCount(), mooreClasses(min), specs::toString);
            assertEquals(min.stateCount(), mooreClasses(raw), specs::toString);
            assertTrue(raw.stateCount() >= min.stateCount());
            RawDfa subset = RegexCompiler.subsetDfa(specs, 1 << 16);
            assertNotNull(subset);
            assertEquals(raw.stateCount(), subset.stateCount());
            Scanner a = new Scanner(RegexCompiler.compile(specs, DFA_ONLY));
            Scanner b = new Scanner(RegexCompiler.compile(specs, DFA_ONLY.withMinimise(false)));
            for (int k = 0; k < 3; k++) {
                byte[] input = RegexGen.input(rnd, 40);
                assertEquals(a.scan(input), b.scan(input), () -> specs + " on " + Inputs.show(input));
            }
        });
    }

    /** Whether a and b are the same automaton up to state numbering (over all 256 bytes, from every start). */
    static boolean isomorphic(Dfa a, Dfa b) {
        if (a.stateCount() != b.stateCount()) {
            return false;
        }
        Map<Integer, Integer> map = new HashMap<>();
        ArrayDeque<int[]> work = new ArrayDeque<>();
        for (int ctx = 0; ctx < Dfa.CONTEXTS; ctx++) {
            work.add(new int[] {a.startState(ctx), b.startState(ctx)});
        }
        while (!work.isEmpty()) {
            int[] pair = work.poll();
            Integer seen = map.get(pair[0]);
            if (seen != null) {
                if (seen != pair[1]) {
                    return false;
                }
                continue;
            }
            if (map.containsValue(pair[1])) {
                return false;
            }
            map.put(pair[0], pair[1]);
            for (int la = 0; la < Dfa.LOOKAHEADS; la++) {
                if (!Arrays.equals(a.accepts(pair[0], la), b.accepts(pair[1], la))) {
                    return false;
                }
            }
            for (int byt = 0; byt < 256; byt++) {
                work.add(new int[] {a.step(pair[0], byt), b.step(pair[1], byt)});
            }
        }
        return true;
    }

    /** Number of equivalence classes of states by Moore's refinement over all 256 bytes. */
    static int mooreClasses(Dfa d) {
        int n = d.stateCount();
        int[] cls = new int[n];
        Map<List<Object>, Integer> ids = new HashMap<>();
        for (int s = 0; s < n; s++) {
            List<Object> key = new ArrayList<>();
            for (int la = 0; la < Dfa.LOOKAHEADS; la++) {
                key.add(Arrays.toString(d.accepts(s, la)));
            }
            cls[s] = ids.computeIfAbsent(key, k -> ids.size());
        }
        int count = ids.size();
        while (true) {
            Map<List<Integer>, Integer> next = new HashMap<>();
            int[] refined = new int[n];
            for (int s = 0; s < n; s++) {
                List<Integer> key = new ArrayList<>();
                key.add(cls[s]);
                for (int byt = 0; byt < 256; byt++) {
                    key.add(cls[d.step(s, byt)]);
                }
                refined[s] = next.computeIfAbsent(key, k -> next.size());
            }
            if (next.size() == count) {
                return count;
            }
            count = next.size();
            cls = refined;
        }
    }
}
