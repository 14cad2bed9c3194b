package dev.vyre.runtime.cache;

/**
 * A lookup that found an entry.
 *
 * @param entry the entry
 * @param layer where it was found
 */
public record CacheHit(CacheEntry entry, Layer layer) {
    /** The cache layer that answered. */
    public enum Layer {
        /** The in-memory LRU. */
        MEMORY,
        /** The disk layer. */
        DISK
    }
}
