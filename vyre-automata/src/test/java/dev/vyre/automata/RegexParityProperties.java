package dev.vyre.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.regex.RegexSyntaxException;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random patterns and inputs in the supported syntax agree with java.util.regex on every match end offset. */
class RegexParityProperties {
    private static final int MAX_INPUT = 20;

    @Test
    void singlePatternsAgreeWithJavaUtilRegex() {
        Props.forAll("single pattern parity", 10_000, (i, rnd) -> {
            RegexGen.Gen g = RegexGen.pattern(rnd);
            CompiledAutomaton a = RegexCompiler.compile(List.of(g.spec(7)));
            Scanner scanner = new Scanner(a);
            for (int k = 0; k < 3; k++) {
                byte[] input = RegexGen.input(rnd, MAX_INPUT);
                assertEquals(Oracle.matches(List.of(g), List.of(7), input), scanner.scan(input),
                        () -> "pattern /" + g.ours() + "/" + g.flags() + " (java " + g.java() + ") on "
                                + Inputs.show(input));
            }
        });
    }

    @Test
    void patternSetsAgreeWithJavaUtilRegex() {
        Props.forAll("pattern set parity", 1_500, (i, rnd) -> {
            int n = rnd.nextInt(2, 7);
            List<RegexGen.Gen> gens = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            List<PatternSpec> specs = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                RegexGen.Gen g = RegexGen.pattern(rnd);
                int id = rnd.nextInt(0, 5); // ids may repeat: matches are reported once per id and offset
                gens.add(g);
                ids.add(id);
                specs.add(g.spec(id));
            }
            Scanner scanner = new Scanner(RegexCompiler.compile(specs));
            for (int k = 0; k < 3; k++) {
                byte[] input = RegexGen.input(rnd, MAX_INPUT);
                assertEquals(Oracle.matches(gens, ids, input), scanner.scan(input),
                        () -> "patterns " + specs + " on " + Inputs.show(input));
            }
        });
    }

    @Test
    void nullablePatternsAreRefusedAndOthersAccepted() {
        Props.forAll("empty-match refusal", 2_000, (i, rnd) -> {
            RegexGen.Gen g = RegexGen.anyPattern(rnd);
            PatternSpec spec = g.spec(3);
            if (g.nullable()) {
                RegexSyntaxException e = assertThrows(RegexSyntaxException.class,
                        () -> RegexCompiler.compile(List.of(spec)), g.ours());
                assertTrue(e.getMessage().contains("empty string"), e.getMessage());
                assertEquals(3, e.patternId());
            } else {
                RegexCompiler.compile(List.of(spec));
            }
        });
    }
}
