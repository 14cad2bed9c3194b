package dev.vyre.automata.literal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.regex.ByteSet;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Aho-Corasick finds exactly the occurrences a naive search finds, case-folded keys and exact sets included. */
class AhoCorasickTest {
    private static final String ALPHABET = "abAB1\n";

    @Test
    void findsEveryOccurrenceANaiveSearchFinds() {
        Props.forAll("aho-corasick", 3_000, (i, rnd) -> {
            List<Factor> factors = new ArrayList<>();
            for (int f = 0; f < rnd.nextInt(1, 8); f++) {
                List<ByteSet> positions = new ArrayList<>();
                for (int p = 0; p < rnd.nextInt(1, 5); p++) {
                    int b = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
                    // Either one exact byte or the byte in both cases.
                    positions.add(rnd.nextBoolean() ? ByteSet.of(b) : ByteSet.of(b).caseFolded());
                }
                factors.add(new Factor(positions));
            }
            byte[] text = new byte[rnd.nextInt(80)];
            for (int t = 0; t < text.length; t++) {
                text[t] = (byte) ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
            }
            List<String> expected = new ArrayList<>();
            for (int end = 1; end <= text.length; end++) {
                for (int f = 0; f < factors.size(); f++) {
                    Factor fac = factors.get(f);
                    int start = end - fac.length();
                    boolean hit = start >= 0;
                    for (int p = 0; hit && p < fac.length(); p++) {
                        hit = fac.positions().get(p).contains(text[start + p]);
                    }
                    if (hit) {
                        expected.add(f + "@" + end);
                    }
                }
            }
            AhoCorasick ac = new AhoCorasick(factors);
            List<String> got = new ArrayList<>();
            MemorySegment seg = MemorySegment.ofArray(text);
            ac.scan(seg, 0, 0, text.length, ac.initialState(), p -> text[(int) p] & 0xFF, (f, end) -> got.add(f + "@"
                    + end));
            got.sort(null);
            expected.sort(null);
            assertEquals(expected, got, factors::toString);
        });
    }
}
