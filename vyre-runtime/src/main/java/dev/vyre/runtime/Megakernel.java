package dev.vyre.runtime;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A persistent megakernel: the four shared buffers, a {@link Backend} whose workers execute the ring, and the host
 * side of the protocol, which is the same for every backend (docs/MEGAKERNEL.md).
 *
 * <p>Publishing is safe from any number of threads. A global sequence assigns slot {@code seq % slotCount}; a
 * publisher waits (spin, then short parks) until that slot's previous occupant has been completed and recycled,
 * so slots are filled in sequence order and never overwritten. The host refuses, with typed exceptions and before
 * touching the ring, opcodes in the system range that are not system opcodes, tenants outside 0..29, and any
 * publish once {@link #close()} (or a SHUTDOWN slot) has begun the shutdown.
 *
 * <p>A reaper thread completes the {@link Ticket}s of finished slots and recycles them; {@link #call} instead
 * spins on its slot in the caller's thread and completes it itself (a host-side per-slot claim keeps the two
 * apart). {@link #close()} requests SHUTDOWN, lets the workers drain every published slot, completes every ticket
 * and frees the buffers.
 */
public final class Megakernel implements AutoCloseable {
    /** How long {@link #call} spins on its slot before it yields, then parks. */
    static final long CALL_SPIN_NANOS = 1_000_000;
    /** How often the reaper checks that the workers are still alive when no shutdown was requested. */
    private static final long HEALTH_CHECK_NANOS = 10_000_000;

    private final Backend backend;
    private final MegakernelConfig config;
    private final RingBuffers buffers;
    private final HandlerTable handlers;
    private final HostRing host;
    private final DataRegion dataRegion;
    private final Reaper reaper;
    private final Thread reaperThread;
    private final AtomicLong nextSequence = new AtomicLong();
    /** Publishers and callers between their closing check and the end of their ring accesses. */
    private final AtomicInteger activeHostOps = new AtomicInteger();
    private final Object closeLock = new Object();
    private volatile boolean closing;
    private volatile boolean workersGone;
    private volatile boolean closed;
    private long nextHealthCheck;

    private Megakernel(Backend backend, MegakernelConfig config, RingBuffers buffers, HandlerTable handlers) {
        this.backend = backend;
        this.config = config;
        this.buffers = buffers;
        this.handlers = handlers;
        this.host = new HostRing(buffers.ring());
        this.dataRegion = new DataRegion(buffers.data());
        this.reaper = new Reaper(this, host);
        this.nextHealthCheck = System.nanoTime() + HEALTH_CHECK_NANOS;
        this.reaperThread = reaper.start();
    }

    // ---- bootstrap ------------------------------------------------------------------------------------------

    /** Bootstraps on a fresh backend of {@code kind} ({@link Backends#create}). */
    public static Megakernel bootstrap(BackendKind kind, MegakernelConfig config) {
        checkConfig(config);
        return bootstrap(Backends.create(kind), config);
    }

    /**
     * Checks {@code config} and the user handlers, allocates the control block, ring, debug log and io queue
     * through {@code backend}, writes the tenant masks and starts the backend's workers. The megakernel owns the
     * backend from here on: it closes it in {@link #close()}, or at once if bootstrapping fails.
     *
     * @throws BootstrapException for a bad configuration or handler, or when the backend fails to start
     */
    public static Megakernel bootstrap(Backend backend, MegakernelConfig config) {
        if (backend == null) {
            throw new BootstrapException("backend is null", "pass a Backend, e.g. Backends.create(BackendKind.CPU)");
        }
        try {
            checkConfig(config);
            HandlerTable handlers = HandlerTable.of(config.userHandlers());
            RingBuffers buffers = RingBuffers.allocate(backend, config.slotCount(), config.observables(),
                    config.debugRecords(), config.dataBytes());
            for (int t = 0; t < Permissions.TENANTS; t++) {
                buffers.control().setTenantMask(t, config.tenantMasks().getOrDefault(t, MegakernelConfig.ALL_ALLOWED));
            }
            backend.start(buffers, config);
            return new Megakernel(backend, config, buffers, handlers);
        } catch (RuntimeException | Error e) {
            try {
                backend.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof MegakernelException m) {
                throw m;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new BootstrapException("backend '" + backend.name() + "' failed to bootstrap: " + e,
                    "check the backend's message below; fall back to BackendKind.CPU if a device is missing", e);
        }
    }

    private static void checkConfig(MegakernelConfig c) {
        if (c == null) {
            throw new BootstrapException("megakernel config is null", "pass MegakernelConfig.defaults() or a variant");
        }
        range("slotCount", c.slotCount(), 1, SlotLayout.MAX_ENCODED_RING_SLOTS);
        range("workers", c.workers(), 0, c.slotCount());
        if (c.workers() > 0 && c.slotCount() % c.workers() != 0) {
            throw new BootstrapException("slotCount " + c.slotCount() + " is not a multiple of workers "
                    + c.workers() + "; each worker owns slots w, w+workers, ...",
                    "pick a worker count that divides the slot count, or 0 for the backend's default");
        }
        range("observables", c.observables(), 0, ControlLayout.MAX_ENCODED_OBSERVABLE_SLOTS);
        range("debugRecords", c.debugRecords(), 0, DebugLogLayout.MAX_ENCODED_DEBUG_RECORDS);
        range("dataBytes", c.dataBytes(), 0, RingBuffers.MAX_DATA_BYTES);
        if (c.handlerStepBudget() < 1 || c.handlerStepBudget() > 0xFFFF_FFFFL) {
            throw new BootstrapException("handlerStepBudget " + c.handlerStepBudget() + " is outside 1..4294967295",
                    "pass a budget that fits the u32 STEP_BUDGET fault detail");
        }
        if (c.drainTimeout().isNegative() || c.drainTimeout().isZero()) {
            throw new BootstrapException("drainTimeout " + c.drainTimeout() + " is not positive",
                    "pass a positive drain timeout, e.g. MegakernelConfig.DEFAULT_DRAIN_TIMEOUT");
        }
        for (Map.Entry<Integer, Integer> e : c.tenantMasks().entrySet()) {
            if (!Permissions.isTenant(e.getKey())) {
                throw new BootstrapException("tenant mask given for tenant " + e.getKey() + ", but tenants are 0.."
                        + (Permissions.TENANTS - 1) + " (control words TENANT_BASE..+29)",
                        "give masks only for tenants 0.." + (Permissions.TENANTS - 1));
            }
        }
    }

    private static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BootstrapException(name + " " + value + " is outside " + min + ".." + max,
                    "pass a " + name + " in " + min + ".." + max);
        }
    }

    // ---- publishing -----------------------------------------------------------------------------------------

    /**
     * Publishes one slot and returns its ticket. Blocks while the slot's previous occupant is in flight
     * (backpressure).
     *
     * @throws PublishRefusedException for a system-range opcode that is not a system opcode, a tenant outside
     *                                 0..29, a null priority or more than 12 arguments
     * @throws KernelClosedException   once shutdown has begun
     */
    public Ticket publish(int opcode, int tenant, Priority priority, int... args) {
        checkWork(opcode, tenant, priority, args == null ? 0 : args.length, "");
        enter();
        try {
            long seq = nextSequence.getAndIncrement();
            awaitTurn(seq);
            Ticket t = host.register(seq);
            host.fill(t.slot(), opcode, tenant, priority, args);
            VarHandle.releaseFence();
            host.markPublished(t.slot());
            reaper.wake();
            return t;
        } finally {
            exit();
        }
    }

    /**
     * Publishes {@code work} in order (the slots' STATUS fields are ignored) and returns one ticket per slot. The
     * batch takes consecutive sequence numbers; for each run of at most {@code slotCount} of them the host fills
     * every slot, issues one release fence, then stores the STATUS words. Every slot is checked before any is
     * published.
     */
    public List<Ticket> publishBatch(List<Slot> work) {
        if (work == null) {
            throw new PublishRefusedException("batch is null", "pass a list of slots");
        }
        for (int i = 0; i < work.size(); i++) {
            Slot s = work.get(i);
            if (s == null) {
                throw new PublishRefusedException("batch slot " + i + " is null", "pass only non-null slots");
            }
            checkWork(s.opcode(), s.tenant(), s.priority(), SlotLayout.ARGS_PER_SLOT, "batch slot " + i + ": ");
        }
        int n = work.size();
        if (n == 0) {
            return List.of();
        }
        enter();
        try {
            long first = nextSequence.getAndAdd(n);
            List<Ticket> tickets = new ArrayList<>(n);
            int slotCount = config.slotCount();
            for (int start = 0; start < n; start += slotCount) {
                int end = Math.min(n, start + slotCount);
                for (int i = start; i < end; i++) {
                    long seq = first + i;
                    awaitTurn(seq);
                    Ticket t = host.register(seq);
                    Slot s = work.get(i);
                    host.fill(t.slot(), s.opcode(), s.tenant(), s.priority(), s.args());
                    tickets.add(t);
                }
                VarHandle.releaseFence();
                for (int i = start; i < end; i++) {
                    host.markPublished(tickets.get(i).slot());
                }
                reaper.wake();
            }
            return tickets;
        } finally {
            exit();
        }
    }

    /**
     * Publishes one slot and spins on it in the calling thread until it finishes, with no hand-off to the reaper
     * (the latency path). Spins for up to 1 ms, then yields, then parks briefly between looks.
     *
     * @throws SlotNotExecutedException when the workers exit before running the slot
     */
    public SlotOutcome call(int opcode, int tenant, Priority priority, int... args) {
        checkWork(opcode, tenant, priority, args == null ? 0 : args.length, "");
        enter();
        try {
            long seq = nextSequence.getAndIncrement();
            awaitTurn(seq);
            int slot = host.slotOf(seq);
            host.claimForCaller(slot);
            host.fill(slot, opcode, tenant, priority, args);
            VarHandle.releaseFence();
            host.markPublished(slot);
            Backoff spin = new Backoff(CALL_SPIN_NANOS, 2 * CALL_SPIN_NANOS, Backoff.DEFAULT_MAX_PARK_NANOS);
            waitUntil(() -> host.finished(slot), spin, () -> {
                throw new SlotNotExecutedException("slot " + slot + " (sequence " + seq + ") was published but the"
                        + " workers exited before claiming it", "call before the megakernel shuts down");
            });
            return host.completeOwn(slot, seq);
        } finally {
            exit();
        }
    }

    private static void checkWork(int opcode, int tenant, Priority priority, int argCount, String where) {
        if (priority == null) {
            throw new PublishRefusedException(where + "priority is null", "pass a Priority, e.g. Priority.NORMAL");
        }
        if (argCount > SlotLayout.ARGS_PER_SLOT) {
            throw new PublishRefusedException(where + argCount + " arguments given, a slot carries at most "
                    + SlotLayout.ARGS_PER_SLOT, "pass at most 12 argument words");
        }
        if (!Permissions.isTenant(tenant)) {
            throw new PublishRefusedException(where + "tenant " + Integer.toUnsignedString(tenant)
                    + " is outside 0.." + (Permissions.TENANTS - 1) + " (one permission-mask word each)",
                    "publish as a tenant in 0.." + (Permissions.TENANTS - 1));
        }
        if (Opcodes.isSystem(opcode) && Permissions.systemBit(opcode) < 0) {
            throw new PublishRefusedException(where + "opcode " + Opcodes.name(opcode) + " is in the system range"
                    + " (high bit set, 0xFFF0..0xFFFF, or <= 7) but is not a system opcode",
                    "publish a built-in by its Opcodes constant, or a user opcode outside the system range");
        }
    }

    private void enter() {
        activeHostOps.incrementAndGet();
        if (closing) {
            activeHostOps.decrementAndGet();
            throw new KernelClosedException("the megakernel is shutting down or closed (close() was called or a"
                    + " SHUTDOWN slot ran); it accepts no more slots", "bootstrap a new megakernel for more work");
        }
    }

    private void exit() {
        activeHostOps.decrementAndGet();
    }

    /**
     * Waits for the turn of {@code seq}'s slot; gives up only when the workers are gone. On the reaper thread (a
     * ticket callback that publishes) it reaps while it waits, since nobody else would.
     */
    private void awaitTurn(long seq) {
        if (host.turnReady(seq)) {
            return;
        }
        BooleanSupplier ready = Thread.currentThread() != reaperThread ? () -> host.turnReady(seq) : () -> {
            host.reap();
            if ((closing || buffers.control().shutdownRequested()) && backend.awaitExit(Duration.ZERO)) {
                closing = true;
                workersGone = true;
            }
            return host.turnReady(seq);
        };
        waitUntil(ready, new Backoff(), () -> {
            throw new KernelClosedException("the workers exited while slot " + host.slotOf(seq) + " (sequence "
                    + seq + ") waited for its previous occupant", "bootstrap a new megakernel for more work");
        });
    }

    /**
     * Waits until {@code done}, ignoring interrupts (a publisher that took a sequence number must publish it, or
     * its worker would wait for it forever) but restoring the flag; runs {@code gone} when the workers exited
     * first. A published slot cannot be abandoned, so there is no timeout: {@link #close()} bounds the drain.
     */
    private void waitUntil(BooleanSupplier done, Backoff backoff, Runnable gone) {
        boolean interrupted = false;
        try {
            while (!done.getAsBoolean()) {
                if (workersGone && !done.getAsBoolean()) {
                    gone.run();
                }
                backoff.pause();
                interrupted |= Thread.interrupted();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- state ----------------------------------------------------------------------------------------------

    /** {@code control[DONE_COUNT]}: slots finished (DONE or FAULT) since bootstrap, as a u32 in an int. */
    public int doneCount() {
        return openBuffers().control().doneCount();
    }

    /** The control block (valid until {@link #close()} returns). */
    public ControlView control() {
        return openBuffers().control();
    }

    /** The debug log (valid until {@link #close()} returns). */
    public DebugLogView debugLog() {
        return openBuffers().debug();
    }

    /** The ring (valid until {@link #close()} returns). */
    public RingView ring() {
        return openBuffers().ring();
    }

    /**
     * The data region ({@link MegakernelConfig#dataBytes()}, zeroed at bootstrap; zero-length when none): shared
     * memory that user handlers declaring a {@value HandlerTable#DATA} buffer read in place. A GpuStream leases its
     * chunk buffers from it; {@link #close()} frees it once every lease is closed.
     */
    public DataRegion dataRegion() {
        openBuffers();
        return dataRegion;
    }

    /** The configuration it was bootstrapped with. */
    public MegakernelConfig config() {
        return config;
    }

    /** The checked, sorted user handlers (their permission bits). */
    public HandlerTable handlers() {
        return handlers;
    }

    /** The backend's name ("cpu", "cuda"). */
    public String backendName() {
        return backend.name();
    }

    /** Executors that own slots. */
    public int workers() {
        return backend.workers();
    }

    /** Whether shutdown has begun (close() was called or a SHUTDOWN slot ran and the reaper saw it). */
    public boolean closing() {
        return closing;
    }

    private RingBuffers openBuffers() {
        if (closed) {
            throw new KernelClosedException("the megakernel is closed; its buffers are freed",
                    "read the control block and debug log before close()");
        }
        return buffers;
    }

    // ---- shutdown -------------------------------------------------------------------------------------------

    /**
     * Called by the reaper when it has nothing to reap: notices a SHUTDOWN that a slot requested and workers that
     * died, and once shutdown has begun, the workers have exited and no publisher or caller is active, completes
     * or fails every remaining ticket. True when the reaper's work is over.
     */
    boolean tryFinish() {
        if (!closing) {
            if (buffers.control().shutdownRequested()) {
                closing = true;
            } else if (System.nanoTime() - nextHealthCheck >= 0) {
                nextHealthCheck = System.nanoTime() + HEALTH_CHECK_NANOS;
                if (backend.awaitExit(Duration.ZERO)) {
                    closing = true;
                }
            }
            if (!closing) {
                return false;
            }
        }
        if (!backend.awaitExit(Duration.ZERO)) {
            return false;
        }
        workersGone = true;
        if (activeHostOps.get() != 0) {
            return false;
        }
        host.sweep();
        return true;
    }

    /**
     * Shuts down: refuses new slots, waits for running publishers and callers, sets {@code control[SHUTDOWN]},
     * waits for the workers to drain every published slot and exit and for the reaper to complete every ticket,
     * revokes the data region's leases and waits until they are closed ({@link DataRegion}), then frees the buffers. All waits together are bounded by the configured drain timeout; when it runs out
     * this throws {@link KernelTimeoutException} and frees nothing (call again to keep waiting). Idempotent.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == reaperThread) {
            throw new MegakernelException("close() was called on the reaper thread (from a ticket callback), which"
                    + " close() must wait for", "close from another thread, e.g. with a ...Async callback");
        }
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closing = true;
            reaper.wake();
            long deadline = System.nanoTime() + config.drainTimeout().toNanos();
            Backoff backoff = new Backoff();
            while (activeHostOps.get() != 0) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new KernelTimeoutException(activeHostOps.get() + " publishers or callers still wait for"
                            + " ring slots after " + config.drainTimeout(), "let the workers finish long handlers,"
                            + " or raise MegakernelConfig.drainTimeout");
                }
                backoff.pause();
            }
            buffers.control().requestShutdown();
            if (!backend.awaitExit(remaining(deadline))) {
                throw new KernelTimeoutException("the " + backend.name() + " workers did not drain and exit within "
                        + config.drainTimeout() + " after SHUTDOWN", "check for handlers that run too long, or"
                        + " raise MegakernelConfig.drainTimeout; close() again keeps waiting");
            }
            reaper.wake();
            if (!Joins.joinUntil(reaperThread, deadline)) {
                throw new KernelTimeoutException("the reaper did not complete the last tickets within "
                        + config.drainTimeout(), "do not block in ticket callbacks; close() again keeps waiting");
            }
            dataRegion.revokeAndAwait(deadline);
            closed = true;
            backend.close();
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
