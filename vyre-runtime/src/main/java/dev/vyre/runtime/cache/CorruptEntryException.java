package dev.vyre.runtime.cache;

/**
 * A cache entry whose bytes fail a check of {@link EntryCodec#decode}: wrong magic or version, another key or kind,
 * a length that disagrees with the bytes, or a checksum mismatch. The cache never loads such an entry: it removes it
 * and rebuilds.
 */
public final class CorruptEntryException extends CacheException {
    private static final long serialVersionUID = 1L;

    public CorruptEntryException(String problem) {
        super(problem, "nothing to do: the cache removes the entry and rebuilds it; if it happens often, check the"
                + " disk holding the cache directory");
    }
}
