package dev.vyre.runtime.cache;

/**
 * Counters of one {@link PipelineCache} since it was opened.
 *
 * @param memoryHits     lookups answered by the in-memory LRU
 * @param diskHits       lookups answered by the disk layer (the entry is then kept in memory too)
 * @param misses         lookups that found nothing usable
 * @param stores         entries put
 * @param corruptRemoved disk entries that failed their checks and were removed (each also counts as a miss)
 * @param evictions      entries the LRU dropped for its bounds
 * @param ioFailures     disk reads or writes that failed (the cache goes on in memory)
 * @param jitNanosSaved  JIT time that hits avoided: for every module loaded from a cached cubin, the JIT time
 *                       recorded when it was built minus the time the load took (never negative)
 */
public record CacheStats(long memoryHits, long diskHits, long misses, long stores, long corruptRemoved,
                         long evictions, long ioFailures, long jitNanosSaved) {
    /** All lookups that found an entry. */
    public long hits() {
        return memoryHits + diskHits;
    }
}
