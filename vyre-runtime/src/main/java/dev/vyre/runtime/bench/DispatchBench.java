package dev.vyre.runtime.bench;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.UntrackedStats;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.CudaBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code vyre bench dispatch}: in one run, for each backend asked for, the round trip of tiny tasks through the
 * megakernel ({@link Megakernel#call} of NOP) and the throughput of batched NOP slots ({@link Megakernel#submit});
 * on CUDA also the same work as a kernel launch per task, as a replayed CUDA graph per task, both back to back,
 * and the mapped-memory ping-pong floor ({@link CudaBaselines}). Every megakernel is closed before the baselines
 * run. CUDA is skipped, with the driver's reason in the notes, where there is no usable device.
 */
public final class DispatchBench {
    /** Most slots one {@link Megakernel#submit} call publishes in the throughput row. */
    static final int SUBMIT_CHUNK = 1 << 20;
    /** Most slots of the untimed warm-up batch before the throughput row. */
    static final long WARMUP_BATCH_SLOTS = 1 << 20;
    /** Least slots per second assumed when bounding awaitDone (a stalled ring fails instead of hanging). */
    private static final long SLOWEST_SLOTS_PER_SECOND = 500_000;
    private static final Duration MIN_AWAIT = Duration.ofSeconds(60);

    private DispatchBench() {
    }

    /**
     * Runs every measurement {@code config} asks for, reporting each row to {@code progress} as it is measured.
     * A measurement that fails becomes a failed row; the run goes on.
     */
    public static DispatchReport run(DispatchBenchConfig config, Consumer<String> progress) {
        Instant started = Instant.now();
        CudaProbe probe = config.backends().contains(DispatchBenchConfig.CUDA) ? CudaProbe.run() : null;
        List<BenchResult> results = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String backend : config.backends()) {
            if (backend.equals(DispatchBenchConfig.CPU)) {
                for (int w : config.cpuWorkerCounts()) {
                    results.addAll(megakernelRows(DispatchBenchConfig.CPU, "workers " + w, CpuBackend::new, w,
                            config, progress, notes));
                }
                continue;
            }
            String skip = cudaSkipReason(probe, config.cudaDevice());
            if (skip != null) {
                String note = "cuda: skipped: " + skip;
                notes.add(note);
                progress.accept(note);
                continue;
            }
            CudaProbe.Device device = probe.devices().get(config.cudaDevice());
            for (CudaVariant v : config.cudaVariantList()) {
                results.addAll(megakernelRows(DispatchBenchConfig.CUDA, v.spec(),
                        () -> CudaBackend.open(v.settings(config.cudaDevice())), v.workers(), config, progress,
                        notes));
            }
            results.addAll(CudaBaselines.run(config, device, progress));
        }
        return new DispatchReport(started, Instant.now(), BenchEnvironment.gather(probe, config.cudaDevice()), config,
                results, notes);
    }

    /** Why CUDA cannot be measured, or null when it can. */
    static String cudaSkipReason(CudaProbe probe, int ordinal) {
        if (!probe.available()) {
            return probe.reason();
        }
        if (ordinal >= probe.devices().size()) {
            return "device " + ordinal + " does not exist (the driver reports " + probe.devices().size() + ")";
        }
        if (!probe.devices().get(ordinal).canMapHostMemory()) {
            return "device " + ordinal + " (" + probe.devices().get(ordinal).name() + ") cannot map host memory";
        }
        return null;
    }

    /** Bootstraps one megakernel and measures its round-trip and throughput rows, then closes it. */
    private static List<BenchResult> megakernelRows(String backendName, String variant, Supplier<Backend> backend,
                                                    int workers, DispatchBenchConfig config,
                                                    Consumer<String> progress, List<String> notes) {
        MegakernelConfig mc = MegakernelConfig.defaults().withSlots(config.ringSlots()).withWorkers(workers);
        List<BenchResult> rows = new ArrayList<>();
        Megakernel kernel;
        Backend opened = null;
        try {
            opened = backend.get();
            kernel = Megakernel.bootstrap(opened, mc);
        } catch (RuntimeException e) {
            for (Measure m : List.of(Measure.MEGAKERNEL_CALL, Measure.MEGAKERNEL_SUBMIT)) {
                rows.add(report(BenchResult.failed(backendName, variant, m, e), progress));
            }
            return rows;
        }
        try {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("backend", kernel.backendName());
            if (opened instanceof CudaBackend cuda) {
                // which kernel the variant got (the default picks the IR-built one where it runs the configuration)
                details.put("kernel", String.valueOf(cuda.runningKernel()));
            }
            details.put("workers", kernel.workers());
            details.put("ringSlots", config.ringSlots());
            rows.add(report(attempt(backendName, variant, Measure.MEGAKERNEL_CALL,
                    () -> callRow(kernel, backendName, variant, config, details)), progress));
            rows.add(report(attempt(backendName, variant, Measure.MEGAKERNEL_SUBMIT,
                    () -> submitRow(kernel, backendName, variant, config.batchSlotsFor(backendName), details)),
                    progress));
        } finally {
            try {
                kernel.close();
            } catch (RuntimeException e) {
                String note = backendName + " " + variant + ": closing the megakernel failed: " + e.getMessage();
                notes.add(note);
                progress.accept(note);
            }
        }
        return rows;
    }

    /**
     * Warm-up calls (at least {@code warmupCalls}, and on CUDA for at least {@code cudaWarmupMillis}), then timed
     * {@link Megakernel#call}s of NOP, one at a time.
     */
    private static BenchResult callRow(Megakernel kernel, String backendName, String variant,
                                       DispatchBenchConfig config, Map<String, Object> details) {
        long warmNanos = backendName.equals(DispatchBenchConfig.CUDA) ? config.cudaWarmupMillis() * 1_000_000 : 0;
        long warmStart = System.nanoTime();
        int warmed = 0;
        while (warmed < config.warmupCalls() || System.nanoTime() - warmStart < warmNanos) {
            checkNop(kernel.call(Opcodes.NOP, 0, Priority.NORMAL), warmed++);
        }
        long[] nanos = new long[config.calls()];
        for (int i = 0; i < config.calls(); i++) {
            long t0 = System.nanoTime();
            SlotOutcome o = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
            long t1 = System.nanoTime();
            checkNop(o, warmed + i);
            nanos[i] = t1 - t0;
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("calls", config.calls());
        d.put("warmupCalls", warmed);
        return BenchResult.latency(backendName, variant, Measure.MEGAKERNEL_CALL, LatencyStats.of(nanos), d);
    }

    private static void checkNop(SlotOutcome o, int call) {
        if (!o.isDone()) {
            throw new BenchException("call " + call + " of NOP ended " + o, "a NOP cannot fault: report this with the"
                    + " full output");
        }
    }

    /**
     * An untimed warm-up batch, then {@code slots} NOP slots through {@link Megakernel#submit} and one
     * {@link Megakernel#awaitDone}; checks that DONE_COUNT counts every slot and nothing faulted.
     */
    private static BenchResult submitRow(Megakernel kernel, String backendName, String variant, long slots,
                                         Map<String, Object> details) {
        long warmup = Math.min(WARMUP_BATCH_SLOTS, Math.max(1, slots / 8));
        kernel.awaitDone(submitAll(kernel, warmup), awaitBound(warmup));
        long t0 = System.nanoTime();
        long end = submitAll(kernel, slots);
        kernel.awaitDone(end, awaitBound(slots));
        long t1 = System.nanoTime();
        UntrackedStats stats = kernel.untrackedStats();
        if (stats.faults() != 0 || stats.notExecuted() != 0) {
            throw new BenchException("batched NOPs: " + stats.faults() + " faulted (first " + stats.firstFault()
                    + "), " + stats.notExecuted() + " not executed", "a NOP cannot fault: report this with the"
                    + " full output");
        }
        int done = kernel.doneCount();
        if (done != (int) end) {
            throw new BenchException("batched NOPs: control[DONE_COUNT] is " + Integer.toUnsignedString(done)
                    + " after " + end + " slots (mod 2^32: " + Integer.toUnsignedString((int) end) + ")",
                    "report this with the full output");
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("slots", slots);
        d.put("warmupSlots", warmup);
        d.put("submitChunk", SUBMIT_CHUNK);
        d.put("runSlots", Megakernel.SUBMIT_RUN_SLOTS);
        d.put("checked", "control[DONE_COUNT] equals every slot published; no untracked fault");
        return BenchResult.throughput(backendName, variant, Measure.MEGAKERNEL_SUBMIT, new Throughput(slots, t1 - t0),
                d);
    }

    /** Submits {@code slots} NOPs in chunks; returns the sequence end. */
    private static long submitAll(Megakernel kernel, long slots) {
        long end = 0;
        for (long done = 0; done < slots; done += SUBMIT_CHUNK) {
            end = kernel.submit(Opcodes.NOP, 0, Priority.NORMAL, (int) Math.min(SUBMIT_CHUNK, slots - done));
        }
        return end;
    }

    private static Duration awaitBound(long slots) {
        return MIN_AWAIT.plusSeconds(slots / SLOWEST_SLOTS_PER_SECOND);
    }

    private static BenchResult attempt(String backendName, String variant, Measure measure,
                                       Supplier<BenchResult> row) {
        try {
            return row.get();
        } catch (RuntimeException e) {
            return BenchResult.failed(backendName, variant, measure, e);
        }
    }

    private static BenchResult report(BenchResult r, Consumer<String> progress) {
        progress.accept(DispatchReport.describe(r));
        return r;
    }
}
