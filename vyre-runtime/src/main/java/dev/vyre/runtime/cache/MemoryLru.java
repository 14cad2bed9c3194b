package dev.vyre.runtime.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The in-memory layer: least recently used entries go first once either bound (entries, payload bytes) is passed.
 * An entry larger than the byte bound is not kept. Thread-safe (one lock; entries are few and lookups rare).
 */
final class MemoryLru {
    record Slot(Fingerprint key, EntryKind kind) {
    }

    private final int maxEntries;
    private final long maxBytes;
    private final LinkedHashMap<Slot, CacheEntry> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long evictions;

    MemoryLru(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    synchronized CacheEntry get(Fingerprint key, EntryKind kind) {
        return map.get(new Slot(key, kind));
    }

    synchronized void put(CacheEntry e) {
        remove(e.key(), e.kind());
        if (e.payload().length > maxBytes) {
            return;
        }
        map.put(new Slot(e.key(), e.kind()), e);
        bytes += e.payload().length;
        Iterator<Map.Entry<Slot, CacheEntry>> it = map.entrySet().iterator();
        while (map.size() > maxEntries || bytes > maxBytes) {
            CacheEntry eldest = it.next().getValue();
            it.remove();
            bytes -= eldest.payload().length;
            evictions++;
        }
    }

    synchronized void remove(Fingerprint key, EntryKind kind) {
        CacheEntry old = map.remove(new Slot(key, kind));
        if (old != null) {
            bytes -= old.payload().length;
        }
    }

    synchronized int size() {
        return map.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long evictions() {
        return evictions;
    }
}
