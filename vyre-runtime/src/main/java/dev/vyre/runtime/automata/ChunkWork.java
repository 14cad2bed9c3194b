package dev.vyre.runtime.automata;

import dev.vyre.automata.dfa.Dfa;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One chunk of one stream cut into lanes per DFA (docs/SCAN.md "Lanes"). Lane 0 starts from the true state carried
 * from the previous chunk; lane j > 0 guesses its start with a QUIET warm-up over the bytes before it, runs from
 * the guess, and is re-run from its true start (known once lane j-1 is resolved) when the guess was wrong. Every
 * published slot is a step whose TAG is its index in {@link #steps}.
 */
final class ChunkWork {
    /** One lane of one DFA. */
    static final class Lane {
        final int start;
        final int end;
        final int warmFrom;
        /**
         * Non-blocking: bytes one DFA_STEP of this lane's jobs advances (its budget) before the continuation is
         * requeued, and the checkpoint interval; 0 in blocking mode (one slot per job).
         */
        final int quantum;
        int warmState = -1;
        boolean specDone;
        int specFinal;
        /** Non-blocking: the guessed run's state at span byte {@code k * quantum}, or -1. */
        int[] checkpoints;
        int trueStart = -1;
        boolean started;
        long converged;
        int trueFinal;

        Lane(int start, int end, int warmFrom, int quantum) {
            this.start = start;
            this.end = end;
            this.warmFrom = warmFrom;
            this.quantum = quantum;
        }

        /** Whether the lane's guessed start state turned out wrong (it needed a fix-up). */
        boolean guessedWrong() {
            return warmState >= 0 && trueStart >= 0 && warmState != trueStart;
        }
    }

    /** A published slot: its job and its argument words as published. */
    record Step(LaneJob job, int[] args) {
    }

    final StreamWork stream;
    final MemorySegment data;
    final int length;
    /** Absolute stream offset of the chunk's first byte. */
    final long base;
    final boolean nonBlocking;
    final Runnable releaseSource;
    final Lane[][] lanes;
    final List<Step> steps = new ArrayList<>();
    final List<Step> dropped = new ArrayList<>();
    final List<Integer> droppedCounts = new ArrayList<>();
    final int[] finals;
    int inputId = -1;
    int bufferId = -1;
    MatchBuffer buffer;
    int inFlight;
    int unresolved;
    long visits;
    long fixups;
    long startedNanos;
    boolean released;
    /** The host engines' feed of this chunk (its bytes stay registered until it is done); null without one. */
    java.util.concurrent.CompletableFuture<Void> hostDone;

    /**
     * @param stream        the stream, or null for a calibration run
     * @param releaseSource gives the chunk's buffer back (null: a calibration run shares another chunk's buffer)
     */
    ChunkWork(StreamWork stream, MemorySegment data, long base, boolean nonBlocking, Runnable releaseSource,
            List<Dfa> dfas, long[] warmups, RingScanOptions options) {
        this.stream = stream;
        this.data = data;
        this.length = (int) data.byteSize();
        this.base = base;
        this.nonBlocking = nonBlocking;
        this.releaseSource = releaseSource;
        this.lanes = new Lane[dfas.size()][];
        this.finals = new int[dfas.size()];
        this.unresolved = dfas.size();
        for (int e = 0; e < dfas.size(); e++) {
            lanes[e] = cut(warmups[e], options);
        }
    }

    /** Lanes of at least max(minLaneBytes, warm-up + 1) bytes, so each warm-up fits in the chunk. */
    private Lane[] cut(long warmup, RingScanOptions options) {
        long minLane = Math.max(options.minLaneBytes(), warmup + 1);
        int count = (int) Math.max(1, Math.min(options.lanes(), length / minLane));
        Lane[] ls = new Lane[count];
        for (int j = 0; j < count; j++) {
            int start = (int) ((long) length * j / count);
            int end = (int) ((long) length * (j + 1) / count);
            ls[j] = new Lane(start, end, j == 0 ? 0 : (int) (start - warmup),
                    nonBlocking ? budget(end - start, options) : 0);
            if (nonBlocking) {
                ls[j].checkpoints = new int[(end - start) / ls[j].quantum + 1];
                Arrays.fill(ls[j].checkpoints, -1);
            }
        }
        return ls;
    }

    /**
     * The non-blocking budget of a lane of {@code laneBytes}: at most {@code options.quantum()}, and small enough
     * that the lane takes the policy's {@code stateVisitBudgetMultiplier} (8) budgeted continuations, so a worklist
     * of {@code depth} pairs spends about the recommendation's state-visit budget {@code depth x multiplier} of pair
     * visits (docs/SCAN.md, "Blocking and non-blocking mode").
     */
    static int budget(int laneBytes, RingScanOptions options) {
        int m = Math.max(1, options.policy().stateVisitBudgetMultiplier());
        int perVisit = (int) Math.max(1, ((long) laneBytes + m - 1) / m);
        return Math.min(options.quantum(), perVisit);
    }

    /**
     * The active-lane occupancy proxy of this chunk's blocking schedule, in basis points, with one executor per
     * lane and bytes as time: lane-bytes stepped (warm-ups, guessed and true runs, whole-lane fix-ups) over lanes x
     * the critical path, where lane j resolves once its guessed run and lane j-1 are done, plus a whole-lane fix-up
     * after that when its guess was wrong (so fix-ups chain in lane order). Right guesses give about 10,000; each
     * wrong guess lengthens the chain and lowers it. A property of the chunk's bytes, not of timing noise; valid once
     * every lane is resolved.
     */
    int blockingOccupancyBps() {
        long active = 0;
        long laneCount = 0;
        long makespan = 1;
        for (Lane[] ls : lanes) {
            long resolvedAt = 0;
            for (int j = 0; j < ls.length; j++) {
                Lane l = ls[j];
                long len = l.end - l.start;
                long warm = l.start - l.warmFrom;
                active += warm + len;
                long at = Math.max(resolvedAt, warm + len);
                if (l.guessedWrong()) {
                    at += len;
                    active += len;
                }
                resolvedAt = at;
            }
            laneCount += ls.length;
            makespan = Math.max(makespan, resolvedAt);
        }
        return (int) Math.min(10_000, active * 10_000 / Math.max(1, laneCount * makespan));
    }

    /** The guessed start state of lane {@code j} > 0: a fresh start with the context of the byte before. */
    int guess(Dfa dfa, int engine, int j) {
        int from = lanes[engine][j].warmFrom;
        byte prev = data.get(ValueLayout.JAVA_BYTE, from - 1);
        return dfa.startState(Dfa.contextAt(base + from, prev));
    }

    /** Whether a record of {@code job} ending at {@code end} belongs to the result (see docs/SCAN.md). */
    boolean keeps(LaneJob job, long end) {
        Lane lane = lanes[job.engine][job.lane];
        return switch (job.kind) {
            case TRUE -> true;
            case SPEC -> end >= lane.converged;
            case FIX -> end < lane.converged;
            case WARM -> false;
        };
    }

    /** Lanes over all DFAs: the state/index pairs the chunk's worklist starts with. */
    int depth() {
        int d = 0;
        for (Lane[] l : lanes) {
            d += l.length;
        }
        return d;
    }
}
