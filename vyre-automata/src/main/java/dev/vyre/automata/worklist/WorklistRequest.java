package dev.vyre.automata.worklist;

import dev.vyre.automata.AutomataException;

/**
 * Inputs of the worklist policy. Integer widths follow AUTOMATA.md: {@code worklistDepth} is a u32 (held in an
 * int, compared unsigned), {@code stateVisitCount} and the active times are u64 (held in longs, carried
 * verbatim), {@code occupancyProxyBps} is a u16 ({@code 0..65535}).
 *
 * @param worklistDepth current worklist depth in state/index pairs
 * @param stateVisitCount state visits measured or planned for this corpus slice
 * @param occupancyProxyBps active-lane or occupancy proxy in basis points
 * @param blockingActiveTimeNs blocking DFA/NFA active time for the same corpus slice
 * @param nonblockingActiveTimeNs non-blocking worklist active time for the same corpus slice
 */
public record WorklistRequest(int worklistDepth, long stateVisitCount, int occupancyProxyBps,
        long blockingActiveTimeNs, long nonblockingActiveTimeNs) {
    /** The largest u16. */
    public static final int U16_MAX = 0xFFFF;

    public WorklistRequest {
        if (occupancyProxyBps < 0 || occupancyProxyBps > U16_MAX) {
            throw new AutomataException("worklist request: occupancy proxy " + occupancyProxyBps
                    + " bps does not fit a u16", "pass 0..65535 (the policy clamps to 10000)");
        }
    }

    /** An empty worklist request (all zero). */
    public static WorklistRequest empty() {
        return new WorklistRequest(0, 0, 0, 0, 0);
    }
}
