package dev.vyre.automata.worklist;

/**
 * Policy output consumed by resident regex and graph-style schedulers.
 *
 * @param mode selected scheduler mode
 * @param worklistDepth worklist depth in state/index pairs (u32)
 * @param stateVisitBudget derived state-visit budget, {@code depth * multiplier} (fits a u32)
 * @param stateVisitCount observed or planned state visits (u64)
 * @param occupancyProxyBps occupancy proxy in basis points, clamped to 10000
 * @param matchParityRequired true: blocking and non-blocking outputs must match
 * @param reportsStateIndexPairs true: benchmark evidence must report state/index-pair work
 */
public record WorklistRecommendation(WorklistMode mode, int worklistDepth, long stateVisitBudget,
        long stateVisitCount, int occupancyProxyBps, boolean matchParityRequired, boolean reportsStateIndexPairs) {
}
