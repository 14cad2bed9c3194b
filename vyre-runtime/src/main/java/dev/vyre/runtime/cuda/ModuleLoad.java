package dev.vyre.runtime.cuda;

import dev.vyre.runtime.cache.CachedCompiler;

/**
 * How {@link CudaBackend#start} obtained the megakernel module.
 *
 * @param source     {@link CachedCompiler.Source#MEMORY} or {@code DISK} for a cached cubin (no PTX JIT), {@code JIT}
 *                   when the PTX was compiled now
 * @param key        the pipeline-cache key (64 hex digits), empty when the cache is disabled
 * @param jitNanos   the JIT time: measured now for a JIT, as recorded when the cubin was built for a hit (with the
 *                   cache disabled: the whole {@code cuModuleLoadDataEx} of the PTX)
 * @param loadNanos  time to load the cubin (0 with the cache disabled)
 * @param savedNanos JIT time a hit avoided ({@code jitNanos - loadNanos}, at least 0)
 */
public record ModuleLoad(CachedCompiler.Source source, String key, long jitNanos, long loadNanos, long savedNanos) {
}
