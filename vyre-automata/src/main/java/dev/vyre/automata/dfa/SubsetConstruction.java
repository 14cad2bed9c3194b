package dev.vyre.automata.dfa;

import dev.vyre.automata.nfa.ByteClasses;
import dev.vyre.automata.nfa.Nfa;
import dev.vyre.automata.regex.Anchor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Subset construction of an unanchored search DFA: the NFA's start state is added again at every offset (an
 * implicit {@code .*} prefix), so a DFA state is "every partial match still alive". A DFA state is the sorted set
 * of the NFA's byte-consuming, match and pending end-anchor states reached, plus the lookbehind context when
 * pending end anchors may still lead to a begin anchor. Begin anchors are resolved when a state is entered (the
 * previous byte is known); end anchors stay pending until the next byte (or the end of input) is known, which is
 * why accept sets are kept per lookahead kind.
 */
public final class SubsetConstruction {
    /** The most NFA-state entries all DFA states together may hold (memory bound, part of the cap). */
    public static final long MAX_SET_ENTRIES = 1L << 24;
    /** The most epsilon-closure steps one construction may take (time bound, part of the cap). */
    public static final long MAX_CLOSURE_STEPS = 1L << 27;
    private static final int LOOKAHEAD_UNKNOWN = -1;

    private final Nfa nfa;
    private final ByteClasses classes;
    private final int k;
    private final int maxStates;
    private final long[][] classMask;
    private final int[] mark;
    private int stamp;
    private int[] stack;
    private long setEntries;
    private long closureSteps;

    private final List<int[]> sets = new ArrayList<>();
    private final List<Integer> contexts = new ArrayList<>();
    private final Map<Key, Integer> index = new HashMap<>();

    private record Key(int[] nodes, int context) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && context == other.context && Arrays.equals(nodes, other.nodes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(nodes) * 31 + context;
        }
    }

    private SubsetConstruction(Nfa nfa, ByteClasses classes, int maxStates) {
        this.nfa = nfa;
        this.classes = classes;
        this.k = classes.count();
        this.maxStates = maxStates;
        this.mark = new int[nfa.size()];
        this.stack = new int[Math.max(16, nfa.size())];
        this.classMask = new long[nfa.size()][];
        for (int s = 0; s < nfa.size(); s++) {
            if (nfa.kind(s) == Nfa.BYTES) {
                long[] m = new long[(k + 63) >>> 6];
                for (int c = 0; c < k; c++) {
                    if (nfa.set(s).contains(classes.representative(c))) {
                        m[c >>> 6] |= 1L << (c & 63);
                    }
                }
                classMask[s] = m;
            }
        }
    }

    /**
     * Builds the DFA, or returns null when it would need more than {@code maxStates} states (or more than
     * {@link #MAX_SET_ENTRIES} stored NFA states, or {@link #MAX_CLOSURE_STEPS} closure steps, in total).
     *
     * @param nfa the pattern set's NFA
     * @param classes byte classes refining every byte set of {@code nfa} (and {@code \n} when it has line anchors)
     * @param maxStates the state cap
     */
    public static RawDfa build(Nfa nfa, ByteClasses classes, int maxStates) {
        return new SubsetConstruction(nfa, classes, maxStates).run();
    }

    private RawDfa run() {
        int[] starts = new int[Dfa.CONTEXTS];
        for (int ctx = 0; ctx < Dfa.CONTEXTS; ctx++) {
            starts[ctx] = intern(closure(new int[] {nfa.start()}, ctx, LOOKAHEAD_UNKNOWN), ctx);
            if (starts[ctx] < 0) {
                return null;
            }
        }
        int[] trans = new int[64 * k];
        List<int[][]> accepts = new ArrayList<>();
        for (int d = 0; d < sets.size(); d++) {
            int[] set = sets.get(d);
            int ctx = contexts.get(d);
            int[] onByte = extend(set, ctx, Dfa.LOOKAHEAD_BYTE);
            int[] onNewline = extend(set, ctx, Dfa.LOOKAHEAD_NEWLINE);
            int[] atEnd = extend(set, ctx, Dfa.LOOKAHEAD_END);
            accepts.add(new int[][] {matchIds(onByte), matchIds(onNewline), matchIds(atEnd)});
            if ((d + 1) * k > trans.length) {
                trans = Arrays.copyOf(trans, trans.length * 2);
            }
            for (int c = 0; c < k; c++) {
                boolean newline = classes.representative(c) == '\n';
                int target = intern(step(newline ? onNewline : onByte, c, newline), newline
                        ? Dfa.CONTEXT_NEWLINE : Dfa.CONTEXT_OTHER);
                if (target < 0) {
                    return null;
                }
                trans[d * k + c] = target;
            }
        }
        return new RawDfa(sets.size(), k, classes.map(), Arrays.copyOf(trans, sets.size() * k),
                accepts.toArray(int[][][]::new), starts);
    }

    /** The id of the state (set, context), adding it if new; -1 when that would pass the cap. */
    private int intern(int[] set, int ctx) {
        boolean pending = false;
        for (int s : set) {
            pending |= nfa.kind(s) == Nfa.ASSERT;
        }
        Key key = new Key(set, pending ? ctx : Dfa.CONTEXT_OTHER);
        Integer id = index.get(key);
        if (id != null) {
            return id;
        }
        setEntries += set.length;
        if (sets.size() >= maxStates || setEntries > MAX_SET_ENTRIES || closureSteps > MAX_CLOSURE_STEPS) {
            return -1;
        }
        sets.add(set);
        contexts.add(key.context());
        index.put(key, sets.size() - 1);
        return sets.size() - 1;
    }

    /** The states of {@code set} plus what its pending end anchors reach once the lookahead is known. */
    private int[] extend(int[] set, int ctx, int lookahead) {
        int pending = 0;
        for (int s : set) {
            if (nfa.kind(s) == Nfa.ASSERT) {
                pending++;
            }
        }
        if (pending == 0) {
            return set;
        }
        int[] seeds = new int[pending];
        int n = 0;
        for (int s : set) {
            if (nfa.kind(s) == Nfa.ASSERT) {
                seeds[n++] = s;
            }
        }
        int[] reached = closure(seeds, ctx, lookahead);
        int[] merged = new int[set.length + reached.length];
        System.arraycopy(set, 0, merged, 0, set.length);
        System.arraycopy(reached, 0, merged, set.length, reached.length);
        Arrays.sort(merged);
        int n2 = 0;
        for (int i = 0; i < merged.length; i++) {
            if (nfa.kind(merged[i]) != Nfa.ASSERT && (n2 == 0 || merged[n2 - 1] != merged[i])) {
                merged[n2++] = merged[i];
            }
        }
        return Arrays.copyOf(merged, n2);
    }

    /** Consumes one byte of class {@code c} from every state of {@code set}, then re-adds the start state. */
    private int[] step(int[] set, int c, boolean newline) {
        int[] seeds = new int[set.length + 1];
        int n = 0;
        for (int s : set) {
            if (nfa.kind(s) == Nfa.BYTES && (classMask[s][c >>> 6] >>> (c & 63) & 1L) != 0) {
                seeds[n++] = nfa.next(s);
            }
        }
        seeds[n++] = nfa.start();
        return closure(Arrays.copyOf(seeds, n), newline ? Dfa.CONTEXT_NEWLINE : Dfa.CONTEXT_OTHER,
                LOOKAHEAD_UNKNOWN);
    }

    private int[] matchIds(int[] set) {
        int[] ids = new int[set.length];
        int n = 0;
        for (int s : set) {
            if (nfa.kind(s) == Nfa.MATCH) {
                ids[n++] = nfa.matchId(s);
            }
        }
        Arrays.sort(ids, 0, n);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || ids[m - 1] != ids[i]) {
                ids[m++] = ids[i];
            }
        }
        return Arrays.copyOf(ids, m);
    }

    /**
     * Epsilon closure of {@code seeds}: the sorted byte, match and (when the lookahead is unknown) pending
     * end-anchor states reachable, with begin anchors judged by {@code ctx} and end anchors by {@code lookahead}.
     */
    private int[] closure(int[] seeds, int ctx, int lookahead) {
        if (++stamp == 0) {
            Arrays.fill(mark, 0);
            stamp = 1;
        }
        int top = 0;
        int[] out = new int[16];
        int count = 0;
        for (int s : seeds) {
            if (mark[s] != stamp) {
                mark[s] = stamp;
                stack[top++] = s;
            }
        }
        while (top > 0) {
            int s = stack[--top];
            closureSteps++;
            boolean keep = false;
            switch (nfa.kind(s)) {
                case Nfa.BYTES, Nfa.MATCH -> keep = true;
                case Nfa.SPLIT -> {
                    for (int t : nfa.targets(s)) {
                        top = push(t, top);
                    }
                }
                default -> {
                    Anchor a = nfa.anchor(s);
                    if (a.looksAhead() && lookahead == LOOKAHEAD_UNKNOWN) {
                        keep = true;
                    } else if (holds(a, ctx, lookahead)) {
                        top = push(nfa.next(s), top);
                    }
                }
            }
            if (keep) {
                if (count == out.length) {
                    out = Arrays.copyOf(out, count * 2);
                }
                out[count++] = s;
            }
        }
        int[] result = Arrays.copyOf(out, count);
        Arrays.sort(result);
        return result;
    }

    private int push(int s, int top) {
        if (mark[s] == stamp) {
            return top;
        }
        mark[s] = stamp;
        if (top == stack.length) {
            stack = Arrays.copyOf(stack, top * 2);
        }
        stack[top] = s;
        return top + 1;
    }

    /** Whether anchor {@code a} holds with lookbehind context {@code ctx} and a known lookahead kind. */
    static boolean holds(Anchor a, int ctx, int lookahead) {
        return switch (a) {
            case BEGIN_TEXT -> ctx == Dfa.CONTEXT_START;
            case BEGIN_LINE -> ctx != Dfa.CONTEXT_OTHER;
            case END_TEXT -> lookahead == Dfa.LOOKAHEAD_END;
            case END_LINE -> lookahead != Dfa.LOOKAHEAD_BYTE;
        };
    }
}
