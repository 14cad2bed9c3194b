package dev.vyre.runtime.bench;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaGraph;
import dev.vyre.cuda.CudaModule;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.CudaStream;
import dev.vyre.cuda.DevicePtr;
import dev.vyre.cuda.Dim3;
import dev.vyre.cuda.PinnedBuffer;
import dev.vyre.runtime.cuda.SmTarget;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The CUDA rows that are not the megakernel ({@link BaselinePtx}): a launch per task, a graph replay per task, both
 * back to back, and the mapped-memory ping-pong floor. They run in one context after every megakernel has been
 * closed, so nothing else polls host memory meanwhile.
 */
final class CudaBaselines {
    /** The variant name of every baseline row. */
    static final String VARIANT = "baseline";
    /** The value the captured graph stores (any non-zero word). */
    static final int GRAPH_VALUE = 0x600D_F00D;
    /** Byte offsets in the pinned buffer: each word on its own cache line. */
    private static final long REQUEST = 0;
    private static final long RESPONSE = 128;
    private static final long TASK_WORD = 256;
    private static final long PINNED_BYTES = 512;
    /** How long one round trip or the echo kernel's exit may take before the row fails. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Dim3 ONE = Dim3.of(1);
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();

    private CudaBaselines() {
    }

    /** Measures the baseline rows on {@code device}; a failure fails its row (or, during setup, every row). */
    static List<BenchResult> run(DispatchBenchConfig config, CudaProbe.Device device, Consumer<String> progress) {
        List<BenchResult> rows = new ArrayList<>();
        CudaContext ctx;
        try {
            ctx = CudaContext.open(device.ordinal());
        } catch (RuntimeException e) {
            return failAll(e, progress);
        }
        boolean echoStuck = false;
        try {
            CudaFunction store;
            CudaFunction echo;
            PinnedBuffer pinned;
            CudaStream stream;
            try {
                CudaModule module = ctx.loadPtx(BaselinePtx.module(SmTarget.forDevice(device.ccMajor(),
                        device.ccMinor())));
                store = module.function(BaselinePtx.STORE);
                echo = module.function(BaselinePtx.ECHO);
                pinned = ctx.allocatePinned(PINNED_BYTES);
                pinned.host().fill((byte) 0);
                stream = ctx.createStream();
            } catch (RuntimeException e) {
                return failAll(e, progress);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("device", device.name());
            details.put("kernel", BaselinePtx.STORE + " (1 block x 1 thread)");
            rows.add(attempt(Measure.LAUNCH_SYNC, progress, () -> perTask(Measure.LAUNCH_SYNC, config, pinned,
                    stream, details, value -> store.launch(ONE, ONE, 0, stream, pinned.devicePtr().plus(TASK_WORD),
                            value))));
            rows.add(attempt(Measure.GRAPH_SYNC, progress, () -> {
                CudaGraph graph = stream.capture(() -> store.launch(ONE, ONE, 0, stream,
                        pinned.devicePtr().plus(TASK_WORD), GRAPH_VALUE));
                return perTask(Measure.GRAPH_SYNC, config, pinned, stream, details, value -> graph.launch(stream));
            }));
            rows.add(attempt(Measure.LAUNCH_STREAM, progress, () -> backToBack(Measure.LAUNCH_STREAM, config, pinned,
                    stream, details, value -> store.launch(ONE, ONE, 0, stream, pinned.devicePtr().plus(TASK_WORD),
                            value))));
            rows.add(attempt(Measure.GRAPH_STREAM, progress, () -> {
                CudaGraph graph = stream.capture(() -> store.launch(ONE, ONE, 0, stream,
                        pinned.devicePtr().plus(TASK_WORD), GRAPH_VALUE));
                return backToBack(Measure.GRAPH_STREAM, config, pinned, stream, details, value -> graph.launch(stream));
            }));
            boolean[] stuck = new boolean[1];
            rows.add(attempt(Measure.PING_PONG_FLOOR, progress, () -> pingPong(config, echo, pinned, stream,
                    device, stuck)));
            echoStuck = stuck[0];
            return rows;
        } finally {
            if (!echoStuck) {
                try {
                    ctx.close();
                } catch (RuntimeException e) {
                    progress.accept("cuda baseline: closing the context failed: " + e.getMessage());
                }
            }
        }
    }

    /** What one task enqueues; {@code value} is the word a launch stores (a graph stores its captured value). */
    @FunctionalInterface
    private interface Enqueue {
        void task(int value);
    }

    /** Per task: reset the word, enqueue, synchronize, check the word; latency of enqueue + synchronize. */
    private static BenchResult perTask(Measure measure, DispatchBenchConfig config, PinnedBuffer pinned,
                                       CudaStream stream, Map<String, Object> details, Enqueue enqueue) {
        MemorySegment host = pinned.host();
        boolean graph = measure == Measure.GRAPH_SYNC;
        long[] nanos = new long[config.calls()];
        for (int i = 0; i < config.warmupCalls() + config.calls(); i++) {
            int value = graph ? GRAPH_VALUE : i + 1;
            WORD.setVolatile(host, TASK_WORD, 0);
            long t0 = System.nanoTime();
            enqueue.task(value);
            stream.synchronize();
            long t1 = System.nanoTime();
            checkWord(host, value, measure, "task " + i);
            if (i >= config.warmupCalls()) {
                nanos[i - config.warmupCalls()] = t1 - t0;
            }
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("calls", config.calls());
        d.put("warmupCalls", config.warmupCalls());
        d.put("checked", "the stored word after every task");
        return BenchResult.latency(DispatchBenchConfig.CUDA, VARIANT, measure, LatencyStats.of(nanos), d);
    }

    /** N tasks enqueued back to back, one synchronize; the word holds the last launch's value. */
    private static BenchResult backToBack(Measure measure, DispatchBenchConfig config, PinnedBuffer pinned,
                                          CudaStream stream, Map<String, Object> details, Enqueue enqueue) {
        MemorySegment host = pinned.host();
        boolean graph = measure == Measure.GRAPH_STREAM;
        int n = config.launchBatch();
        int warmup = Math.min(n, config.warmupCalls());
        for (int i = 0; i < warmup; i++) {
            enqueue.task(i + 1);
        }
        stream.synchronize();
        WORD.setVolatile(host, TASK_WORD, 0);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            enqueue.task(i + 1);
        }
        stream.synchronize();
        long t1 = System.nanoTime();
        checkWord(host, graph ? GRAPH_VALUE : n, measure, "the last of " + n + " tasks");
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("tasks", n);
        d.put("warmupTasks", warmup);
        d.put("checked", "the stored word after the synchronize");
        return BenchResult.throughput(DispatchBenchConfig.CUDA, VARIANT, measure, new Throughput(n, t1 - t0), d);
    }

    private static void checkWord(MemorySegment host, int expected, Measure measure, String which) {
        int seen = (int) WORD.getVolatile(host, TASK_WORD);
        if (seen != expected) {
            throw new BenchException(measure.label() + ": after " + which + " the pinned word holds 0x"
                    + Integer.toHexString(seen) + ", expected 0x" + Integer.toHexString(expected), "check that the"
                    + " device can write mapped host memory (vyre info), and report this with the full output");
        }
    }

    /**
     * The ping-pong floor: launches the echo kernel, times host-written sequence numbers until each is echoed, then
     * stops the kernel. {@code stuck[0]} is set when the kernel did not exit (its context must then stay open).
     */
    private static BenchResult pingPong(DispatchBenchConfig config, CudaFunction echo, PinnedBuffer pinned,
                                        CudaStream stream, CudaProbe.Device device, boolean[] stuck) {
        MemorySegment host = pinned.host();
        WORD.setVolatile(host, REQUEST, BaselinePtx.ECHO_INITIAL);
        WORD.setVolatile(host, RESPONSE, BaselinePtx.ECHO_INITIAL);
        DevicePtr base = pinned.devicePtr();
        echo.launch(ONE, ONE, 0, stream, base.plus(REQUEST), base.plus(RESPONSE));
        long[] nanos = new long[config.calls()];
        try {
            for (int i = 1; i <= config.warmupCalls() + config.calls(); i++) {
                long t0 = System.nanoTime();
                WORD.setRelease(host, REQUEST, i);
                int spins = 0;
                while ((int) WORD.getAcquire(host, RESPONSE) != i) {
                    Thread.onSpinWait();
                    if ((++spins & 0xFFFF) == 0 && System.nanoTime() - t0 > STUCK_NANOS) {
                        throw new BenchException("ping-pong floor: request " + i + " was not echoed within "
                                + TimeUnit.NANOSECONDS.toSeconds(STUCK_NANOS) + " s (response word 0x"
                                + Integer.toHexString((int) WORD.getAcquire(host, RESPONSE)) + ")", "check that "
                                + "the device can read and write mapped host memory, and report this");
                    }
                }
                long t1 = System.nanoTime();
                if (i > config.warmupCalls()) {
                    nanos[i - config.warmupCalls() - 1] = t1 - t0;
                }
            }
        } finally {
            stuck[0] = !stopEcho(host, stream);
        }
        if (stuck[0]) {
            throw new BenchException("ping-pong floor: the echo kernel did not exit within "
                    + TimeUnit.NANOSECONDS.toSeconds(STUCK_NANOS) + " s of the stop word", "restart the process to"
                    + " free the GPU");
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("device", device.name());
        d.put("kernel", BaselinePtx.ECHO + " (1 block x 1 thread, persistent)");
        d.put("calls", config.calls());
        d.put("warmupCalls", config.warmupCalls());
        d.put("checked", "each response equals its request");
        return BenchResult.latency(DispatchBenchConfig.CUDA, VARIANT, Measure.PING_PONG_FLOOR, LatencyStats.of(nanos),
                d);
    }

    /** Writes the stop word and waits for the echo kernel to exit; false when it did not in time. */
    private static boolean stopEcho(MemorySegment host, CudaStream stream) {
        WORD.setVolatile(host, REQUEST, BaselinePtx.ECHO_STOP);
        long t0 = System.nanoTime();
        while (!stream.isComplete()) {
            if (System.nanoTime() - t0 > STUCK_NANOS) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    private static BenchResult attempt(Measure measure, Consumer<String> progress, Supplier<BenchResult> row) {
        BenchResult r;
        try {
            r = row.get();
        } catch (RuntimeException e) {
            r = BenchResult.failed(DispatchBenchConfig.CUDA, VARIANT, measure, e);
        }
        progress.accept(DispatchReport.describe(r));
        return r;
    }

    private static List<BenchResult> failAll(RuntimeException e, Consumer<String> progress) {
        List<BenchResult> rows = new ArrayList<>();
        for (Measure m : List.of(Measure.LAUNCH_SYNC, Measure.GRAPH_SYNC, Measure.LAUNCH_STREAM, Measure.GRAPH_STREAM,
                Measure.PING_PONG_FLOOR)) {
            BenchResult r = BenchResult.failed(DispatchBenchConfig.CUDA, VARIANT, m, e);
            progress.accept(DispatchReport.describe(r));
            rows.add(r);
        }
        return rows;
    }
}
