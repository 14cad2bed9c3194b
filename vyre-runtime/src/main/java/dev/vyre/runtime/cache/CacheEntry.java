package dev.vyre.runtime.cache;

/**
 * One cached artifact.
 *
 * @param key        the fingerprint it was built for
 * @param kind       what it holds
 * @param buildNanos how long building it took (for a {@link EntryKind#CUBIN}, the PTX JIT): what a hit saves
 * @param payload    the artifact's bytes (the record keeps and returns this array: do not change it)
 */
public record CacheEntry(Fingerprint key, EntryKind kind, long buildNanos, byte[] payload) {
    public CacheEntry {
        if (key == null || kind == null || payload == null || buildNanos < 0) {
            throw new CacheException("cache entry with key " + key + ", kind " + kind + ", build time " + buildNanos
                    + " ns and " + (payload == null ? "no" : "a") + " payload", "pass a key, a kind, a payload and"
                    + " a build time >= 0");
        }
    }
}
