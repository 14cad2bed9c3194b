package dev.vyre.automata.dfa;

import dev.vyre.automata.MatchSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A packed search DFA in flat arrays, laid out for upload to a device as is:
 * <ul>
 *   <li>{@code classMap}: 256 unsigned bytes, the class of each input byte;</li>
 *   <li>{@code transitions}: {@code stateCount * classCount} ints, row-major: the state after reading a byte of
 *       class {@code c} in state {@code s} is {@code transitions[s * classCount + c]};</li>
 *   <li>states {@code 0 .. matchLimit-1} are exactly the states that report something, so a scan loop tests
 *       {@code s < matchLimit} before looking at accept lists;</li>
 *   <li>{@code acceptOffsets}: {@code matchLimit * 3 + 1} ints (CSR); the pattern ids state {@code s} reports
 *       when the next input is lookahead kind {@code la} are
 *       {@code acceptIds[acceptOffsets[s*3+la] .. acceptOffsets[s*3+la+1])}, sorted and distinct;</li>
 *   <li>{@code startStates}: the state to begin in, per lookbehind context;</li>
 *   <li>{@code deadState}: a state that reports nothing and never leaves, or -1.</li>
 * </ul>
 * Match semantics: before reading the byte at offset {@code p}, a scan in state {@code s} reports
 * {@code (id, p)} for every id of {@code accepts(s, la)}, where {@code la} is {@link #LOOKAHEAD_NEWLINE} when
 * that byte is {@code \n} and {@link #LOOKAHEAD_BYTE} otherwise; at the end of the input it reports
 * {@code accepts(s, LOOKAHEAD_END)}. End anchors need the lookahead, which is why reports come before the step.
 */
public final class Dfa {
    /** Number of lookbehind contexts. */
    public static final int CONTEXTS = 3;
    /** Lookbehind: offset 0 of the input. */
    public static final int CONTEXT_START = 0;
    /** Lookbehind: the previous byte is {@code \n}. */
    public static final int CONTEXT_NEWLINE = 1;
    /** Lookbehind: any other previous byte. */
    public static final int CONTEXT_OTHER = 2;
    /** Number of lookahead kinds. */
    public static final int LOOKAHEADS = 3;
    /** Lookahead: the next byte is not {@code \n}. */
    public static final int LOOKAHEAD_BYTE = 0;
    /** Lookahead: the next byte is {@code \n}. */
    public static final int LOOKAHEAD_NEWLINE = 1;
    /** Lookahead: the input ends here. */
    public static final int LOOKAHEAD_END = 2;

    private final int stateCount;
    private final int classCount;
    private final byte[] classMap;
    private final int[] transitions;
    private final int matchLimit;
    private final int[] acceptOffsets;
    private final int[] acceptIds;
    private final int[] startStates;
    private final int deadState;
    /** The start state after a byte other than {@code \n} when it reports nothing, else -1: the usual idle state. */
    private final int idleState;
    /** Bytes that keep {@link #idleState} where it is (the scan skips them without a table walk). */
    private final boolean[] idleStays = new boolean[256];

    Dfa(int stateCount, int classCount, byte[] classMap, int[] transitions, int matchLimit, int[] acceptOffsets,
            int[] acceptIds, int[] startStates, int deadState) {
        this.stateCount = stateCount;
        this.classCount = classCount;
        this.classMap = classMap;
        this.transitions = transitions;
        this.matchLimit = matchLimit;
        this.acceptOffsets = acceptOffsets;
        this.acceptIds = acceptIds;
        this.startStates = startStates;
        this.deadState = deadState;
        int idle = startStates[CONTEXT_OTHER];
        this.idleState = idle >= matchLimit ? idle : -1;
        for (int b = 0; b < 256 && idleState >= 0; b++) {
            idleStays[b] = transitions[idle * classCount + (classMap[b] & 0xFF)] == idle;
        }
    }

    /**
     * Packs a raw DFA: merges byte classes whose columns are equal, numbers reporting states first, and finds
     * the dead state. The result reports exactly what {@code raw} reports.
     */
    public static Dfa of(RawDfa raw) {
        int n = raw.stateCount();
        int k = raw.classCount();
        int[] t = raw.transitions();
        // 1. Merge classes with identical columns; new ids follow byte order.
        Map<Column, Integer> columns = new HashMap<>();
        int[] newClass = new int[k];
        Arrays.fill(newClass, -1);
        byte[] classMap = new byte[256];
        for (int b = 0; b < 256; b++) {
            int c = raw.classMap()[b] & 0xFF;
            if (newClass[c] < 0) {
                int[] col = new int[n];
                for (int s = 0; s < n; s++) {
                    col[s] = t[s * k + c];
                }
                newClass[c] = columns.computeIfAbsent(new Column(col), x -> columns.size());
            }
            classMap[b] = (byte) newClass[c];
        }
        int k2 = columns.size();
        int[] oldOf = new int[k2];
        for (int c = k - 1; c >= 0; c--) {
            if (newClass[c] >= 0) {
                oldOf[newClass[c]] = c;
            }
        }
        // 2. Reporting states first.
        int[] order = new int[n];
        int[] renum = new int[n];
        int matchLimit = 0;
        for (int s = 0; s < n; s++) {
            if (reports(raw.accepts()[s])) {
                order[matchLimit++] = s;
            }
        }
        int rest = matchLimit;
        for (int s = 0; s < n; s++) {
            if (!reports(raw.accepts()[s])) {
                order[rest++] = s;
            }
        }
        for (int i = 0; i < n; i++) {
            renum[order[i]] = i;
        }
        int[] trans = new int[n * k2];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k2; c++) {
                trans[i * k2 + c] = renum[t[order[i] * k + oldOf[c]]];
            }
        }
        // 3. Accept lists (CSR).
        int[] offsets = new int[matchLimit * LOOKAHEADS + 1];
        int total = 0;
        for (int i = 0; i < matchLimit; i++) {
            for (int la = 0; la < LOOKAHEADS; la++) {
                offsets[i * LOOKAHEADS + la] = total;
                total += raw.accepts()[order[i]][la].length;
            }
        }
        offsets[matchLimit * LOOKAHEADS] = total;
        int[] ids = new int[total];
        for (int i = 0; i < matchLimit; i++) {
            for (int la = 0; la < LOOKAHEADS; la++) {
                int[] a = raw.accepts()[order[i]][la];
                System.arraycopy(a, 0, ids, offsets[i * LOOKAHEADS + la], a.length);
            }
        }
        int dead = -1;
        for (int i = matchLimit; i < n && dead < 0; i++) {
            boolean loops = true;
            for (int c = 0; c < k2 && loops; c++) {
                loops = trans[i * k2 + c] == i;
            }
            if (loops) {
                dead = i;
            }
        }
        int[] starts = Arrays.stream(raw.startStates()).map(s -> renum[s]).toArray();
        return new Dfa(n, k2, classMap, trans, matchLimit, offsets, ids, starts, dead);
    }

    private static boolean reports(int[][] accepts) {
        for (int[] a : accepts) {
            if (a.length > 0) {
                return true;
            }
        }
        return false;
    }

    private record Column(int[] targets) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Column c && Arrays.equals(targets, c.targets);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(targets);
        }
    }

    /**
     * Runs over the bytes at absolute offsets {@code from .. to-1} starting in {@code state}, reporting matches at
     * those offsets (see the class comment), and returns the state at {@code to}. The bytes come from
     * {@code chunk}, whose first byte is at absolute offset {@code chunkStart}.
     */
    public int run(MemorySegment chunk, long chunkStart, long from, long to, int state, MatchSink sink) {
        if (chunk.heapBase().orElse(null) instanceof byte[] array) {
            // Heap segments: address() is the offset into the array.
            // The shift is a long: a stream past 2 GiB has chunkStart beyond int while array indices stay small.
            return run(array, chunk.address() - chunkStart, from, to, state, sink);
        }
        int s = state;
        for (long p = from; p < to; p++) {
            if (s == deadState) {
                return s;
            }
            int b = chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) & 0xFF;
            if (s < matchLimit) {
                report(s, b == '\n' ? LOOKAHEAD_NEWLINE : LOOKAHEAD_BYTE, p, sink);
            }
            s = transitions[s * classCount + (classMap[b] & 0xFF)];
        }
        return s;
    }

    /** {@link #run(MemorySegment, long, long, long, int, MatchSink)} over an array; byte p is at {@code p + shift}. */
    private int run(byte[] array, long shift, long from, long to, int state, MatchSink sink) {
        int s = state;
        int end = (int) (to + shift);
        for (int i = (int) (from + shift); i < end; i++) {
            if (s == idleState) {
                // The idle state reports nothing and stays on most bytes: skip them without a table walk.
                while (i < end && idleStays[array[i] & 0xFF]) {
                    i++;
                }
                if (i == end) {
                    return s;
                }
            } else if (s == deadState) {
                return s;
            }
            int b = array[i] & 0xFF;
            if (s < matchLimit) {
                report(s, b == '\n' ? LOOKAHEAD_NEWLINE : LOOKAHEAD_BYTE, i - shift, sink);
            }
            s = transitions[s * classCount + (classMap[b] & 0xFF)];
        }
        return s;
    }

    /** Reports what {@code state} reports at {@code offset} when the input ends there. */
    public void reportEnd(int state, long offset, MatchSink sink) {
        if (state < matchLimit) {
            report(state, LOOKAHEAD_END, offset, sink);
        }
    }

    private void report(int s, int lookahead, long offset, MatchSink sink) {
        int base = s * LOOKAHEADS + lookahead;
        for (int i = acceptOffsets[base]; i < acceptOffsets[base + 1]; i++) {
            sink.onMatch(acceptIds[i], offset);
        }
    }

    /** The state after reading byte {@code b} in state {@code s}. */
    public int step(int s, int b) {
        return transitions[s * classCount + (classMap[b & 0xFF] & 0xFF)];
    }

    /** The ids {@code s} reports for lookahead kind {@code lookahead}, sorted. */
    public int[] accepts(int s, int lookahead) {
        if (s >= matchLimit) {
            return new int[0];
        }
        int base = s * LOOKAHEADS + lookahead;
        return Arrays.copyOfRange(acceptIds, acceptOffsets[base], acceptOffsets[base + 1]);
    }

    /** The state to begin in when the byte before the first one scanned gives lookbehind {@code context}. */
    public int startState(int context) {
        return startStates[context];
    }

    /** The lookbehind context of offset {@code p} given the byte before it ({@code prev}, ignored at 0). */
    public static int contextAt(long p, int prev) {
        return p == 0 ? CONTEXT_START : (prev & 0xFF) == '\n' ? CONTEXT_NEWLINE : CONTEXT_OTHER;
    }

    /** Number of states. */
    public int stateCount() {
        return stateCount;
    }

    /** Number of byte classes (table columns). */
    public int classCount() {
        return classCount;
    }

    /** States {@code 0 .. matchLimit-1} report matches; the others never do. */
    public int matchLimit() {
        return matchLimit;
    }

    /** The dead state, or -1. */
    public int deadState() {
        return deadState;
    }

    /** A copy of the class map. */
    public byte[] classMap() {
        return classMap.clone();
    }

    /** A copy of the transition table. */
    public int[] transitions() {
        return transitions.clone();
    }

    /** A copy of the accept offsets (CSR, {@code matchLimit * 3 + 1} entries). */
    public int[] acceptOffsets() {
        return acceptOffsets.clone();
    }

    /** A copy of the accept ids. */
    public int[] acceptIds() {
        return acceptIds.clone();
    }

    /** A copy of the start states, indexed by lookbehind context. */
    public int[] startStates() {
        return startStates.clone();
    }
}
