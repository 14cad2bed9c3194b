package dev.vyre.runtime.cpu;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.BootstrapException;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Joins;
import dev.vyre.runtime.KernelTimeoutException;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.SchedulerConfig;
import dev.vyre.runtime.TenantSpec;
import dev.vyre.runtime.Tenants;
import dev.vyre.runtime.WorkerRecovery;
import dev.vyre.runtime.exec.SlotExecutor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend: shared off-heap memory ({@link Arena#ofShared()}) and W platform worker threads, worker
 * {@code w} owning slots {@code w, w+W, ...}. W is {@code config.workers()}, or by default the largest divisor of
 * the slot count that does not exceed the available processors. Each worker runs claimed slots through its own
 * {@link SlotExecutor}.
 *
 * <p>With {@link SchedulerConfig#recoverWorkers()} a supervisor thread watches the workers (docs/TENANTS.md,
 * Recovery): a worker whose thread died, or that held one slot for a whole {@link SchedulerConfig#watchdogPeriod()}
 * without committing anything, is replaced by a new worker that continues from its cursor; the slot it held ends
 * FAULT WORKER_LOST and is reported in {@link #recoveries()}; every other slot it owned is still PUBLISHED and runs
 * on the new worker, and no slot that reached DONE or FAULT runs again.
 */
public final class CpuBackend implements Backend {
    /** How long {@link #close()} waits for workers that are still running (it requests SHUTDOWN first). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Longest pause of the supervisor between looks at the workers. */
    static final long SUPERVISOR_POLL_NANOS = 5_000_000;

    /**
     * Called by a worker on a slot it claimed, once it has read the slot's words and before it executes them: for fault
     * injection (a hook that throws
     * kills the worker, one that blocks stalls it) and tracing. Runs on the worker thread; keep it short.
     */
    @FunctionalInterface
    public interface SlotHook {
        void beforeExecute(int worker, int slot);
    }

    private final Arena arena = Arena.ofShared();
    private final AtomicLong lostClaims = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<CpuWorker> workerList = new ArrayList<>();
    private final List<WorkerRecovery> recoveries = new CopyOnWriteArrayList<>();
    private final SlotHook hook;
    private final MemorySegment cursors;
    private RingBuffers buffers;
    private MegakernelConfig config;
    private HandlerTable handlers;
    private TenantSpec.Regions[] regions;
    private boolean recover;
    private Thread supervisor;
    private boolean closed;

    /** A CPU backend. */
    public CpuBackend() {
        this(null);
    }

    /** A CPU backend whose workers call {@code hook} before each slot (null: none). */
    public CpuBackend(SlotHook hook) {
        this(hook, null);
    }

    /**
     * A CPU backend whose workers call {@code hook} before each slot (null: none) and keep their cursors in
     * {@code cursors} (null: none): one u32 per worker, read at {@link #start} as the slot the worker starts at and
     * stored (release) with the next slot to visit before each result is committed. The isolated backend's child
     * process uses it to resume a ring that another process left half-run (docs/TENANTS.md). Needs a look-ahead
     * window of 1.
     */
    public CpuBackend(SlotHook hook, MemorySegment cursors) {
        this.hook = hook;
        this.cursors = cursors;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public synchronized MemorySegment allocateShared(long bytes, long alignment) {
        if (closed) {
            throw new BootstrapException("cpu backend is closed; it cannot allocate", "use a fresh CpuBackend");
        }
        MemorySegment s = arena.allocate(bytes, alignment);
        s.fill((byte) 0);
        return s;
    }

    @Override
    public synchronized void start(RingBuffers buffers, MegakernelConfig config) {
        if (this.buffers != null || closed) {
            throw new BootstrapException("cpu backend was already started" + (closed ? " and closed" : ""),
                    "use a fresh CpuBackend for every megakernel");
        }
        int slots = buffers.ring().slotCount();
        int w = config.workers() == 0 ? defaultWorkers(slots, Runtime.getRuntime().availableProcessors())
                : config.workers();
        if (w < 1 || w > slots || slots % w != 0) {
            throw new BootstrapException("cpu backend: " + w + " workers cannot share " + slots + " slots evenly",
                    "pick a worker count that divides the slot count, or 0 for the default");
        }
        this.handlers = HandlerTable.of(config.userHandlers());
        this.buffers = buffers;
        this.config = config;
        this.regions = Tenants.regions(config);
        this.recover = config.scheduler().recoverWorkers();
        checkCursors(w, slots, config.scheduler().lookahead());
        for (int i = 0; i < w; i++) {
            CpuWorker worker = newWorker(i, w, cursors == null ? i : cursors.get(Wire.WORD, (long) i * Wire.WORD_BYTES),
                    0);
            workerList.add(worker);
            threads.add(thread(worker, 0));
        }
        for (Thread t : threads) {
            t.start();
        }
        if (recover) {
            supervisor = Thread.ofPlatform().daemon().name("vyre-cpu-supervisor").start(this::supervise);
        }
    }

    /** Refuses cursor words that are too few, or a start cursor that is not a slot of its worker. */
    private void checkCursors(int w, int slots, int lookahead) {
        if (cursors == null) {
            return;
        }
        if (lookahead != 1 || cursors.byteSize() < (long) w * Wire.WORD_BYTES) {
            throw new BootstrapException("cpu backend: cursor words need a look-ahead of 1 (it is " + lookahead
                    + ") and one word per worker (" + w + " workers, " + cursors.byteSize() + " bytes)",
                    "use SchedulerConfig.withLookahead(1) and pass at least workers * 4 bytes of cursor words");
        }
        for (int i = 0; i < w; i++) {
            int c = cursors.get(Wire.WORD, (long) i * Wire.WORD_BYTES);
            if (c < 0 || c >= slots || c % w != i) {
                throw new BootstrapException("cpu backend: start cursor " + c + " of worker " + i + " is not one of"
                        + " its slots (" + i + ", " + i + " + " + w + ", ... below " + slots + ")",
                        "write each worker's own slot into its cursor word before start");
            }
        }
    }

    private CpuWorker newWorker(int index, int stride, int cursor, long ran) {
        SlotExecutor executor = new SlotExecutor(buffers, handlers, config.handlerStepBudget(), regions);
        SchedulerConfig s = config.scheduler();
        return new CpuWorker(index, stride, buffers.ring(), buffers.control(), executor, lostClaims, s.lookahead(),
                s.bypassLimits(), hook, cursor, ran, cursors);
    }

    private static Thread thread(CpuWorker worker, int generation) {
        return Thread.ofPlatform().daemon().name("vyre-cpu-worker-" + worker.index()
                + (generation == 0 ? "" : "-r" + generation)).unstarted(worker);
    }

    /**
     * The supervisor: every few milliseconds, replaces workers that died or stalled; ends once every worker exited
     * because of a shutdown.
     */
    private void supervise() {
        long period = config.scheduler().watchdogPeriod().toNanos();
        long poll = period > 0 ? Math.clamp(period / 4, 1_000_000, SUPERVISOR_POLL_NANOS) : SUPERVISOR_POLL_NANOS;
        int n = workers();
        long[] watchedPhase = new long[n];
        long[] watchedCompleted = new long[n];
        long[] watchedSince = new long[n];
        int[] generations = new int[n];
        java.util.Arrays.fill(watchedPhase, CpuWorker.IDLE);
        while (true) {
            boolean allExited = true;
            for (int i = 0; i < n; i++) {
                CpuWorker worker;
                Thread thread;
                synchronized (this) {
                    worker = workerList.get(i);
                    thread = threads.get(i);
                }
                if (worker.exitedNormally()) {
                    continue;
                }
                allExited = false;
                long now = System.nanoTime();
                if (!thread.isAlive()) {
                    Joins.joinUntil(thread, now);
                    replace(i, worker, WorkerRecovery.Cause.DIED, ++generations[i]);
                    watchedPhase[i] = CpuWorker.IDLE;
                    continue;
                }
                long phase = worker.phase.get();
                if (period <= 0 || phase < 0) {
                    watchedPhase[i] = CpuWorker.IDLE;
                } else if (phase != watchedPhase[i] || worker.completed() != watchedCompleted[i]) {
                    watchedPhase[i] = phase;
                    watchedCompleted[i] = worker.completed();
                    watchedSince[i] = now;
                } else if (now - watchedSince[i] >= period && worker.phase.compareAndSet(phase,
                        CpuWorker.ABANDONED)) {
                    replace(i, worker, WorkerRecovery.Cause.STALLED, ++generations[i]);
                    watchedPhase[i] = CpuWorker.IDLE;
                }
            }
            if (allExited) {
                return;
            }
            LockSupport.parkNanos(poll);
        }
    }

    /**
     * Replaces worker {@code i}. For a stalled worker the caller already moved its phase to ABANDONED, so the old
     * thread can no longer commit; a dead one commits nothing. The slot it held is faulted WORKER_LOST (DONE_COUNT
     * counts it), then a new worker starts from its cursor with that slot marked as run.
     */
    private void replace(int i, CpuWorker old, WorkerRecovery.Cause cause, int generation) {
        long phase = cause == WorkerRecovery.Cause.DIED ? old.phase.getAndSet(CpuWorker.ABANDONED) : old.phase.get();
        int stride = workers();
        int cursor = old.cursorState();
        long ran = old.ranState();
        int held = -1;
        int slots = buffers.ring().slotCount();
        for (int slot = i; slot < slots; slot += stride) {
            if (buffers.ring().statusWord(slot) == SlotState.CLAIMED.wire()) {
                held = slot;
                int opcode = buffers.ring().word(slot, SlotLayout.OPCODE);
                int tenant = buffers.ring().word(slot, SlotLayout.TENANT);
                buffers.ring().fault(slot, FaultCode.WORKER_LOST, cause.detail());
                buffers.control().incrementDoneCount();
                ran |= 1L << old.offsetOf(slot);
                Throwable failure = old.failure();
                recoveries.add(new WorkerRecovery(i, cause, slot, opcode, tenant, failure != null
                        ? failure.toString() : "no slot committed for " + config.scheduler().watchdogPeriod()
                        + " (phase " + phase + ")"));
            }
        }
        if (held < 0) {
            Throwable failure = old.failure();
            recoveries.add(new WorkerRecovery(i, cause, -1, 0, 0, failure != null ? failure.toString()
                    : "stalled outside a slot"));
        }
        CpuWorker worker = newWorker(i, stride, cursor, ran);
        Thread thread = thread(worker, generation);
        synchronized (this) {
            workerList.set(i, worker);
            threads.set(i, thread);
        }
        thread.start();
    }

    @Override
    public List<WorkerRecovery> recoveries() {
        return List.copyOf(recoveries);
    }

    /** The largest divisor of {@code slots} that is at most {@code processors} (and at least 1). */
    public static int defaultWorkers(int slots, int processors) {
        for (int w = Math.max(1, Math.min(slots, processors)); w > 1; w--) {
            if (slots % w == 0) {
                return w;
            }
        }
        return 1;
    }

    @Override
    public synchronized int workers() {
        return threads.size();
    }

    /**
     * Claims that failed although the worker owns the slot: each would mean that another thread touched the slot.
     * Always 0 unless the ownership discipline is broken.
     */
    public long lostClaims() {
        return lostClaims.get();
    }

    /**
     * Waits for every worker to exit. With recovery on, a worker that died is not "exited": the supervisor replaces
     * it, so this waits for the replacement too; only workers that left because of a shutdown count.
     */
    @Override
    public boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Thread> ts;
            List<CpuWorker> ws;
            synchronized (this) {
                ts = List.copyOf(threads);
                ws = List.copyOf(workerList);
            }
            for (Thread t : ts) {
                if (!Joins.joinUntil(t, deadline)) {
                    return false;
                }
            }
            if (!recover || ws.stream().allMatch(CpuWorker::exitedNormally)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Frees the shared memory. Workers still running (a megakernel that failed half-way through bootstrap) are
     * asked to shut down first; if they do not exit in time, nothing is freed and a {@link KernelTimeoutException}
     * says so. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        if (!awaitExit(Duration.ZERO)) {
            buffers.control().requestShutdown();
            if (!awaitExit(CLOSE_WAIT)) {
                throw new KernelTimeoutException("cpu backend: workers still running " + CLOSE_WAIT + " after"
                        + " SHUTDOWN; their memory was not freed", "close the Megakernel, which drains the ring"
                        + " before it closes the backend");
            }
        }
        if (supervisor != null && !Joins.joinUntil(supervisor, System.nanoTime() + CLOSE_WAIT.toNanos())) {
            throw new KernelTimeoutException("cpu backend: the worker supervisor did not stop within " + CLOSE_WAIT,
                    "report this as a bug with the full message");
        }
        synchronized (this) {
            if (!closed) {
                closed = true;
                arena.close();
            }
        }
    }
}
