package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cache.CacheSettings;
import dev.vyre.runtime.cache.CacheStats;
import dev.vyre.runtime.cache.CachedCompiler;
import dev.vyre.runtime.cache.PipelineCache;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline cache on the GPU: a megakernel with 5 fused handlers is JIT-compiled once (miss), then loaded from the
 * cached cubin (memory layer, then the disk layer through a second cache over the same directory, as a new process
 * would), skipping the PTX JIT; each kernel runs a handler slot. Prints the JIT time, the load times and the time
 * saved. The driver's own JIT cache (~/.nv/ComputeCache) may make the miss faster than a truly cold JIT: run with
 * {@code CUDA_CACHE_DISABLE=1} to see the cold cost.
 */
@Tag("gpu")
class CudaPipelineCacheGpuTest {
    @TempDir
    Path dir;

    private static MegakernelConfig config() {
        Map<Integer, Program> handlers = new TreeMap<>();
        List<Program> all = HandlerPrograms.all();
        for (int i = 0; i < all.size(); i++) {
            handlers.put(0x100 + i, all.get(i));
        }
        MegakernelConfig c = CudaTests.small();
        for (var e : handlers.entrySet()) {
            c = c.withHandler(e.getKey(), e.getValue());
        }
        return c;
    }

    private ModuleLoad run(CacheSettings cache) {
        CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withCache(cache));
        try (Megakernel kernel = Megakernel.bootstrap(backend, config())) {
            // the counter handler: control[args[10]] += args[1]; args[3] = args[0] + args[1]
            SlotOutcome o = kernel.call(0x100, 0, Priority.NORMAL, 5, 7, 0, 0, 0, 0, 0, 0, 0, 0,
                    dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE);
            assertTrue(o.isDone(), "the handler slot completed: " + o);
            assertEquals(12, o.arg(3), "the kernel of the cached module ran the handler");
            return backend.moduleLoad();
        }
    }

    @Test
    void cachedCubinSkipsTheJit() {
        CudaTests.assumeGpu();
        CacheSettings settings = CacheSettings.at(dir);
        ModuleLoad miss = run(settings);
        assertEquals(CachedCompiler.Source.JIT, miss.source());
        ModuleLoad memoryHit = run(settings);
        assertEquals(CachedCompiler.Source.MEMORY, memoryHit.source());
        assertEquals(miss.key(), memoryHit.key());

        // a fresh cache over the same directory: what the next process sees
        PipelineCache fresh = PipelineCache.open(settings);
        CacheStats before = fresh.stats();
        CachedCompiler.Loaded<String> disk = new CachedCompiler<String>(fresh, "gpu-test").load(
                dev.vyre.runtime.cache.Fingerprint.of(java.util.HexFormat.of().parseHex(miss.key())),
                () -> { throw new AssertionError("no PTX generation on a hit"); },
                new CachedCompiler.Jit<>() {
                    @Override
                    public CachedCompiler.Compiled compile(String ptx) {
                        throw new AssertionError("no JIT on a hit");
                    }

                    @Override
                    public String load(byte[] cubin) {
                        return "cubin of " + cubin.length + " bytes";
                    }
                });
        assertEquals(CachedCompiler.Source.DISK, disk.source());
        // two disk hits: the cubin, and the PTX text a hit still returns with the module
        assertEquals(before.diskHits() + 2, fresh.stats().diskHits());

        CudaBackend direct = CudaBackend.open(CudaBackend.Settings.defaults().withCache(CacheSettings.disabled()));
        ModuleLoad uncached;
        try (Megakernel kernel = Megakernel.bootstrap(direct, config())) {
            uncached = direct.moduleLoad();
        }
        System.out.printf(java.util.Locale.ROOT, "pipeline cache (5 fused handlers, key %s):%n"
                        + "  miss: cuLink JIT %.2f ms, cubin load %.2f ms%n"
                        + "  memory hit: cubin load %.2f ms, JIT skipped, saved %.2f ms%n"
                        + "  disk entry (%s): %d bytes%n"
                        + "  no cache: cuModuleLoadDataEx(PTX) %.2f ms%n"
                        + "  CUDA_CACHE_DISABLE=%s%n",
                miss.key().substring(0, 16), miss.jitNanos() / 1e6, miss.loadNanos() / 1e6,
                memoryHit.loadNanos() / 1e6, memoryHit.savedNanos() / 1e6, disk.module(),
                disk.module().length(), uncached.jitNanos() / 1e6, System.getenv("CUDA_CACHE_DISABLE"));
        assertTrue(memoryHit.savedNanos() > 0, "the hit saved JIT time: " + memoryHit);
        assertTrue(memoryHit.loadNanos() < miss.jitNanos(), "loading the cubin is faster than the JIT");
    }
}
