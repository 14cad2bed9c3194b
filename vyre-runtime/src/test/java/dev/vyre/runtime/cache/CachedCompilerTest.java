package dev.vyre.runtime.cache;

import static dev.vyre.runtime.cache.CacheFixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JIT is skipped on a hit, its time counted as saved; a cubin the driver refuses is rebuilt. */
class CachedCompilerTest {
    @TempDir
    Path dir;

    @Test
    void hitSkipsTheJitAndCountsTheTimeSaved() {
        PipelineCache cache = PipelineCache.open(CacheSettings.at(dir));
        EntryCorruptionTest.CountingJit jit = new EntryCorruptionTest.CountingJit();
        AtomicInteger generated = new AtomicInteger();
        Fingerprint k = key("kernel");
        CachedCompiler<String> compiler = new CachedCompiler<>(cache, "test");
        CachedCompiler.Loaded<String> first = compiler.load(k, () -> "ptx-" + generated.incrementAndGet(), jit);
        assertEquals(CachedCompiler.Source.JIT, first.source());
        assertEquals("module of ptx-1", first.module());
        assertEquals(50_000_000, first.jitNanos());
        assertEquals(0, first.savedNanos());

        CachedCompiler.Loaded<String> second = compiler.load(k, () -> "ptx-" + generated.incrementAndGet(), jit);
        assertEquals(CachedCompiler.Source.MEMORY, second.source());
        assertEquals("module of ptx-1", second.module());
        assertEquals("ptx-1", second.ptx(), "the PTX text comes from the cache too");
        assertEquals(1, jit.compiles, "no second JIT");
        assertEquals(1, generated.get(), "no second generation");
        assertEquals(50_000_000, second.jitNanos(), "the JIT time recorded at build");
        assertEquals(Math.max(0, 50_000_000 - second.loadNanos()), second.savedNanos());

        PipelineCache otherProcess = PipelineCache.open(CacheSettings.at(dir));
        CachedCompiler.Loaded<String> third = new CachedCompiler<String>(otherProcess, "test")
                .load(k, () -> "ptx-" + generated.incrementAndGet(), jit);
        assertEquals(CachedCompiler.Source.DISK, third.source());
        assertEquals(1, jit.compiles);
        assertEquals(third.savedNanos(), otherProcess.stats().jitNanosSaved());
        assertTrue(otherProcess.stats().jitNanosSaved() > 0);
    }

    @Test
    void cubinTheDriverRefusesIsRemovedAndRebuilt() {
        PipelineCache cache = PipelineCache.open(CacheSettings.at(dir));
        Fingerprint k = key("refused");
        cache.put(new CacheEntry(k, EntryKind.CUBIN, 9, CacheFixtures.utf8("stale image")));
        AtomicInteger refusals = new AtomicInteger();
        EntryCorruptionTest.CountingJit inner = new EntryCorruptionTest.CountingJit();
        CachedCompiler.Jit<String> jit = new CachedCompiler.Jit<>() {
            @Override
            public CachedCompiler.Compiled compile(String ptx) {
                return inner.compile(ptx);
            }

            @Override
            public String load(byte[] cubin) {
                if (!new String(cubin, java.nio.charset.StandardCharsets.UTF_8).startsWith("cubin:")) {
                    refusals.incrementAndGet();
                    throw new IllegalStateException("CUDA_ERROR_INVALID_IMAGE");
                }
                return inner.load(cubin);
            }
        };
        CachedCompiler.Loaded<String> loaded = new CachedCompiler<String>(cache, "test").load(k, () -> "p", jit);
        assertEquals(1, refusals.get());
        assertEquals(CachedCompiler.Source.JIT, loaded.source());
        assertEquals("module of p", loaded.module());
        assertEquals(CachedCompiler.Source.MEMORY,
                new CachedCompiler<String>(cache, "test").load(k, () -> "p", jit).source());
        assertEquals(1, refusals.get());
    }
}
