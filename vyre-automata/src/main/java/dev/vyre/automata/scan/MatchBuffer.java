package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import java.util.Arrays;

/** A growable list of matches. */
final class MatchBuffer implements MatchSink {
    private long[] offsets = new long[16];
    private int[] ids = new int[16];
    private int size;

    @Override
    public void onMatch(int patternId, long endOffset) {
        if (size == ids.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
        }
        offsets[size] = endOffset;
        ids[size++] = patternId;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** Emits, in insertion order, the matches with offsets in {@code [from, to)}. */
    void emitRange(long from, long to, MatchSink out) {
        for (int i = 0; i < size; i++) {
            if (offsets[i] >= from && offsets[i] < to) {
                out.onMatch(ids[i], offsets[i]);
            }
        }
    }

    /**
     * Emits the matches sorted by offset then id, each distinct pair once, and clears. Offsets must lie in
     * {@code [base, base + 2^31)}.
     */
    void emitSortedUnique(long base, MatchSink out) {
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            keys[i] = (offsets[i] - base) << 32 | ids[i];
        }
        Arrays.sort(keys);
        for (int i = 0; i < keys.length; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                out.onMatch((int) keys[i], base + (keys[i] >>> 32));
            }
        }
        size = 0;
    }
}
