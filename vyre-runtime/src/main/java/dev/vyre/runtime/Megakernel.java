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
import dev.vyre.runtime.automata.DfaStepUnit;
import dev.vyre.runtime.vm.VmRegistryException;
import dev.vyre.runtime.vm.VmUnit;
import dev.vyre.runtime.automata.ScanException;
import dev.vyre.runtime.replay.ReplayRecorder;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * apart). {@link #submit} is the bulk path: runs of untracked slots with no per-slot object, awaited with
 * {@link #awaitDone} and accounted in {@link #untrackedStats()}; the publisher that next needs such a slot
 * recycles it. {@link #close()} requests SHUTDOWN, lets the workers drain every published slot, completes every ticket
 * and frees the buffers.
 */
public final class Megakernel implements AutoCloseable {
    /** How long {@link #call} spins on its slot before it yields, then parks. */
    static final long CALL_SPIN_NANOS = 1_000_000;
    /** Looks at its slot's STATUS that {@link #call} makes in a tight loop before its backoff starts. */
    static final int CALL_TIGHT_SPINS = 1 << 10;
    /**
     * Sequences {@link #submit} takes at once (one atomic add per run; the filler of {@code submit(..., ArgFiller)}
     * fills a whole run before it is published).
     */
    public static final int SUBMIT_RUN_SLOTS = 256;
    /** How often the reaper checks that the workers are still alive when no shutdown was requested. */
    private static final long HEALTH_CHECK_NANOS = 10_000_000;

    private final Backend backend;
    private final MegakernelConfig config;
    private final RingBuffers buffers;
    private final HandlerTable handlers;
    private final HostRing host;
    private final DataRegion dataRegion;
    private final Tenants tenants;
    private final TenantGate gate;
    private final TenantHandle[] tenantHandles = new TenantHandle[Permissions.TENANTS];
    private final Reaper reaper;
    private final Thread reaperThread;
    /** The replay log's recorder ({@link MegakernelConfig#replay()}), or null. */
    private final SlotObserver observer;
    /** The backend's doorbell line ({@link Backend#doorbell()}), or null. */
    private final Doorbell doorbell;
    private final AtomicLong nextSequence = new AtomicLong();
    /** Every sequence below it is known to have finished, with its untracked faults counted. */
    private final AtomicLong settledEnd = new AtomicLong();
    /** Publishers and callers between their closing check and the end of their ring accesses. */
    private final AtomicInteger activeHostOps = new AtomicInteger();
    private final Object closeLock = new Object();
    private volatile boolean closing;
    private volatile boolean workersGone;
    private volatile boolean closed;
    private long nextHealthCheck;

    private Megakernel(Backend backend, MegakernelConfig config, RingBuffers buffers, HandlerTable handlers,
                       SlotObserver observer, Tenants tenants) {
        this.backend = backend;
        this.config = config;
        this.buffers = buffers;
        this.handlers = handlers;
        this.observer = observer;
        this.host = new HostRing(buffers.ring(), observer);
        this.dataRegion = new DataRegion(buffers.data());
        this.tenants = tenants;
        this.gate = new TenantGate(tenants);
        for (int t = 0; t < Permissions.TENANTS; t++) {
            if (tenants.spec(t) != null) {
                tenantHandles[t] = new TenantHandle(this, gate, t, tenants.spec(t), tenants.quota(t));
                TenantSpec.Regions r = tenants.spec(t).regions();
                if (r != null && buffers.vm() != null) {
                    buffers.vm().confine(t, buffers.data().asSlice(r.dataOffset(), r.dataBytes()));
                }
            }
        }
        MemorySegment bell = backend.doorbell();
        this.doorbell = bell == null ? null : new Doorbell(bell);
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
        SlotObserver observer = null;
        try {
            checkConfig(config);
            HandlerTable handlers = HandlerTable.of(config.userHandlers());
            Tenants tenants = Tenants.resolve(config, handlers);
            observer = config.replay() == null ? null : ReplayRecorder.open(config.replay(), config);
            RingBuffers buffers = RingBuffers.allocate(backend, config);
            for (int t = 0; t < Permissions.TENANTS; t++) {
                buffers.control().setTenantMask(t, config.tenantMasks().getOrDefault(t, MegakernelConfig.ALL_ALLOWED));
            }
            tenants.writeTo(buffers.control(), config.scheduler());
            backend.start(buffers, config);
            observer = SlotObserver.both(observer, backend.publishObserver());
            return new Megakernel(backend, config, buffers, handlers, observer, tenants);
        } catch (RuntimeException | Error e) {
            try {
                backend.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                if (observer != null) {
                    observer.close();
                }
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
        return publish(opcode, tenant, priority, args, null);
    }

    /** {@link #publish(int, int, Priority, int...)} with an action run once before the ticket's outcome is visible. */
    Ticket publish(int opcode, int tenant, Priority priority, int[] args, Runnable onFinish) {
        checkWork(opcode, tenant, priority, args == null ? 0 : args.length, "");
        enter();
        try {
            long seq = nextSequence.getAndIncrement();
            awaitTurn(seq);
            Ticket t = host.register(seq, onFinish);
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
            if (doorbell != null) {
                // this caller owns the slot until completeOwn, so the doorbell names its current occupant
                doorbell.ring(seq, opcode, tenant);
            }
            awaitOwn(slot, seq);
            return host.completeOwn(slot, seq);
        } finally {
            exit();
        }
    }

    /**
     * Waits for the caller's own slot: first {@value #CALL_TIGHT_SPINS} looks at its STATUS word with nothing between
     * them but {@link Thread#onSpinWait()} (no clock read, no allocation: the round trip of a busy device is a few
     * microseconds), then the backoff of {@link #waitUntil} (spin up to 1 ms, yield, park), which also notices
     * workers that exited.
     */
    private void awaitOwn(int slot, long seq) {
        for (int i = 0; i < CALL_TIGHT_SPINS; i++) {
            if (host.finished(slot)) {
                return;
            }
            Thread.onSpinWait();
        }
        Backoff spin = new Backoff(CALL_SPIN_NANOS, 2 * CALL_SPIN_NANOS, Backoff.DEFAULT_MAX_PARK_NANOS);
        waitUntil(() -> host.finished(slot), spin, () -> {
            throw new SlotNotExecutedException("slot " + slot + " (sequence " + seq + ") was published but the"
                    + " workers exited before claiming it", "call before the megakernel shuts down");
        });
    }

    /**
     * Publishes {@code count} untracked slots of {@code opcode}, each with the same arguments (missing ones zero):
     * the bulk path, with no ticket or other object per slot. Slots are published in runs of up to
     * {@value #SUBMIT_RUN_SLOTS} sequences (each slot's words 1..15, a release fence, then its STATUS), with the
     * same backpressure as {@link #publish}. Their outcomes are not kept: await them with {@link #awaitDone} and
     * read faults from {@link #untrackedStats()}. Safe to mix with tickets and calls from any threads.
     *
     * @return a sequence end: every slot of this batch has a lower sequence number (runs of concurrent publishers
     *         may interleave); with {@code count} 0, the next sequence number
     * @throws PublishRefusedException as {@link #publish}, and for a negative count
     * @throws KernelClosedException   once shutdown has begun
     */
    public long submit(int opcode, int tenant, Priority priority, int count, int... args) {
        checkWork(opcode, tenant, priority, args == null ? 0 : args.length, "");
        checkCount(count);
        int[] words = Arrays.copyOf(args == null ? new int[0] : args, SlotLayout.ARGS_PER_SLOT);
        return submitRuns(opcode, tenant, priority, count, words, null);
    }

    /**
     * Publishes {@code count} untracked slots of {@code opcode} as {@link #submit(int, int, Priority, int, int...)},
     * with the arguments of slot {@code i} written by {@code filler.fill(i, args)}. The filler runs for a whole run
     * before the run's sequence numbers are taken; if it throws, the runs before were published and this run was
     * not.
     *
     * @throws PublishRefusedException as {@link #publish}, for a negative count or a null filler, and when the
     *                                 filler throws (the cause; the message says how many slots were published)
     */
    public long submit(int opcode, int tenant, Priority priority, int count, ArgFiller filler) {
        checkWork(opcode, tenant, priority, 0, "");
        checkCount(count);
        if (filler == null) {
            throw new PublishRefusedException("argument filler is null", "pass an ArgFiller, or use submit(opcode,"
                    + " tenant, priority, count, args...) for the same arguments in every slot");
        }
        return submitRuns(opcode, tenant, priority, count, null, filler);
    }

    private static void checkCount(int count) {
        if (count < 0) {
            throw new PublishRefusedException("slot count " + count + " is negative", "submit 0 or more slots");
        }
    }

    /** Publishes {@code count} untracked slots in runs; {@code same} holds 12 words for all, else {@code filler}. */
    private long submitRuns(int opcode, int tenant, Priority priority, int count, int[] same, ArgFiller filler) {
        int slotCount = config.slotCount();
        int run = Math.min(SUBMIT_RUN_SLOTS, slotCount);
        int priorityWire = priority.wire();
        long[] body = new long[(filler == null ? 1 : run) * HostRing.BODY_LONGS];
        int[] one = new int[SlotLayout.ARGS_PER_SLOT];
        if (filler == null) {
            HostRing.packBody(tenant, priorityWire, same, 0, body, 0);
        }
        enter();
        try {
            long end = nextSequence.get();
            for (int done = 0; done < count; ) {
                int n = Math.min(run, count - done);
                if (filler != null) {
                    fillRun(filler, done, n, tenant, priorityWire, one, body, end);
                }
                long first = nextSequence.getAndAdd(n);
                int firstSlot = host.slotOf(first);
                long lap = first / slotCount;
                if (first + n > slotCount) {
                    host.finishedAhead(firstSlot, n);
                }
                int slot = firstSlot;
                for (int k = 0; k < n; k++) {
                    awaitTurn(slot, lap, first + k);
                    host.claimUntracked(slot);
                    host.fillBody(slot, opcode, body, filler == null ? 0 : k * HostRing.BODY_LONGS);
                    // STATUS right after the body, while the line is still this core's: a second pass over the run
                    // found many lines taken away by the workers' polls in between and paid for them again
                    VarHandle.releaseFence();
                    host.markPublished(slot);
                    if (++slot == slotCount) {
                        slot = 0;
                        lap++;
                    }
                }
                done += n;
                end = first + n;
            }
            return end;
        } finally {
            exit();
        }
    }

    /** Runs {@code filler} for batch slots {@code [done, done + n)} and packs their bodies into {@code body}. */
    private static void fillRun(ArgFiller filler, int done, int n, int tenant, int priorityWire, int[] one,
                                long[] body, long publishedEnd) {
        for (int k = 0; k < n; k++) {
            Arrays.fill(one, 0);
            try {
                filler.fill(done + k, one);
            } catch (RuntimeException e) {
                throw new PublishRefusedException("the argument filler failed on slot " + (done + k) + " of the "
                        + "batch: " + e + (done == 0 ? "; no slot of the batch was published" : "; the first " + done
                        + " slots were published (all below sequence " + publishedEnd + "), the rest were not"),
                        "fix the filler" + (done == 0 ? "" : "; await the published slots with awaitDone("
                        + publishedEnd + ", timeout)"), e);
            }
            HostRing.packBody(tenant, priorityWire, one, 0, body, k * HostRing.BODY_LONGS);
        }
    }

    /**
     * Waits until every slot with a sequence number below {@code sequenceEnd} has finished (DONE or FAULT), whether
     * published by {@link #submit}, {@link #publish} or {@link #call}. It waits for {@code control[DONE_COUNT]}
     * (a wrapping u32, extended with the sequence count) to reach {@code sequenceEnd}, then confirms slot by slot
     * over the last ring length of sequences, counting the faults of untracked slots: when it returns, every
     * untracked fault below {@code sequenceEnd} is counted in {@link #untrackedStats()}.
     *
     * @throws MegakernelException      for a {@code sequenceEnd} past the sequence numbers handed out, a null or
     *                                  negative timeout, or a call from a ticket callback on the reaper thread
     * @throws KernelTimeoutException   when the slots do not finish within {@code timeout}, or the thread is
     *                                  interrupted (the interrupt flag stays set)
     * @throws SlotNotExecutedException when the workers exited before running one of the slots
     * @throws KernelClosedException    once shutdown has begun ({@link #close()} drains every published slot; the
     *                                  stats are final when it returns)
     */
    public void awaitDone(long sequenceEnd, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new MegakernelException("awaitDone timeout " + timeout + " is null or negative",
                    "pass a timeout of zero or more, e.g. Duration.ofSeconds(10)");
        }
        if (Thread.currentThread() == reaperThread) {
            throw new MegakernelException("awaitDone() was called on the reaper thread (from a ticket callback),"
                    + " which must not block", "await from another thread, e.g. with a ...Async callback");
        }
        enter();
        try {
            long taken = nextSequence.get();
            if (sequenceEnd < 0 || sequenceEnd > taken) {
                throw new MegakernelException("awaitDone(" + sequenceEnd + "): only sequence numbers below " + taken
                        + " have been handed out", "pass a sequence end returned by submit, or a ticket's sequence"
                        + " + 1");
            }
            long start = System.nanoTime();
            long budget = saturatedNanos(timeout);
            Backoff backoff = new Backoff();
            while (!workersGone && doneCount64() < sequenceEnd) {
                checkWait(start, budget, timeout, "control[DONE_COUNT] reached " + doneCount64() + " of "
                        + sequenceEnd);
                backoff.pause();
            }
            long from = Math.max(Math.max(0, sequenceEnd - config.slotCount()), settledEnd.get());
            backoff.reset();
            while ((from = host.settle(from, sequenceEnd)) < sequenceEnd) {
                if (workersGone && host.settle(from, from + 1) == from) {
                    throw new SlotNotExecutedException("slot " + host.slotOf(from) + " (sequence " + from + ") was "
                            + "published but the workers exited before running it", "awaitDone only for slots"
                            + " published before the megakernel shuts down");
                }
                checkWait(start, budget, timeout, "sequence " + from + " (slot " + host.slotOf(from) + ") has not"
                        + " finished");
                backoff.pause();
            }
            settledEnd.accumulateAndGet(sequenceEnd, Math::max);
        } finally {
            exit();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void checkWait(long start, long budget, Duration timeout, String state) {
        if (Thread.currentThread().isInterrupted()) {
            throw new KernelTimeoutException("interrupted in awaitDone: " + state, "do not interrupt threads that"
                    + " await slots, or await again");
        }
        if (System.nanoTime() - start >= budget) {
            throw new KernelTimeoutException("awaitDone timed out after " + timeout + ": " + state, "wait longer, or"
                    + " check that the megakernel is running and that its handlers terminate");
        }
    }

    /** {@code control[DONE_COUNT]} extended to 64 bits (see {@link #extendDoneCount}). */
    private long doneCount64() {
        int done = buffers.control().doneCount();
        return extendDoneCount(nextSequence.get(), done);
    }

    /**
     * Extends the wrapping u32 {@code doneWord} to the 64-bit count it stands for, given {@code taken}, the number
     * of sequence numbers handed out when (or after) it was read: finished slots never outnumber them, and fewer
     * than 2^32 of them are unfinished, so the count is the largest value at most {@code taken} that is congruent to
     * {@code doneWord} modulo 2^32.
     */
    static long extendDoneCount(long taken, int doneWord) {
        return taken - ((taken - Integer.toUnsignedLong(doneWord)) & 0xFFFF_FFFFL);
    }

    /**
     * What became of the untracked slots ({@link #submit}) so far: faults (with the first one) and slots the workers
     * never ran. Readable after {@link #close()}, when it covers every untracked slot.
     */
    public UntrackedStats untrackedStats() {
        return host.untrackedStats();
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
        awaitTurn(host.slotOf(seq), host.lapOf(seq), seq);
    }

    /**
     * {@link #awaitTurn(long)} for {@code seq} in {@code slot} and {@code lap}. A finished untracked predecessor is
     * recycled here by the publisher that needs the slot.
     */
    private void awaitTurn(int slot, long lap, long seq) {
        if (host.turnReady(slot, lap) || host.recycleUntrackedPredecessor(slot, lap)) {
            return;
        }
        BooleanSupplier ready = Thread.currentThread() != reaperThread
                ? () -> host.turnReady(slot, lap) || host.recycleUntrackedPredecessor(slot, lap) : () -> {
            host.reap();
            if ((closing || buffers.control().shutdownRequested()) && backend.awaitExit(Duration.ZERO)) {
                closing = true;
                workersGone = true;
            }
            return host.turnReady(slot, lap) || host.recycleUntrackedPredecessor(slot, lap);
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

    /**
     * The DFA_STEP unit of the automata registered at bootstrap ({@link MegakernelConfig#withAutomata}): where the
     * host registers the inputs and match buffers that DFA_STEP slots name.
     *
     * @throws dev.vyre.runtime.automata.ScanException when the configuration registered no automata
     */
    public DfaStepUnit dfaStep() {
        DfaStepUnit unit = openBuffers().dfaStep();
        if (unit == null) {
            throw new ScanException("this megakernel was bootstrapped without automata, so it has no DFA_STEP unit",
                    "bootstrap with MegakernelConfig.withAutomata(RingScanner.ringAutomata(compiled))");
        }
        return unit;
    }

    /**
     * The VM_EXEC registry (docs/VM-BYTECODE.md): where tenants register VIR0 programs and the buffer sets they run
     * on, so that VM_EXEC slots run them without a relaunch.
     */
    public VmUnit vm() {
        VmUnit unit = openBuffers().vm();
        if (unit == null) {
            throw new VmRegistryException("this megakernel's buffers were made without a VM_EXEC registry",
                    "bootstrap through Megakernel.bootstrap, which allocates one");
        }
        return unit;
    }

    /**
     * Allocates {@code bytes} of zeroed memory that the host and the workers both see (pinned and device-mapped on
     * CUDA), e.g. DFA_STEP inputs and match buffers; it is freed when the megakernel closes.
     *
     * @param alignment a power of two up to 4096
     */
    public MemorySegment allocateShared(long bytes, long alignment) {
        openBuffers();
        return backend.allocateShared(bytes, alignment);
    }

    /**
     * The handle of declared tenant {@code tenant} ({@link MegakernelConfig#withTenant}): publishing through it
     * checks the tenant's opcodes and waits for its quota (docs/TENANTS.md).
     *
     * @throws MegakernelException when {@code tenant} was not declared at bootstrap
     */
    public TenantHandle tenant(int tenant) {
        TenantHandle h = Permissions.isTenant(tenant) ? tenantHandles[tenant] : null;
        if (h == null) {
            throw new MegakernelException("tenant " + Integer.toUnsignedString(tenant) + " was not declared at"
                    + " bootstrap", "declare it with MegakernelConfig.withTenant(id, TenantSpec) before bootstrap");
        }
        return h;
    }

    /** The declared tenants, as checked at bootstrap. */
    public Tenants tenants() {
        return tenants;
    }

    /**
     * Workers the backend detected dead or stalled and rebuilt, in order (docs/TENANTS.md, Recovery): each names
     * the slot it was running, with its opcode and tenant. Empty when none failed.
     */
    public List<WorkerRecovery> recoveries() {
        return backend.recoveries();
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
            try {
                backend.close();
            } finally {
                if (observer != null) {
                    observer.close();
                }
            }
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
