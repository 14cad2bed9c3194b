package dev.vyre.automata.dfa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.RegexGen;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.DfaEngine;
import dev.vyre.automata.scan.Engine;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flat device image of a DFA round-trips, and corrupted images are refused or decode to a valid DFA. */
class DfaImageTest {
    private static Dfa dfa(List<PatternSpec> specs) {
        var a = RegexCompiler.compile(specs, CompileOptions.defaults().withPrefilter(false));
        return ((DfaEngine) a.engines(Engine.Kind.DFA).getFirst()).dfa();
    }

    /** A scan driven by the image's words alone, as a device kernel would run it. */
    private static List<long[]> scanWords(int[] w, byte[] input) {
        int k = w[DfaImage.W_CLASS_COUNT];
        int limit = w[DfaImage.W_MATCH_LIMIT];
        List<long[]> out = new ArrayList<>();
        int s = w[DfaImage.W_START_STATES + Dfa.CONTEXT_START];
        for (int p = 0; p <= input.length; p++) {
            int la = p == input.length ? Dfa.LOOKAHEAD_END : input[p] == '\n' ? Dfa.LOOKAHEAD_NEWLINE
                    : Dfa.LOOKAHEAD_BYTE;
            if (s < limit) {
                int base = w[DfaImage.W_ACCEPT_OFFSETS_OFFSET] + s * Dfa.LOOKAHEADS + la;
                for (int i = w[base]; i < w[base + 1]; i++) {
                    out.add(new long[] {w[w[DfaImage.W_ACCEPT_IDS_OFFSET] + i], p});
                }
            }
            if (p < input.length) {
                int b = input[p] & 0xFF;
                int c = w[w[DfaImage.W_CLASS_MAP_OFFSET] + b / 4] >>> (8 * (b % 4)) & 0xFF;
                s = w[w[DfaImage.W_TRANSITIONS_OFFSET] + s * k + c];
            }
        }
        return out;
    }

    @Test
    void imagesRoundTripAndDriveTheSameScan() {
        Props.forAll("image round trip", 500, (i, rnd) -> {
            List<PatternSpec> specs = new ArrayList<>();
            for (int p = 0; p < rnd.nextInt(1, 4); p++) {
                specs.add(RegexGen.pattern(rnd).spec(p * 3));
            }
            Dfa d = dfa(specs);
            int[] w = DfaImage.encode(d);
            Dfa back = DfaImage.decode(w);
            assertArrayEquals(w, DfaImage.encode(back));
            assertArrayEquals(d.transitions(), back.transitions());
            assertArrayEquals(d.classMap(), back.classMap());
            byte[] input = RegexGen.input(rnd, 40);
            List<long[]> expected = new ArrayList<>();
            MemorySegment seg = MemorySegment.ofArray(input);
            int end = d.run(seg, 0, 0, input.length, d.startState(Dfa.CONTEXT_START),
                    (id, e) -> expected.add(new long[] {id, e}));
            d.reportEnd(end, input.length, (id, e) -> expected.add(new long[] {id, e}));
            List<long[]> got = scanWords(w, input);
            assertEquals(expected.size(), got.size(), () -> specs + " " + dev.vyre.automata.Inputs.show(input) + " "
                    + expected.stream().map(java.util.Arrays::toString).toList() + " vs "
                    + got.stream().map(java.util.Arrays::toString).toList());
            for (int j = 0; j < got.size(); j++) {
                assertArrayEquals(expected.get(j), got.get(j));
            }
        });
    }

    @Test
    void corruptedImagesAreRefusedOrValid() {
        int[] good = DfaImage.encode(dfa(List.of(PatternSpec.of(1, "a[bc]+d$"), PatternSpec.of(2, "^x"))));
        Props.forAll("image corruption", 5_000, (i, rnd) -> {
            int[] w = good.clone();
            if (rnd.nextInt(10) == 0) {
                w = java.util.Arrays.copyOf(w, rnd.nextInt(w.length + 3));
            }
            for (int m = 0; m < rnd.nextInt(1, 4) && w.length > 0; m++) {
                w[rnd.nextInt(w.length)] = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(-2, 300);
            }
            try {
                Dfa d = DfaImage.decode(w);
                // Valid: every table entry is in range, so a scan cannot fail.
                byte[] input = RegexGen.input(rnd, 30);
                d.run(MemorySegment.ofArray(input), 0, 0, input.length, d.startState(0), (id, e) -> { });
            } catch (AutomataException expected) {
                assertEquals(true, expected.getMessage().contains("Fix: "));
            }
        });
    }
}
