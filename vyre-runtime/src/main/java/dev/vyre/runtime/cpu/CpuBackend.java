package dev.vyre.runtime.cpu;

import dev.vyre.runtime.Joins;

import dev.vyre.runtime.Backend;
import dev.vyre.runtime.BootstrapException;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.KernelTimeoutException;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.exec.SlotExecutor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CPU backend: shared off-heap memory ({@link Arena#ofShared()}) and W platform worker threads, worker
 * {@code w} owning slots {@code w, w+W, ...}. W is {@code config.workers()}, or by default the largest divisor of
 * the slot count that does not exceed the available processors. Each worker runs claimed slots through its own
 * {@link SlotExecutor}.
 */
public final class CpuBackend implements Backend {
    /** How long {@link #close()} waits for workers that are still running (it requests SHUTDOWN first). */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Arena arena = Arena.ofShared();
    private final AtomicLong lostClaims = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private RingBuffers buffers;
    private boolean closed;

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
        HandlerTable handlers = HandlerTable.of(config.userHandlers());
        this.buffers = buffers;
        for (int i = 0; i < w; i++) {
            SlotExecutor executor = new SlotExecutor(buffers, handlers, config.handlerStepBudget());
            threads.add(Thread.ofPlatform().daemon().name("vyre-cpu-worker-" + i)
                    .unstarted(new CpuWorker(i, w, buffers.ring(), buffers.control(), executor, lostClaims)));
        }
        for (Thread t : threads) {
            t.start();
        }
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

    @Override
    public boolean awaitExit(Duration timeout) {
        List<Thread> ts;
        synchronized (this) {
            ts = List.copyOf(threads);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : ts) {
            if (!Joins.joinUntil(t, deadline)) {
                return false;
            }
        }
        return true;
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
        synchronized (this) {
            if (!closed) {
                closed = true;
                arena.close();
            }
        }
    }
}
