package dev.vyre.automata.worklist;

/**
 * Benchmark evidence for blocking versus non-blocking automata worklists, schema version
 * {@link #SCHEMA_VERSION}.
 *
 * @param schemaVersion evidence schema version
 * @param selectedMode selected scheduler mode
 * @param worklistDepth worklist depth in state/index pairs (u32)
 * @param stateVisitCount state visits reported by the benchmark (u64)
 * @param occupancyProxyBps occupancy proxy in basis points
 * @param blockingActiveTimeNs blocking DFA/NFA active time for the same corpus slice
 * @param nonblockingActiveTimeNs non-blocking worklist active time for the same corpus slice
 * @param matchParityRequired true when benchmark outputs must prove match parity
 * @param reportsStateIndexPairs true when evidence reports state/index-pair work instead of opaque jobs
 */
public record WorklistEvidence(int schemaVersion, WorklistMode selectedMode, int worklistDepth,
        long stateVisitCount, int occupancyProxyBps, long blockingActiveTimeNs, long nonblockingActiveTimeNs,
        boolean matchParityRequired, boolean reportsStateIndexPairs) {
    /** Schema version for automata worklist benchmark evidence. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * Whether the evidence holds the required benchmark fields: the schema version matches, occupancy is at most
     * 10000, both flags are true, and the depth is non-zero unless the mode is {@link WorklistMode#EMPTY}.
     */
    public boolean isComplete() {
        return schemaVersion == SCHEMA_VERSION
                && occupancyProxyBps <= WorklistPolicy.MAX_OCCUPANCY_BPS
                && matchParityRequired
                && reportsStateIndexPairs
                && (selectedMode == WorklistMode.EMPTY || worklistDepth != 0);
    }

    /** One JSON object with snake_case keys; u32/u64 fields are written unsigned, the mode as its label. */
    public String toJson() {
        return "{\"schema_version\":" + Integer.toUnsignedString(schemaVersion)
                + ",\"selected_mode\":\"" + selectedMode.label() + "\""
                + ",\"worklist_depth\":" + Integer.toUnsignedString(worklistDepth)
                + ",\"state_visit_count\":" + Long.toUnsignedString(stateVisitCount)
                + ",\"occupancy_proxy_bps\":" + occupancyProxyBps
                + ",\"blocking_active_time_ns\":" + Long.toUnsignedString(blockingActiveTimeNs)
                + ",\"nonblocking_active_time_ns\":" + Long.toUnsignedString(nonblockingActiveTimeNs)
                + ",\"match_parity_required\":" + matchParityRequired
                + ",\"reports_state_index_pairs\":" + reportsStateIndexPairs + "}";
    }
}
