package dev.vyre.runtime.vm;

import java.util.Map;
import java.util.TreeMap;

/**
 * First-fit allocation of word ranges in the image heap (one shared segment), with coalescing frees, so that
 * evicted images' memory is reused by later registrations.
 */
final class ImageHeap {
    private final TreeMap<Long, Long> free = new TreeMap<>();

    ImageHeap(long words) {
        free.put(0L, words);
    }

    /** The word offset of {@code words} free words, or -1 when no free range is large enough. */
    synchronized long allocate(long words) {
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            if (e.getValue() >= words) {
                long at = e.getKey();
                free.remove(at);
                if (e.getValue() > words) {
                    free.put(at + words, e.getValue() - words);
                }
                return at;
            }
        }
        return -1;
    }

    synchronized void release(long at, long words) {
        long start = at;
        long length = words;
        Map.Entry<Long, Long> before = free.floorEntry(at);
        if (before != null && before.getKey() + before.getValue() == at) {
            start = before.getKey();
            length += before.getValue();
            free.remove(before.getKey());
        }
        Long after = free.get(at + words);
        if (after != null) {
            free.remove(at + words);
            length += after;
        }
        free.put(start, length);
    }

    /** Free words in total. */
    synchronized long freeWords() {
        return free.values().stream().mapToLong(Long::longValue).sum();
    }
}
