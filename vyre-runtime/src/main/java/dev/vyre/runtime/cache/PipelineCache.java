package dev.vyre.runtime.cache;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compiled pipeline artifacts (PTX text, JIT-compiled cubins) keyed by a BLAKE3 {@link Fingerprint}: an in-memory
 * LRU over an optional disk layer shared by processes (docs/PIPELINE-CACHE.md). Thread-safe. The cache never
 * fails its caller for its own sake: a disk that cannot be read or written is counted in
 * {@link CacheStats#ioFailures()} and logged, and the lookup misses.
 */
public final class PipelineCache {
    private static final System.Logger LOG = System.getLogger("dev.vyre.runtime.cache");
    private static final Map<Path, PipelineCache> SHARED = new ConcurrentHashMap<>();
    private static final Object MEMORY_ONLY = new Object();
    private static volatile PipelineCache sharedMemoryOnly;

    private final MemoryLru memory;
    private final DiskStore disk;
    private final AtomicLong memoryHits = new AtomicLong();
    private final AtomicLong diskHits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong stores = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final AtomicLong ioFailures = new AtomicLong();
    private final AtomicLong jitNanosSaved = new AtomicLong();

    private PipelineCache(MemoryLru memory, DiskStore disk) {
        this.memory = memory;
        this.disk = disk;
    }

    /**
     * A new cache with {@code settings} (its own memory layer). When the directory cannot be created the cache
     * works in memory only and says so in the log.
     *
     * @throws CacheException when {@code settings} disable the cache
     */
    public static PipelineCache open(CacheSettings settings) {
        if (settings == null || !settings.enabled()) {
            throw new CacheException("the pipeline cache is disabled by its settings", "check settings.enabled()"
                    + " before opening, or pass CacheSettings.fromEnvironment()");
        }
        MemoryLru lru = new MemoryLru(settings.memoryEntries(), settings.memoryBytes());
        DiskStore store = null;
        if (settings.directory() != null) {
            try {
                store = DiskStore.open(settings.directory());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "vyre pipeline cache: cannot use directory " + settings.directory() + " ("
                        + e + "); caching in memory only. Fix: make it writable or set " + CacheSettings.PROPERTY_DIR
                        + " / " + CacheSettings.ENV_DIR);
            }
        }
        return new PipelineCache(lru, store);
    }

    /**
     * The process-wide cache for {@code settings}' directory (one memory layer per directory, so every backend of
     * the process shares hits); the first caller's memory bounds apply.
     */
    public static PipelineCache shared(CacheSettings settings) {
        if (settings.directory() == null) {
            PipelineCache c = sharedMemoryOnly;
            if (c == null) {
                synchronized (MEMORY_ONLY) {
                    c = sharedMemoryOnly;
                    if (c == null) {
                        c = open(settings);
                        sharedMemoryOnly = c;
                    }
                }
            }
            return c;
        }
        return SHARED.computeIfAbsent(settings.directory().toAbsolutePath().normalize(), d -> open(settings));
    }

    /** The disk layer's directory, empty for a memory-only cache. */
    public Optional<Path> directory() {
        return Optional.ofNullable(disk).map(DiskStore::directory);
    }

    /** The entry of {@code key} and {@code kind}: from memory, else from disk (then kept in memory), else empty. */
    public Optional<CacheHit> get(Fingerprint key, EntryKind kind) {
        CacheEntry e = memory.get(key, kind);
        if (e != null) {
            memoryHits.incrementAndGet();
            return Optional.of(new CacheHit(e, CacheHit.Layer.MEMORY));
        }
        if (disk != null) {
            try {
                switch (disk.read(key, kind)) {
                    case DiskStore.Read.Found(CacheEntry found) -> {
                        memory.put(found);
                        diskHits.incrementAndGet();
                        return Optional.of(new CacheHit(found, CacheHit.Layer.DISK));
                    }
                    case DiskStore.Read.Corrupt(CorruptEntryException reason) -> {
                        corrupt.incrementAndGet();
                        LOG.log(Level.WARNING, "vyre pipeline cache: removed a corrupt entry, it will be rebuilt: "
                                + reason.problem());
                    }
                    case DiskStore.Read.Missing() -> {
                    }
                }
            } catch (IOException | RuntimeException e2) {
                ioFailure("read " + kind + " " + key, e2);
            }
        }
        misses.incrementAndGet();
        return Optional.empty();
    }

    /** Keeps {@code entry} in memory and writes it to disk (a failed write is counted and logged). */
    public void put(CacheEntry entry) {
        memory.put(entry);
        stores.incrementAndGet();
        if (disk != null) {
            try {
                disk.write(entry);
            } catch (IOException | RuntimeException e) {
                ioFailure("write " + entry.kind() + " " + entry.key(), e);
            }
        }
    }

    /** Forgets the entry of {@code key} and {@code kind} in both layers (e.g. the driver refused a cached cubin). */
    public void remove(Fingerprint key, EntryKind kind) {
        memory.remove(key, kind);
        if (disk != null) {
            try {
                disk.delete(key, kind);
            } catch (IOException | RuntimeException e) {
                ioFailure("remove " + kind + " " + key, e);
            }
        }
    }

    /** Adds {@code nanos} (clamped at 0) to {@link CacheStats#jitNanosSaved()}. */
    public void recordJitSaved(long nanos) {
        jitNanosSaved.addAndGet(Math.max(0, nanos));
    }

    /** The counters so far. */
    public CacheStats stats() {
        return new CacheStats(memoryHits.get(), diskHits.get(), misses.get(), stores.get(), corrupt.get(),
                memory.evictions(), ioFailures.get(), jitNanosSaved.get());
    }

    /** Entries in the memory layer. */
    public int memoryEntries() {
        return memory.size();
    }

    private void ioFailure(String what, Exception e) {
        ioFailures.incrementAndGet();
        LOG.log(Level.WARNING, "vyre pipeline cache: could not " + what + " in " + disk.directory() + ": " + e
                + ". Fix: check the directory's permissions and free space, or set " + CacheSettings.ENV_MODE
                + "=memory");
    }

    @Override
    public String toString() {
        return "PipelineCache(" + (disk == null ? "memory only" : disk.directory()) + ", " + stats() + ")";
    }
}
