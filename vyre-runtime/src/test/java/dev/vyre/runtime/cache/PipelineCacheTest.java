package dev.vyre.runtime.cache;

import static dev.vyre.runtime.cache.CacheFixtures.entry;
import static dev.vyre.runtime.cache.CacheFixtures.key;
import static dev.vyre.runtime.cache.CacheFixtures.payload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hits, misses, layers and the LRU of {@link PipelineCache}. */
class PipelineCacheTest {
    @TempDir
    Path dir;

    @Test
    void missThenMemoryHitThenDiskHitInAFreshCache() {
        PipelineCache cache = PipelineCache.open(CacheSettings.at(dir));
        Fingerprint k = key("a");
        assertTrue(cache.get(k, EntryKind.CUBIN).isEmpty());
        cache.put(entry(k, EntryKind.CUBIN));
        CacheHit hit = cache.get(k, EntryKind.CUBIN).orElseThrow();
        assertEquals(CacheHit.Layer.MEMORY, hit.layer());
        assertArrayEquals(payload(k), hit.entry().payload());
        assertTrue(cache.get(k, EntryKind.PTX).isEmpty(), "another kind of the same key is another entry");
        assertEquals(new CacheStats(1, 0, 2, 1, 0, 0, 0, 0), cache.stats());
        assertTrue(Files.isRegularFile(dir.resolve(k.hex() + ".cubin")));

        PipelineCache fresh = PipelineCache.open(CacheSettings.at(dir));
        CacheHit fromDisk = fresh.get(k, EntryKind.CUBIN).orElseThrow();
        assertEquals(CacheHit.Layer.DISK, fromDisk.layer());
        assertEquals(entry(k, EntryKind.CUBIN).buildNanos(), fromDisk.entry().buildNanos());
        assertArrayEquals(payload(k), fromDisk.entry().payload());
        assertEquals(CacheHit.Layer.MEMORY, fresh.get(k, EntryKind.CUBIN).orElseThrow().layer(),
                "a disk hit is kept in memory");
        assertEquals(1, fresh.stats().diskHits());
        assertEquals(1, fresh.stats().memoryHits());
    }

    @Test
    void removeForgetsBothLayers() {
        PipelineCache cache = PipelineCache.open(CacheSettings.at(dir));
        Fingerprint k = key("r");
        cache.put(entry(k, EntryKind.PTX));
        cache.remove(k, EntryKind.PTX);
        assertTrue(cache.get(k, EntryKind.PTX).isEmpty());
        assertFalse(Files.exists(dir.resolve(k.hex() + ".ptx")));
    }

    @Test
    void memoryOnlyCacheWritesNoFiles() throws Exception {
        PipelineCache cache = PipelineCache.open(CacheSettings.memoryOnly());
        cache.put(entry(key("m"), EntryKind.PTX));
        assertTrue(cache.get(key("m"), EntryKind.PTX).isPresent());
        assertTrue(cache.directory().isEmpty());
        assertThrows(CacheException.class, () -> PipelineCache.open(CacheSettings.disabled()));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void lruEvictsTheLeastRecentlyUsedEntryByCount() {
        PipelineCache cache = PipelineCache.open(CacheSettings.memoryOnly().withMemory(3, 1L << 30));
        List<Fingerprint> keys = List.of(key("0"), key("1"), key("2"), key("3"));
        for (int i = 0; i < 3; i++) {
            cache.put(entry(keys.get(i), EntryKind.PTX));
        }
        assertTrue(cache.get(keys.get(0), EntryKind.PTX).isPresent(), "touch 0: 1 is now the eldest");
        cache.put(entry(keys.get(3), EntryKind.PTX));
        assertEquals(1, cache.stats().evictions());
        assertTrue(cache.get(keys.get(1), EntryKind.PTX).isEmpty(), "1 was evicted");
        for (int i : new int[] {0, 2, 3}) {
            assertTrue(cache.get(keys.get(i), EntryKind.PTX).isPresent(), "entry " + i);
        }
        assertEquals(3, cache.memoryEntries());
    }

    @Test
    void lruEvictsByBytesAndKeepsNothingLargerThanItsBound() {
        MemoryLru lru = new MemoryLru(100, 10);
        Fingerprint a = key("a");
        Fingerprint b = key("b");
        Fingerprint c = key("c");
        lru.put(new CacheEntry(a, EntryKind.PTX, 0, new byte[4]));
        lru.put(new CacheEntry(b, EntryKind.PTX, 0, new byte[4]));
        assertEquals(8, lru.bytes());
        lru.put(new CacheEntry(c, EntryKind.PTX, 0, new byte[4]));
        assertEquals(8, lru.bytes(), "a went to make room");
        assertEquals(null, lru.get(a, EntryKind.PTX));
        lru.put(new CacheEntry(a, EntryKind.PTX, 0, new byte[11]));
        assertEquals(null, lru.get(a, EntryKind.PTX), "an entry above the byte bound is not kept");
        lru.put(new CacheEntry(b, EntryKind.PTX, 0, new byte[2]));
        assertEquals(6, lru.bytes(), "replacing an entry replaces its bytes");
        assertEquals(2, lru.size());
    }

    @Test
    void unusableDirectoryFallsBackToMemory() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        PipelineCache cache = PipelineCache.open(CacheSettings.at(file.resolve("sub")));
        assertTrue(cache.directory().isEmpty());
        cache.put(entry(key("x"), EntryKind.PTX));
        assertTrue(cache.get(key("x"), EntryKind.PTX).isPresent());
    }

    @Test
    void sharedCacheIsOnePerDirectory() {
        PipelineCache a = PipelineCache.shared(CacheSettings.at(dir));
        PipelineCache b = PipelineCache.shared(CacheSettings.at(dir.resolve(".").resolve("x").resolve("..")));
        assertTrue(a == b, "the same directory spelled differently gives the same cache");
    }
}
