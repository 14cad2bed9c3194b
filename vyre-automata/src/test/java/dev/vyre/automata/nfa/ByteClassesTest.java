package dev.vyre.automata.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.automata.regex.ByteSet;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Byte sets behave like boolean[256]; byte classes are exactly the membership signatures. */
class ByteClassesTest {
    private static ByteSet randomSet(SplittableRandom rnd, boolean[] model) {
        ByteSet s = ByteSet.EMPTY;
        int density = rnd.nextInt(1, 64);
        for (int b = 0; b < 256; b++) {
            model[b] = rnd.nextInt(density) == 0;
            if (model[b]) {
                s = s.union(ByteSet.of(b));
            }
        }
        return s;
    }

    @Test
    void byteSetOperationsMatchABooleanModel() {
        Props.forAll("byte sets", 2_000, (i, rnd) -> {
            boolean[] ma = new boolean[256];
            boolean[] mb = new boolean[256];
            ByteSet a = randomSet(rnd, ma);
            ByteSet b = randomSet(rnd, mb);
            int size = 0;
            for (int x = 0; x < 256; x++) {
                assertEquals(ma[x], a.contains(x));
                assertEquals(ma[x] || mb[x], a.union(b).contains(x));
                assertEquals(ma[x] && mb[x], a.intersect(b).contains(x));
                assertEquals(!ma[x], a.complement().contains(x));
                boolean folded = ma[x] || Character.isLetter(x) && x < 128 && ma[x ^ 0x20];
                assertEquals(folded, a.caseFolded().contains(x), "fold of " + x);
                size += ma[x] ? 1 : 0;
            }
            assertEquals(size, a.size());
            int first = -1;
            for (int x = 0; x < 256 && first < 0; x++) {
                first = ma[x] ? x : -1;
            }
            assertEquals(first, a.next(0));
        });
    }

    @Test
    void classesAreExactlyTheMembershipSignatures() {
        Props.forAll("byte classes", 150, (i, rnd) -> {
            List<ByteSet> sets = new ArrayList<>();
            for (int s = 0; s < rnd.nextInt(0, 6); s++) {
                sets.add(randomSet(rnd, new boolean[256]));
            }
            ByteClasses c = ByteClasses.of(sets);
            Set<List<Boolean>> signatures = new HashSet<>();
            for (int x = 0; x < 256; x++) {
                List<Boolean> sig = new ArrayList<>();
                for (ByteSet s : sets) {
                    sig.add(s.contains(x));
                }
                signatures.add(sig);
                for (int y = 0; y < 256; y++) {
                    boolean same = true;
                    for (ByteSet s : sets) {
                        same &= s.contains(x) == s.contains(y);
                    }
                    assertEquals(same, c.classOf(x) == c.classOf(y));
                }
            }
            assertEquals(signatures.size(), c.count());
            for (int k = 0; k < c.count(); k++) {
                assertEquals(k, c.classOf(c.representative(k)));
            }
        });
    }
}
