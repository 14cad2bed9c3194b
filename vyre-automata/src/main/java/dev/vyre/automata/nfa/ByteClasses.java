package dev.vyre.automata.nfa;

import dev.vyre.automata.regex.ByteSet;
import java.util.Arrays;
import java.util.Collection;

/**
 * A partition of the 256 byte values into classes that no byte set of an automaton tells apart: bytes of one
 * class behave the same in every state, so tables need one column per class instead of 256.
 */
public final class ByteClasses {
    private final byte[] classOf;
    private final int count;
    private final int[] representative;

    private ByteClasses(byte[] classOf, int count) {
        this.classOf = classOf;
        this.count = count;
        this.representative = new int[count];
        Arrays.fill(representative, -1);
        for (int b = 255; b >= 0; b--) {
            representative[classOf[b] & 0xFF] = b;
        }
    }

    /** The coarsest partition that refines every set in {@code sets}. Class ids follow the order of bytes. */
    public static ByteClasses of(Collection<ByteSet> sets) {
        int[] cls = new int[256];
        int count = 1;
        for (ByteSet set : sets) {
            int[] remap = new int[count * 2];
            Arrays.fill(remap, -1);
            int fresh = 0;
            for (int b = 0; b < 256; b++) {
                int key = cls[b] * 2 + (set.contains(b) ? 1 : 0);
                if (remap[key] < 0) {
                    remap[key] = fresh++;
                }
                cls[b] = remap[key];
            }
            count = fresh;
        }
        byte[] classOf = new byte[256];
        for (int b = 0; b < 256; b++) {
            classOf[b] = (byte) cls[b];
        }
        return new ByteClasses(classOf, count);
    }

    /** The classes of an NFA's byte sets, with {@code \n} alone in its class when the NFA has line anchors. */
    public static ByteClasses of(Nfa nfa) {
        var sets = nfa.byteSets();
        if (nfa.hasLineAnchors()) {
            sets.add(ByteSet.NEWLINE);
        }
        return of(sets);
    }

    /** Number of classes (1..256). */
    public int count() {
        return count;
    }

    /** The class of byte {@code b}. */
    public int classOf(int b) {
        return classOf[b & 0xFF] & 0xFF;
    }

    /** The smallest byte of class {@code c}. */
    public int representative(int c) {
        return representative[c];
    }

    /** A copy of the 256-entry class map (unsigned class ids). */
    public byte[] map() {
        return classOf.clone();
    }
}
