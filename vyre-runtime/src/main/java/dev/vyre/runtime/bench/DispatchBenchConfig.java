package dev.vyre.runtime.bench;

import dev.vyre.protocol.SlotLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link DispatchBench} measures and how much.
 *
 * @param calls        timed round trips per latency row
 * @param warmupCalls  untimed round trips before them
 * @param batchSlots   NOP slots of the throughput row; 0: {@link #DEFAULT_CUDA_BATCH_SLOTS} on CUDA and
 *                     {@link #DEFAULT_CPU_BATCH_SLOTS} on the CPU
 * @param ringSlots    ring slots of every megakernel (a multiple of every worker count)
 * @param backends     "cpu" and/or "cuda", in the order to run them
 * @param cpuWorkers   CPU worker counts, one pair of rows each; empty: {@link #defaultCpuWorkers()}
 * @param cudaVariants CUDA configurations, one pair of rows each; empty: {@link CudaVariant#DEFAULT}
 * @param launchBatch  launches (and graph replays) of the back-to-back baseline rows
 * @param cudaDevice   CUDA device ordinal
 * @param cudaWarmupMillis least time the warm-up calls of a CUDA latency row take (they go on past
 *                     {@code warmupCalls} until it passed): the first megakernel of a JVM runs 0.3 to 0.8 us slower
 *                     for its first tens of milliseconds (GPU and host clocks ramping; docs/MEGAKERNEL-CUDA.md,
 *                     sessions 11 and 14), which a count of calls alone does not cover
 */
public record DispatchBenchConfig(int calls, int warmupCalls, long batchSlots, int ringSlots, List<String> backends,
                                  List<Integer> cpuWorkers, List<CudaVariant> cudaVariants, int launchBatch,
                                  int cudaDevice, long cudaWarmupMillis) {
    /** The CPU backend's name. */
    public static final String CPU = "cpu";
    /** The CUDA backend's name. */
    public static final String CUDA = "cuda";
    /** Default timed round trips per latency row. */
    public static final int DEFAULT_CALLS = 20_000;
    /**
     * Default warm-up round trips: enough that the host path of {@code call} is compiled by C2 before the timed ones
     * (HotSpot compiles it after about 10,000 calls; with 2,000, as before session 11, a large part of the timed
     * calls ran the profiling C1 code, 0.3 to 0.8 us slower per call on the H100 host).
     */
    public static final int DEFAULT_WARMUP_CALLS = 20_000;
    /** Default batched slots on CUDA: 16 Mi. */
    public static final long DEFAULT_CUDA_BATCH_SLOTS = 1L << 24;
    /** Default batched slots on the CPU: 1 Mi, short enough for a CI-sized machine. */
    public static final long DEFAULT_CPU_BATCH_SLOTS = 1L << 20;
    /** Default ring: 65,536 slots. */
    public static final int DEFAULT_RING_SLOTS = 1 << 16;
    /** Default back-to-back launches of the baseline throughput rows. */
    public static final int DEFAULT_LAUNCH_BATCH = 100_000;
    /** Most CPU workers the default picks (latency grows once workers, caller and reaper oversubscribe cores). */
    public static final int MAX_DEFAULT_CPU_WORKERS = 4;

    /** Default least warm-up time of a CUDA latency row: 1 s. */
    public static final long DEFAULT_CUDA_WARMUP_MILLIS = 1_000;

    /** A configuration without a least warm-up time (warm-up by {@code warmupCalls} alone). */
    public DispatchBenchConfig(int calls, int warmupCalls, long batchSlots, int ringSlots, List<String> backends,
                               List<Integer> cpuWorkers, List<CudaVariant> cudaVariants, int launchBatch,
                               int cudaDevice) {
        this(calls, warmupCalls, batchSlots, ringSlots, backends, cpuWorkers, cudaVariants, launchBatch, cudaDevice,
                0);
    }

    public DispatchBenchConfig {
        backends = List.copyOf(backends == null ? List.of() : backends);
        cpuWorkers = List.copyOf(cpuWorkers == null ? List.of() : cpuWorkers);
        cudaVariants = List.copyOf(cudaVariants == null ? List.of() : cudaVariants);
        check(calls >= 1, "calls " + calls + " is not positive", "time at least one round trip");
        check(warmupCalls >= 0, "warmup calls " + warmupCalls + " is negative", "pass 0 or more warm-up calls");
        check(cudaWarmupMillis >= 0 && cudaWarmupMillis <= 600_000, "CUDA warm-up of " + cudaWarmupMillis + " ms is"
                + " outside 0..600000", "pass 0 (count-based warm-up only) to 600000 ms, e.g. 1000");
        check(batchSlots >= 0, "batch slots " + batchSlots + " is negative", "pass 0 (the default) or more slots");
        check(ringSlots >= 1 && ringSlots <= SlotLayout.MAX_ENCODED_RING_SLOTS, "ring of " + ringSlots + " slots is"
                + " outside 1.." + SlotLayout.MAX_ENCODED_RING_SLOTS, "pick a ring size in that range, e.g. 65536");
        check(launchBatch >= 1, "launch batch " + launchBatch + " is not positive", "pass 1 or more launches");
        check(cudaDevice >= 0, "CUDA device " + cudaDevice + " is negative", "pass a device ordinal, e.g. 0");
        check(!backends.isEmpty(), "no backend to measure", "pass cpu, cuda or both");
        for (String b : backends) {
            check(b.equals(CPU) || b.equals(CUDA), "unknown backend '" + b + "'", "pass cpu and/or cuda");
        }
        for (int w : cpuWorkers) {
            check(w >= 1 && ringSlots % w == 0, w + " CPU workers cannot share a ring of " + ringSlots + " slots",
                    "pick worker counts that divide the ring size");
        }
        for (CudaVariant v : cudaVariants) {
            check(v != null && ringSlots % Math.max(1, v.workers()) == 0, "CUDA variant " + v + " cannot share a"
                    + " ring of " + ringSlots + " slots", "pick worker counts that divide the ring size");
        }
    }

    /** Defaults: both backends, default workers and variant, the default sizes. */
    public static DispatchBenchConfig defaults() {
        return new DispatchBenchConfig(DEFAULT_CALLS, DEFAULT_WARMUP_CALLS, 0, DEFAULT_RING_SLOTS, List.of(CPU, CUDA),
                List.of(), List.of(), DEFAULT_LAUNCH_BATCH, 0, DEFAULT_CUDA_WARMUP_MILLIS);
    }

    private static void check(boolean ok, String problem, String fix) {
        if (!ok) {
            throw new BenchException("dispatch bench: " + problem, fix);
        }
    }

    /** The batched slots on {@code backend}. */
    public long batchSlotsFor(String backend) {
        if (batchSlots > 0) {
            return batchSlots;
        }
        return backend.equals(CUDA) ? DEFAULT_CUDA_BATCH_SLOTS : DEFAULT_CPU_BATCH_SLOTS;
    }

    /** The CPU worker counts to measure. */
    public List<Integer> cpuWorkerCounts() {
        return cpuWorkers.isEmpty() ? List.of(defaultCpuWorkers()) : cpuWorkers;
    }

    /** The CUDA variants to measure. */
    public List<CudaVariant> cudaVariantList() {
        return cudaVariants.isEmpty() ? List.of(CudaVariant.DEFAULT) : cudaVariants;
    }

    /**
     * The default CPU worker count: the largest power of two that is at most half the processors and at most
     * {@link #MAX_DEFAULT_CPU_WORKERS} (1 on a 2-core machine, 4 on 8 or more): workers, the caller and the reaper
     * each want a core.
     */
    public static int defaultCpuWorkers() {
        int half = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        return Math.min(MAX_DEFAULT_CPU_WORKERS, Integer.highestOneBit(half));
    }

    /** As a JSON-ready map (defaults resolved). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", calls);
        m.put("warmupCalls", warmupCalls);
        m.put("cudaWarmupMillis", cudaWarmupMillis);
        Map<String, Object> batch = new LinkedHashMap<>();
        for (String b : backends) {
            batch.put(b, batchSlotsFor(b));
        }
        m.put("batchSlots", batch);
        m.put("ringSlots", ringSlots);
        m.put("backends", backends);
        m.put("cpuWorkers", cpuWorkerCounts());
        List<Object> variants = new ArrayList<>();
        for (CudaVariant v : cudaVariantList()) {
            variants.add(v.spec());
        }
        m.put("cudaVariants", variants);
        m.put("launchBatch", launchBatch);
        m.put("cudaDevice", cudaDevice);
        return m;
    }
}
