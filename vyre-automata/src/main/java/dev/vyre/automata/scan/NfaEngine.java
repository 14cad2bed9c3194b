package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.nfa.Nfa;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An NFA run as a worklist of (NFA state, byte index) pairs, for patterns whose DFA would pass the state cap.
 * The input is taken in windows; inside a window pairs are expanded in any order (each pair once, so the result
 * is the same whatever the order), the start state is seeded at every index (unanchored search), and pairs
 * that reach the window's end are carried, unexpanded, into the next window, where the next byte is known.
 */
public final class NfaEngine implements Engine {
    /** Bits of visited-pair memory per window. */
    private static final int WINDOW_BITS = 1 << 23;
    private static final int MAX_WINDOW = 4096;

    private final Nfa nfa;
    private final int[] ids;
    private final int window;

    /**
     * @param nfa the NFA of the engine's patterns
     * @param ids the pattern ids it reports, sorted
     */
    public NfaEngine(Nfa nfa, int[] ids) {
        this(nfa, ids, Math.clamp(WINDOW_BITS / nfa.size() - 1, 1, MAX_WINDOW));
    }

    /** An engine with a given window (bytes per round of pair expansion). */
    NfaEngine(Nfa nfa, int[] ids, int window) {
        this.nfa = nfa;
        this.ids = ids.clone();
        this.window = window;
    }

    /** The NFA. */
    public Nfa nfa() {
        return nfa;
    }

    @Override
    public Kind kind() {
        return Kind.NFA;
    }

    @Override
    public int[] patternIds() {
        return ids.clone();
    }

    @Override
    public EngineStream open(ScanOptions options) {
        return new Stream();
    }

    private final class Stream implements EngineStream, VisitCounter {
        private final int n = nfa.size();
        private final long[] visited = new long[(int) (((long) (window + 1) * n + 63) >>> 6)];
        private long[] stack = new long[64];
        private int top;
        private int[] carried = new int[0];
        private int prev = -1;
        private long visits;

        @Override
        public void feed(MemorySegment chunk, long chunkStart, MatchSink sink) {
            long end = chunkStart + chunk.byteSize();
            for (long w0 = chunkStart; w0 < end; w0 += window) {
                processWindow(chunk, chunkStart, w0, Math.min(end, w0 + window), sink);
            }
            if (chunk.byteSize() > 0) {
                prev = chunk.get(ValueLayout.JAVA_BYTE, chunk.byteSize() - 1) & 0xFF;
            }
        }

        private void processWindow(MemorySegment chunk, long chunkStart, long w0, long w1, MatchSink sink) {
            int rows = (int) (w1 - w0) + 1;
            Arrays.fill(visited, 0, (int) (((long) rows * n + 63) >>> 6), 0L);
            top = 0;
            for (int s : carried) {
                push(0, s);
            }
            for (int r = 0; r < rows - 1; r++) {
                push(r, nfa.start());
            }
            int[] next = new int[8];
            int nextCount = 0;
            while (top > 0) {
                long pair = stack[--top];
                int r = (int) (pair >>> 32);
                int s = (int) pair;
                long bit = (long) r * n + s;
                if ((visited[(int) (bit >>> 6)] & 1L << bit) != 0) {
                    continue;
                }
                visited[(int) (bit >>> 6)] |= 1L << bit;
                visits++;
                long i = w0 + r;
                switch (nfa.kind(s)) {
                    case Nfa.BYTES -> {
                        if (nfa.set(s).contains(chunk.get(ValueLayout.JAVA_BYTE, i - chunkStart))) {
                            int t = nfa.next(s);
                            if (r + 1 < rows - 1) {
                                push(r + 1, t);
                            } else {
                                long tb = (long) (r + 1) * n + t;
                                if ((visited[(int) (tb >>> 6)] & 1L << tb) == 0) {
                                    visited[(int) (tb >>> 6)] |= 1L << tb;
                                    if (nextCount == next.length) {
                                        next = Arrays.copyOf(next, nextCount * 2);
                                    }
                                    next[nextCount++] = t;
                                }
                            }
                        }
                    }
                    case Nfa.SPLIT -> {
                        for (int t : nfa.targets(s)) {
                            push(r, t);
                        }
                    }
                    case Nfa.ASSERT -> {
                        int before = i == 0 ? -1 : i > chunkStart
                                ? chunk.get(ValueLayout.JAVA_BYTE, i - 1 - chunkStart) & 0xFF : prev;
                        int after = chunk.get(ValueLayout.JAVA_BYTE, i - chunkStart) & 0xFF;
                        if (holds(s, i, before, after)) {
                            push(r, nfa.next(s));
                        }
                    }
                    default -> sink.onMatch(nfa.matchId(s), i);
                }
            }
            carried = Arrays.copyOf(next, nextCount);
        }

        @Override
        public void finish(long end, MatchSink sink) {
            // Expand what reached the end with "end of input" as the lookahead; bytes can no longer be consumed.
            boolean[] seen = new boolean[n];
            top = 0;
            for (int s : carried) {
                push(0, s);
            }
            while (top > 0) {
                int s = (int) stack[--top];
                if (seen[s]) {
                    continue;
                }
                seen[s] = true;
                switch (nfa.kind(s)) {
                    case Nfa.SPLIT -> {
                        for (int t : nfa.targets(s)) {
                            push(0, t);
                        }
                    }
                    case Nfa.ASSERT -> {
                        if (holds(s, end, end == 0 ? -1 : prev, -1)) {
                            push(0, nfa.next(s));
                        }
                    }
                    case Nfa.MATCH -> sink.onMatch(nfa.matchId(s), end);
                    default -> {
                    }
                }
            }
            carried = new int[0];
        }

        /** Whether state s's anchor holds at offset i between bytes {@code before} and {@code after} (-1: none). */
        private boolean holds(int s, long i, int before, int after) {
            return switch (nfa.anchor(s)) {
                case BEGIN_TEXT -> i == 0;
                case BEGIN_LINE -> i == 0 || before == '\n';
                case END_TEXT -> after < 0;
                case END_LINE -> after < 0 || after == '\n';
            };
        }

        private void push(int r, int s) {
            if (top == stack.length) {
                stack = Arrays.copyOf(stack, top * 2);
            }
            stack[top++] = (long) r << 32 | s;
        }

        @Override
        public long visits() {
            return visits;
        }
    }
}
