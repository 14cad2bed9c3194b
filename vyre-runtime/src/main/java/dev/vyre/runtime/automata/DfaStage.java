package dev.vyre.runtime.automata;

import dev.vyre.automata.scan.DfaEngine;
import java.util.List;

/**
 * The DFA stage of a {@link FilteredScanner} (docs/SCAN.md "Filtered scan"): the DFAs of the patterns without a
 * long factor, run over a whole batch (the resident DFA kernel on CUDA, {@link CpuDfaStage} as its CPU model). A
 * batch's pieces are cut into segments; for every segment the stage returns the exact state it starts from (USED),
 * its state after it (LAST) and COUNT: the accept ids reported before each of its bytes (the accept list of the
 * state before the byte, lookahead byte or newline) plus, when the segment ends its piece, the END accepts of its
 * final state. A segment with COUNT 0 holds no match of the DFA, so the host re-runs only the segments that count
 * some, from USED, and reports their matches exactly.
 */
public interface DfaStage extends AutoCloseable {
    /** Start state value for a piece that begins its file (the DFA's start state for offset 0). */
    int FRESH = -1;

    /** One DFA's segments of one batch: piece index, batch offsets, USED, LAST and COUNT per segment. */
    record Segments(int[] piece, long[] start, long[] end, int[] used, int[] last, long[] count) {
    }

    /** The DFA engines this stage runs (in the order of {@link #run}'s results). */
    List<DfaEngine> engines();

    /**
     * Runs every engine over slot {@code slot}'s batch (the {@link BatchFilter}'s staging, already submitted):
     * pieces {@code [pieceStart[i], pieceEnd[i])} in batch offsets; {@code startStates[e][i]} is engine e's true
     * state at piece i's start, or {@link #FRESH} for a piece at the start of its file.
     */
    List<Segments> run(int slot, long[] pieceStart, long[] pieceEnd, int[][] startStates);

    /** Nanoseconds the stage ran (the kernel passes and their small copies on CUDA), summed. */
    long nanos();

    /** Bytes stepped, summed (batch bytes once per engine and batch). */
    long bytes();

    /**
     * What the stage did since the last {@link #resetDetails} (for reports: on CUDA segments, passes, re-run
     * segments, kernel and wait seconds); empty where there is nothing more to say.
     */
    default java.util.Map<String, Object> details() {
        return java.util.Map.of();
    }

    /** Starts the counts of {@link #details} afresh (a bench calls it before each timed run). */
    default void resetDetails() {
    }

    @Override
    void close();

    /** Segments of a batch, as parallel arrays: piece index, start and end (batch offsets). */
    record Plan(int[] piece, long[] start, long[] end) {
        /** Segments. */
        public int size() {
            return piece.length;
        }

        /** Whether segment {@code i} is the first of its piece. */
        public boolean firstOfPiece(int i) {
            return i == 0 || piece[i - 1] != piece[i];
        }
    }

    /** Cuts the pieces into segments of at most {@code segmentBytes}, in order. */
    static Plan plan(long[] pieceStart, long[] pieceEnd, long segmentBytes) {
        int n = 0;
        for (int p = 0; p < pieceStart.length; p++) {
            n += (int) ((pieceEnd[p] - pieceStart[p] + segmentBytes - 1) / segmentBytes);
        }
        int[] piece = new int[n];
        long[] start = new long[n];
        long[] end = new long[n];
        int i = 0;
        for (int p = 0; p < pieceStart.length; p++) {
            for (long s = pieceStart[p]; s < pieceEnd[p]; s += segmentBytes) {
                piece[i] = p;
                start[i] = s;
                end[i] = Math.min(pieceEnd[p], s + segmentBytes);
                i++;
            }
        }
        return new Plan(piece, start, end);
    }
}
