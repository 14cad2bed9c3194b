package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Inputs;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.nfa.NfaBuilder;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NFA worklist gives the DFA's matches whatever its window size and the chunking. */
class NfaEngineTest {
    @Test
    void windowsOfAnySizeAgreeWithTheDfa() {
        Props.forAll("nfa windows", 1_000, (i, rnd) -> {
            List<PatternSpec> specs = new ArrayList<>();
            List<NfaBuilder.Entry> entries = new ArrayList<>();
            for (int p = 0; p < rnd.nextInt(1, 4); p++) {
                PatternSpec spec = RegexGen.pattern(rnd).spec(p);
                specs.add(spec);
                entries.add(new NfaBuilder.Entry(p, RegexCompiler.parse(spec, CompileOptions.defaults())));
            }
            CompiledAutomaton dfa = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false));
            int[] ids = specs.stream().mapToInt(PatternSpec::id).toArray();
            NfaEngine nfa = new NfaEngine(NfaBuilder.build(entries), ids, rnd.nextInt(1, 6));
            CompiledAutomaton nfaOnly = new CompiledAutomaton(specs, List.of(nfa));
            byte[] input = RegexGen.input(rnd, 60);
            List<Match> expected = new Scanner(dfa).scan(input);
            assertEquals(expected, new Scanner(nfaOnly).scan(input), () -> specs + " on " + Inputs.show(input));
            assertEquals(expected, Chunks.scan(new Scanner(nfaOnly), input, rnd, 9), () -> "chunked " + specs);
        });
    }
}
