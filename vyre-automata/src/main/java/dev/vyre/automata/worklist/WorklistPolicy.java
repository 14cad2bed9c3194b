package dev.vyre.automata.worklist;

import dev.vyre.automata.AutomataException;

/**
 * Policy for selecting blocking versus non-blocking automata traversal (AUTOMATA.md). Thresholds are u32 values
 * held in ints and compared unsigned ({@code lowOccupancyThresholdBps} is a u16).
 *
 * @param nonblockingDepthThreshold worklist depth at or above which non-blocking traversal is preferred
 * @param spillDepthThreshold worklist depth above which the request should spill or shard first
 * @param stateVisitBudgetMultiplier multiplier applied to depth to derive a state-visit budget
 * @param lowOccupancyThresholdBps occupancy below this value prefers non-blocking traversal
 */
public record WorklistPolicy(int nonblockingDepthThreshold, int spillDepthThreshold, int stateVisitBudgetMultiplier,
        int lowOccupancyThresholdBps) {
    /** Occupancy is reported clamped to this many basis points. */
    public static final int MAX_OCCUPANCY_BPS = 10_000;

    public WorklistPolicy {
        if (lowOccupancyThresholdBps < 0 || lowOccupancyThresholdBps > WorklistRequest.U16_MAX) {
            throw new AutomataException("worklist policy: low-occupancy threshold "
                    + lowOccupancyThresholdBps + " bps does not fit a u16", "pass 0..65535");
        }
    }

    /** The standard policy: 64, 1,048,576, 8 and 5,000 bps. */
    public static WorklistPolicy standard() {
        return new WorklistPolicy(64, 1_048_576, 8, 5_000);
    }

    /**
     * Recommends a scheduler mode. The budget {@code depth * multiplier} is computed first, in u32; then, in
     * order: depth 0 is {@link WorklistMode#EMPTY}; depth above the spill threshold is
     * {@link WorklistMode#SPILL_REQUIRED}; depth at or above the non-blocking threshold, or occupancy below the
     * low-occupancy threshold, is {@link WorklistMode#NON_BLOCKING}; anything else is {@link WorklistMode#BLOCKING}.
     *
     * @throws WorklistBudgetException when the budget overflows u32
     */
    public WorklistRecommendation recommend(WorklistRequest request) {
        long budget = Integer.toUnsignedLong(request.worklistDepth())
                * Integer.toUnsignedLong(stateVisitBudgetMultiplier);
        if (budget > 0xFFFF_FFFFL) {
            throw new WorklistBudgetException(request.worklistDepth(), stateVisitBudgetMultiplier);
        }
        int depth = request.worklistDepth();
        WorklistMode mode;
        if (depth == 0) {
            mode = WorklistMode.EMPTY;
        } else if (Integer.compareUnsigned(depth, spillDepthThreshold) > 0) {
            mode = WorklistMode.SPILL_REQUIRED;
        } else if (Integer.compareUnsigned(depth, nonblockingDepthThreshold) >= 0
                || request.occupancyProxyBps() < lowOccupancyThresholdBps) {
            mode = WorklistMode.NON_BLOCKING;
        } else {
            mode = WorklistMode.BLOCKING;
        }
        return new WorklistRecommendation(mode, depth, budget, request.stateVisitCount(),
                Math.min(request.occupancyProxyBps(), MAX_OCCUPANCY_BPS), true, true);
    }

    /**
     * Recommends a scheduler mode and emits the benchmark evidence: the recommendation's mode, depth, visit count,
     * clamped occupancy and flags, and the request's two active times.
     *
     * @throws WorklistBudgetException when the budget overflows u32
     */
    public WorklistDecision recommendWithEvidence(WorklistRequest request) {
        WorklistRecommendation r = recommend(request);
        WorklistEvidence e = new WorklistEvidence(WorklistEvidence.SCHEMA_VERSION, r.mode(), r.worklistDepth(),
                r.stateVisitCount(), r.occupancyProxyBps(), request.blockingActiveTimeNs(),
                request.nonblockingActiveTimeNs(), r.matchParityRequired(), r.reportsStateIndexPairs());
        return new WorklistDecision(r, e);
    }
}
