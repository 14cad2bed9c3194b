package dev.vyre.runtime.cache;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads a compiled module through a {@link PipelineCache}: a cached cubin is loaded directly (no PTX JIT); otherwise
 * the PTX (itself cached) is JIT-compiled to a cubin, which is loaded and cached with its JIT time. A cached cubin
 * the driver refuses is removed and rebuilt. Each load logs one line (logger {@code dev.vyre.runtime.cache}, level
 * INFO) saying which path it took and, for a hit, the JIT time it saved, which also goes to
 * {@link CacheStats#jitNanosSaved()}.
 *
 * @param <M> the loaded module type
 */
public final class CachedCompiler<M> {
    private static final System.Logger LOG = System.getLogger("dev.vyre.runtime.cache");

    /** The driver operations the loader needs. */
    public interface Jit<M> {
        /** JIT-compiles {@code ptx} to a cubin (measured). */
        Compiled compile(String ptx);

        /** Loads a cubin without JIT. */
        M load(byte[] cubin);
    }

    /**
     * A JIT result.
     *
     * @param cubin    the compiled image
     * @param jitNanos how long the JIT took
     */
    public record Compiled(byte[] cubin, long jitNanos) {
    }

    /** How a module was obtained. */
    public enum Source {
        /** Cubin from the in-memory layer. */
        MEMORY,
        /** Cubin from the disk layer. */
        DISK,
        /** JIT-compiled now (a miss, or a cached cubin the driver refused). */
        JIT
    }

    /**
     * A loaded module and what it cost.
     *
     * @param module     the module
     * @param ptx        its PTX text
     * @param key        the cache key
     * @param source     where the cubin came from
     * @param jitNanos   the JIT time: measured now for {@link Source#JIT}, recorded at build time for a hit
     * @param loadNanos  time to load the cubin
     * @param savedNanos JIT time the hit avoided ({@code jitNanos - loadNanos}, at least 0; 0 for a JIT)
     */
    public record Loaded<M>(M module, String ptx, Fingerprint key, Source source, long jitNanos, long loadNanos,
                            long savedNanos) {
    }

    private final PipelineCache cache;
    private final String what;

    /** A loader over {@code cache}; {@code what} names the module in log lines (e.g. "megakernel"). */
    public CachedCompiler(PipelineCache cache, String what) {
        this.cache = cache;
        this.what = what;
    }

    /** Loads the module of {@code key}; {@code ptx} generates its PTX on a PTX miss. */
    public Loaded<M> load(Fingerprint key, Supplier<String> ptx, Jit<M> jit) {
        Optional<CacheHit> hit = cache.get(key, EntryKind.CUBIN);
        if (hit.isPresent()) {
            CacheEntry e = hit.get().entry();
            long start = System.nanoTime();
            try {
                M module = jit.load(e.payload());
                long load = System.nanoTime() - start;
                long saved = Math.max(0, e.buildNanos() - load);
                cache.recordJitSaved(saved);
                Source source = hit.get().layer() == CacheHit.Layer.MEMORY ? Source.MEMORY : Source.DISK;
                LOG.log(Level.INFO, () -> "vyre pipeline cache: " + what + " module " + key + " cubin hit ("
                        + source.name().toLowerCase(java.util.Locale.ROOT) + "), loaded in " + millis(load)
                        + ", JIT of " + millis(e.buildNanos()) + " skipped, saved " + millis(saved));
                return new Loaded<>(module, ptxText(key, ptx), key, source, e.buildNanos(), load, saved);
            } catch (RuntimeException refused) {
                cache.remove(key, EntryKind.CUBIN);
                LOG.log(Level.WARNING, "vyre pipeline cache: the driver refused the cached cubin of " + what
                        + " module " + key + " (" + refused.getMessage() + "); removed it, compiling again");
            }
        }
        String text = ptxText(key, ptx);
        Compiled c = jit.compile(text);
        long start = System.nanoTime();
        M module = jit.load(c.cubin());
        long load = System.nanoTime() - start;
        cache.put(new CacheEntry(key, EntryKind.CUBIN, c.jitNanos(), c.cubin()));
        LOG.log(Level.INFO, () -> "vyre pipeline cache: " + what + " module " + key + " miss, JIT took "
                + millis(c.jitNanos()) + ", cubin of " + c.cubin().length + " bytes cached");
        return new Loaded<>(module, text, key, Source.JIT, c.jitNanos(), load, 0);
    }

    /** The PTX of {@code key}: cached, or generated and cached. */
    private String ptxText(Fingerprint key, Supplier<String> ptx) {
        Optional<CacheHit> hit = cache.get(key, EntryKind.PTX);
        if (hit.isPresent()) {
            return new String(hit.get().entry().payload(), StandardCharsets.UTF_8);
        }
        long start = System.nanoTime();
        String text = ptx.get();
        cache.put(new CacheEntry(key, EntryKind.PTX, System.nanoTime() - start,
                text.getBytes(StandardCharsets.UTF_8)));
        return text;
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
