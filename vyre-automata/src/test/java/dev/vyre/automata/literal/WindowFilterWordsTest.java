package dev.vyre.automata.literal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.ByteSet;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The word-at-a-time confirmation of {@link WindowFilter} (factors whose positions are single bytes or ASCII case
 * pairs, 8 bytes or longer) reports exactly the occurrences the per-byte masks define: random factor sets that mix
 * such factors with others (byte ranges, short factors), over random text seeded with occurrences and near misses
 * (one byte changed), every (factor, end) found = every (factor, end) a brute-force check of each position finds.
 */
class WindowFilterWordsTest {
    @Test
    void wordConfirmationEqualsPerByteMasks() {
        long[] simple = {0};
        Props.forAll("word confirmation = per-byte masks", 300, (i, rnd) -> {
            int stride = rnd.nextInt(1, 6);
            List<Factor> factors = new ArrayList<>();
            int want = rnd.nextInt(1, 12);
            while (factors.size() < want) {
                Factor f = randomFactor(rnd);
                if (WindowFilter.usable(f, stride)) {
                    factors.add(f);
                    simple[0] += WindowFilter.wordsOf(f) != null ? 1 : 0;
                }
            }
            byte[] text = seeded(rnd, factors, rnd.nextInt(64, 2000));
            WindowFilter filter = new WindowFilter(factors, stride);
            TreeSet<String> got = new TreeSet<>();
            filter.open().scan(MemorySegment.ofArray(text), 0, 0, text.length, p -> {
                throw new AssertionError("no history before offset 0: " + p);
            }, (f, end) -> got.add(f + "@" + end));
            TreeSet<String> expected = new TreeSet<>();
            for (int f = 0; f < factors.size(); f++) {
                List<ByteSet> pos = factors.get(f).positions();
                for (int at = 0; at + pos.size() <= text.length; at++) {
                    boolean all = true;
                    for (int j = 0; j < pos.size() && all; j++) {
                        all = pos.get(j).contains(text[at + j] & 0xFF);
                    }
                    if (all) {
                        expected.add(f + "@" + (at + pos.size()));
                    }
                }
            }
            assertEquals(expected, got, "factors " + factors + ", stride " + stride);
        });
        assertTrue(simple[0] > 300, "only " + simple[0] + " factors took the word path");
    }

    @Test
    void wordsOnlyForSingleBytesAndCasePairsOfEightOrMore() {
        assertNull(WindowFilter.wordsOf(literal("abcdefg", false)), "7 bytes");
        assertNotNull(WindowFilter.wordsOf(literal("abcdefgh", false)));
        assertNotNull(WindowFilter.wordsOf(literal("abcdefghijk", true)));
        List<ByteSet> pos = new ArrayList<>(literal("abcdefgh", false).positions());
        pos.set(3, ByteSet.range('0', '9'));
        assertNull(WindowFilter.wordsOf(new Factor(pos)), "a range");
        pos.set(3, ByteSet.of('a').union(ByteSet.of('c')));
        assertNull(WindowFilter.wordsOf(new Factor(pos)), "two bytes that are no case pair");
        // 11 bytes: words at 0 and at 3 (the last ends at the end).
        long[] w = WindowFilter.wordsOf(literal("abcdefghijk", false));
        assertEquals(6, w.length);
        assertEquals(0, w[0]);
        assertEquals(3, w[3]);
    }

    private static Factor literal(String s, boolean caseless) {
        List<ByteSet> pos = new ArrayList<>();
        for (char c : s.toCharArray()) {
            ByteSet b = ByteSet.of(c);
            pos.add(caseless ? b.caseFolded() : b);
        }
        return new Factor(pos);
    }

    static Factor randomFactor(SplittableRandom rnd) {
        int n = rnd.nextInt(5, 24);
        int kind = rnd.nextInt(4); // 0, 1: simple; 2: caseless; 3: mixed with ranges
        List<ByteSet> pos = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            ByteSet b = ByteSet.of("abcABC01 -_\n".charAt(rnd.nextInt(12)));
            if (kind == 2 || (kind == 3 && rnd.nextInt(3) == 0)) {
                b = b.caseFolded();
            }
            if (kind == 3 && rnd.nextInt(6) == 0) {
                b = rnd.nextBoolean() ? ByteSet.range('0', '1') : b.union(ByteSet.of('-'));
            }
            pos.add(b);
        }
        return new Factor(pos);
    }

    /** Random text over the factors' alphabet with occurrences and one-bit near misses written in. */
    static byte[] seeded(SplittableRandom rnd, List<Factor> factors, int n) {
        byte[] text = new byte[n];
        for (int k = 0; k < text.length; k++) {
            text[k] = (byte) "abcABC01 -_\n".charAt(rnd.nextInt(12));
        }
        for (int k = rnd.nextInt(1, 20); k > 0; k--) {
            Factor f = factors.get(rnd.nextInt(factors.size()));
            if (f.length() > text.length) {
                continue;
            }
            int at = rnd.nextInt(0, text.length - f.length() + 1);
            for (int j = 0; j < f.length(); j++) {
                text[at + j] = (byte) pick(f.positions().get(j), rnd);
            }
            if (rnd.nextBoolean()) {
                text[at + rnd.nextInt(f.length())] ^= (byte) (1 << rnd.nextInt(8));
            }
        }
        return text;
    }

    static int pick(ByteSet set, SplittableRandom rnd) {
        List<Integer> bytes = new ArrayList<>();
        for (int b = set.next(0); b >= 0; b = b == 255 ? -1 : set.next(b + 1)) {
            bytes.add(b);
        }
        return bytes.get(rnd.nextInt(bytes.size()));
    }
}
