package dev.vyre.automata.nfa;

import dev.vyre.automata.regex.Anchor;
import dev.vyre.automata.regex.ByteSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A Thompson NFA over bytes for a whole pattern set, held in flat arrays. A state is one of:
 * {@link #BYTES} (consume one byte of {@link #set(int)}, go to {@link #next(int)}), {@link #SPLIT} (epsilon to
 * every {@link #targets(int)}), {@link #ASSERT} (epsilon to {@link #next(int)} when {@link #anchor(int)} holds)
 * and {@link #MATCH} (the pattern(s) with id {@link #matchId(int)} match here; one such state per distinct id).
 * {@link #start()} is a split to every pattern's first state.
 */
public final class Nfa {
    /** Consumes one byte of a set. */
    public static final int BYTES = 0;
    /** Epsilon edges to several states. */
    public static final int SPLIT = 1;
    /** An epsilon edge guarded by an anchor. */
    public static final int ASSERT = 2;
    /** Accepts for one pattern id. */
    public static final int MATCH = 3;

    private final int[] kind;
    private final int[] next;
    private final int[] arg;
    private final int[][] targets;
    private final ByteSet[] sets;
    private final int start;
    private final boolean lineAnchors;

    Nfa(int[] kind, int[] next, int[] arg, int[][] targets, ByteSet[] sets, int start) {
        this.kind = kind;
        this.next = next;
        this.arg = arg;
        this.targets = targets;
        this.sets = sets;
        this.start = start;
        boolean line = false;
        for (int s = 0; s < kind.length; s++) {
            if (kind[s] == ASSERT && (arg[s] == Anchor.BEGIN_LINE.ordinal() || arg[s] == Anchor.END_LINE.ordinal())) {
                line = true;
            }
        }
        this.lineAnchors = line;
    }

    /** Number of states. */
    public int size() {
        return kind.length;
    }

    /** The start state (a split to every pattern). */
    public int start() {
        return start;
    }

    /** The kind of state {@code s}: {@link #BYTES}, {@link #SPLIT}, {@link #ASSERT} or {@link #MATCH}. */
    public int kind(int s) {
        return kind[s];
    }

    /** The successor of a {@link #BYTES} or {@link #ASSERT} state. */
    public int next(int s) {
        return next[s];
    }

    /** The byte set of a {@link #BYTES} state. */
    public ByteSet set(int s) {
        return sets[arg[s]];
    }

    /** The anchor of an {@link #ASSERT} state. */
    public Anchor anchor(int s) {
        return Anchor.values()[arg[s]];
    }

    /** The pattern id of a {@link #MATCH} state. */
    public int matchId(int s) {
        return arg[s];
    }

    /** The epsilon targets of a {@link #SPLIT} state (do not modify). */
    public int[] targets(int s) {
        return targets[s];
    }

    /** Whether any state asserts a line anchor (so the byte {@code \n} needs a class of its own). */
    public boolean hasLineAnchors() {
        return lineAnchors;
    }

    /** The distinct byte sets used by {@link #BYTES} states. */
    public List<ByteSet> byteSets() {
        return new ArrayList<>(List.of(sets));
    }
}
