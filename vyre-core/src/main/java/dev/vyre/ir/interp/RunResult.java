package dev.vyre.ir.interp;

import java.util.List;

/**
 * What a run reported besides its buffer writes.
 *
 * @param steps              node and expression evaluations used
 * @param outOfBoundsLoads   loads that read 0 because the index was out of range
 * @param outOfBoundsStores  stores (and atomics) dropped because the index was out of range
 * @param indirectDispatches follow-up grids requested by IndirectDispatch nodes, in execution order
 */
public record RunResult(long steps, long outOfBoundsLoads, long outOfBoundsStores, List<Dispatch> indirectDispatches) {
    public RunResult {
        indirectDispatches = List.copyOf(indirectDispatches);
    }
}
