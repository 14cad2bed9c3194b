package dev.vyre.runtime.isolated;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.BootstrapException;
import dev.vyre.runtime.Joins;
import dev.vyre.runtime.KernelTimeoutException;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.SlotObserver;
import dev.vyre.runtime.WorkerRecovery;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A backend whose workers run in a child JVM (docs/TENANTS.md, isolated backend): the ring, control block, debug
 * log and data region live in a file both processes map, so the {@code Megakernel} in this process publishes and
 * completes slots exactly as with any backend, while the CPU workers or the CUDA megakernel run in the child. A
 * fault that kills the child (an illegal address poisons a CUDA process for good) or a child that stops making
 * progress (DONE_COUNT still for the watchdog period with slots in flight) is survived:
 *
 * <ol>
 *   <li>the child is killed (if still alive); DONE and FAULT slots are kept as they are, never run again;</li>
 *   <li>the slots that were CLAIMED are the suspects. Every PUBLISHED slot is held back, a fresh child is started
 *       with each worker at its cursor, and the suspects are published one at a time. One that completes was
 *       innocent (it has now run, from its published words). One that kills or hangs the child again is the culprit:
 *       it ends FAULT WORKER_LOST (detail 1 died, 2 hung) and {@link #recoveries()} names it with its slot, opcode,
 *       tenant and worker; another fresh child takes over;</li>
 *   <li>the held slots are published again and run as usual.</li>
 * </ol>
 *
 * <p>A suspect's handler may have had effects before the child died (it never reported DONE): those are not undone.
 * Costs: one child JVM (its start is the backend's start-up time; the CUDA child also JIT-loads the kernel) and
 * a restart per fault. See {@link IsolatedOptions}.
 */
public final class IsolatedBackend implements Backend {
    /** How long {@link #close()} waits for the child to drain after it set SHUTDOWN. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = 1_000_000;

    private final IsolatedOptions options;
    private final SharedFile file;
    private final List<WorkerRecovery> recoveries = new CopyOnWriteArrayList<>();
    private final CountDownLatch over = new CountDownLatch(1);
    private RingView ring;
    private ControlView control;
    private IsolationHeader header;
    /** The published words of every slot, restored into a half-run slot before it runs again. */
    private PublishedWords published;
    private ChildSpec spec;
    private volatile ChildProcess child;
    private volatile int workers;
    private volatile boolean stopping;
    private volatile String failure;
    private volatile int generation;
    /** Whether a recovery published held or suspect slots into the current child (cleared at each launch). */
    private volatile boolean republished;
    private int restarts;
    private Thread supervisor;
    private boolean closed;

    /** Keeps the published words of each slot ({@link PublishedWords}); set once {@link #start} ran. */
    @Override
    public SlotObserver publishObserver() {
        return published;
    }

    /** An isolated backend with {@code options} ({@link IsolatedOptions#cpu()}, {@link IsolatedOptions#cuda()}). */
    public IsolatedBackend(IsolatedOptions options) {
        if (options == null) {
            throw new BootstrapException("isolated backend options are null", "pass IsolatedOptions.cpu() or .cuda()");
        }
        this.options = options;
        this.file = SharedFile.create(options.directory());
    }

    @Override
    public String name() {
        return options.inner().name().toLowerCase(java.util.Locale.ROOT) + "-isolated";
    }

    /** Zeroed memory in the shared ring file; only before {@link #start} (the child maps what exists then). */
    @Override
    public synchronized MemorySegment allocateShared(long bytes, long alignment) {
        if (header != null || closed) {
            throw new BootstrapException("isolated backend: shared memory can be allocated only before start (the"
                    + " child maps the ring file once), not " + (closed ? "after close" : "after start"),
                    "allocate everything through the configuration (dataBytes); DFA_STEP inputs are not supported"
                    + " by the isolated backend");
        }
        if (alignment < 1 || alignment > SharedFile.PAGE || Long.bitCount(alignment) != 1 || bytes < 1) {
            throw new BootstrapException("isolated backend: cannot allocate " + bytes + " bytes aligned to "
                    + alignment, "ask for at least 1 byte with a power-of-two alignment up to " + SharedFile.PAGE);
        }
        return file.allocate(bytes);
    }

    @Override
    public long deviceAddress(MemorySegment segment) {
        throw new BootstrapException("isolated backend: the workers run in another process, so host memory has no"
                + " address they share", "DFA_STEP (which needs device addresses) is not supported by the isolated"
                + " backend; use BackendKind.CPU or CUDA for it");
    }

    @Override
    public synchronized void start(RingBuffers buffers, MegakernelConfig config) {
        if (header != null || closed) {
            throw new BootstrapException("isolated backend was already started" + (closed ? " and closed" : ""),
                    "use a fresh IsolatedBackend for every megakernel");
        }
        if (!config.automata().isEmpty() || config.scheduler().lookahead() != 1) {
            throw new BootstrapException("isolated backend: automata (" + config.automata().size() + ") and a priority"
                    + " look-ahead (" + config.scheduler().lookahead() + ") are not supported: a restarted worker"
                    + " resumes from one cursor in ring order", "bootstrap without automata and with look-ahead 1");
        }
        this.ring = buffers.ring();
        this.control = buffers.control();
        int slots = ring.slotCount();
        this.published = new PublishedWords(slots);
        this.header = new IsolationHeader(file.allocate(IsolationHeader.bytes(slots)), slots);
        header.set(IsolationHeader.MAGIC, IsolationHeader.MAGIC_VALUE);
        MemorySegment[] parts = {buffers.control().segment(), ring.segment(), buffers.debug().segment(),
                buffers.ioQueue(), buffers.data(), header.segment()};
        long[] offsets = new long[parts.length];
        long[] sizes = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].byteSize() == 0) {
                continue;
            }
            SharedFile.Region r = file.regionOf(parts[i]);
            if (r == null || r.segment().address() != parts[i].address()) {
                throw new BootstrapException("isolated backend: buffer " + ChildSpec.Buffer.values()[i] + " was not"
                        + " allocated by this backend", "allocate the buffers with RingBuffers.allocate(backend, ...)");
            }
            offsets[i] = r.offset();
            sizes[i] = parts[i].byteSize();
        }
        this.spec = ChildSpec.of(file.path(), offsets, sizes, options, config);
        ChildProcess first = launch(spec);
        if (first == null) {
            String why = failure;
            close();
            throw new BootstrapException("isolated backend: the child process did not start: " + why,
                    "see the child's output above; check the class path and, for CUDA, the driver");
        }
        this.workers = header.get(IsolationHeader.WORKERS);
        this.supervisor = Thread.ofPlatform().daemon().name("vyre-isolated-supervisor").start(this::supervise);
    }

    /** Launches a child on {@code s} and waits until it runs; null (with {@link #failure} set) when it did not. */
    private ChildProcess launch(ChildSpec s) {
        header.set(IsolationHeader.STATE, IsolationHeader.STARTING);
        republished = false;
        ChildProcess c = ChildProcess.launch(s, options, file.path(), generation++);
        if (c.awaitRunning(header, options.startTimeout().toNanos())) {
            child = c;
            return c;
        }
        c.kill();
        failure = "child " + c.generation() + " (pid " + c.pid() + ") did not reach RUNNING within "
                + options.startTimeout() + " (" + c.exitDescription() + "); its output: " + c.logTail();
        return null;
    }

    /** Starts a fresh child with every worker at {@code cursors}; false when the restart budget is spent. */
    private boolean restart(int[] cursors) {
        while (!stopping) {
            if (restarts++ >= options.maxRestarts()) {
                failure = "gave up after " + options.maxRestarts() + " restarts; last: " + failure;
                return false;
            }
            for (int w = 0; w < cursors.length; w++) {
                header.setCursor(w, cursors[w]);
            }
            if (launch(spec.restart(workers)) != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int workers() {
        return workers;
    }

    // ---- supervision ----------------------------------------------------------------------------------------

    private enum Trial {
        FINISHED, DIED, HUNG, DRAINED, UNCLAIMED, STOPPED
    }

    /** Watches the child until it drains after SHUTDOWN, or the backend gives up or closes. */
    private void supervise() {
        try {
            watch();
        } catch (RuntimeException | Error e) {
            failure = "the supervisor failed: " + e;
            throw e;
        } finally {
            over.countDown();
        }
    }

    /** The watch loop: child exits and the DONE_COUNT watchdog. */
    private void watch() {
        int lastDone = control.doneCount();
        long since = System.nanoTime();
        long period = options.watchdog().toNanos();
        while (!stopping) {
            ChildProcess c = child;
            if (!c.isAlive()) {
                if (header.get(IsolationHeader.STATE) == IsolationHeader.DRAINED) {
                    RingRepair r = new RingRepair(ring, header, workers, published);
                    if (!republished || !r.outstanding()) {
                        return;
                    }
                    // it drained while a recovery still held slots, which it republished since: drain those too
                    if (!restart(r.cursors())) {
                        return;
                    }
                    continue;
                }
                if (!recover(WorkerRecovery.Cause.DIED, describeDeath(c))) {
                    return;
                }
                lastDone = control.doneCount();
                since = System.nanoTime();
                continue;
            }
            int done = control.doneCount();
            long now = System.nanoTime();
            if (period <= 0 || done != lastDone || !new RingRepair(ring, header, workers, published).outstanding()) {
                lastDone = done;
                since = now;
            } else if (now - since >= period) {
                c.kill();
                if (!recover(WorkerRecovery.Cause.STALLED, "DONE_COUNT stayed at " + Integer.toUnsignedString(
                        done) + " for " + options.watchdog() + " with slots in flight (child " + c.generation()
                        + " killed)")) {
                    return;
                }
                lastDone = control.doneCount();
                since = System.nanoTime();
                continue;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private static String describeDeath(ChildProcess c) {
        return "child " + c.generation() + " (pid " + c.pid() + ") died, " + c.exitDescription() + "; its output: "
                + c.logTail().strip();
    }

    /**
     * Recovers from a dead (already gone) or hung (already killed) child: runs the suspects alone, faults the
     * culprit, publishes the held slots and leaves a fresh child running. False when no child could be started.
     */
    private boolean recover(WorkerRecovery.Cause cause, String error) {
        boolean shutdown = takeShutdown();
        try {
            RingRepair repair = new RingRepair(ring, header, workers, published);
            List<Integer> suspects = repair.claimed();
            int[] cursors = repair.cursors();
            repair.holdAll();
            Deque<Integer> queue = new ArrayDeque<>(suspects);
            boolean culpritFound = false;
            if (!restart(cursors)) {
                return false;
            }
            while (!queue.isEmpty()) {
                shutdown |= takeShutdown();
                int s = queue.peekFirst();
                repair.publish(s);
                republished = true;
                Trial t = trial(s);
                if (t == Trial.STOPPED) {
                    return false;
                }
                if (t == Trial.FINISHED) {
                    queue.pollFirst();
                    continue;
                }
                boolean guilty = (t == Trial.DIED || t == Trial.HUNG)
                        && ring.statusWord(s) == SlotState.CLAIMED.wire();
                if (guilty) {
                    queue.pollFirst();
                    culpritFound = true;
                    blame(s, t, error, suspects);
                }
                RingRepair again = new RingRepair(ring, header, workers, published);
                queue.addAll(again.claimed());
                int[] next = again.cursors();
                if (guilty) {
                    next[s % workers] = again.next(s);
                }
                again.holdClaimed();
                shutdown |= takeShutdown();
                if (!restart(next)) {
                    return false;
                }
            }
            if (!culpritFound) {
                recoveries.add(new WorkerRecovery(-1, cause, -1, 0, 0, error + (suspects.isEmpty()
                        ? "; no slot was in flight" : "; every slot in flight " + suspects + " completed when run"
                        + " again alone")));
            }
            if (repair.releaseHeld() > 0) {
                republished = true;
            }
            return true;
        } finally {
            if (shutdown) {
                control.requestShutdown();
            }
        }
    }

    /**
     * Clears a requested SHUTDOWN while a recovery runs, so that a trial child (whose published slots are held back)
     * does not exit before the suspects ran; true when it was set. The recovery sets it again when it ends: the
     * host only refuses new slots and waits meanwhile.
     */
    private boolean takeShutdown() {
        if (!control.shutdownRequested()) {
            return false;
        }
        control.store(ControlLayout.SHUTDOWN, 0);
        return true;
    }

    /** Faults the culprit {@code slot} WORKER_LOST (the child is gone) and reports it. */
    private void blame(int slot, Trial t, String error, List<Integer> suspects) {
        WorkerRecovery.Cause how = t == Trial.HUNG ? WorkerRecovery.Cause.STALLED : WorkerRecovery.Cause.DIED;
        String trialError = t == Trial.HUNG ? "it hung again when run alone (no result within "
                + options.watchdog() + ")" : "it killed the child again when run alone: " + describeDeath(child);
        int opcode = ring.word(slot, SlotLayout.OPCODE);
        int tenant = ring.word(slot, SlotLayout.TENANT);
        ring.fault(slot, FaultCode.WORKER_LOST, how.detail());
        control.incrementDoneCount();
        recoveries.add(new WorkerRecovery(slot % workers, how, slot, opcode, tenant, error + "; in flight: "
                + suspects + "; slot " + slot + " was in flight, and " + trialError));
    }

    /**
     * Waits for the published suspect {@code slot} to finish, or the child to die, drain, or hang: the slot held
     * CLAIMED for a whole watchdog period (timed from the claim, so a slow child start is not a hang), or not claimed
     * within the start timeout (the child is stuck elsewhere; the slot is not to blame).
     */
    private Trial trial(int slot) {
        long period = options.watchdog().toNanos();
        long start = System.nanoTime();
        long claimedAt = 0;
        while (!stopping) {
            if (finished(slot)) {
                return Trial.FINISHED;
            }
            ChildProcess c = child;
            if (!c.isAlive()) {
                if (finished(slot)) {
                    return Trial.FINISHED;
                }
                return header.get(IsolationHeader.STATE) == IsolationHeader.DRAINED ? Trial.DRAINED : Trial.DIED;
            }
            long now = System.nanoTime();
            if (claimedAt == 0 && ring.statusWord(slot) == SlotState.CLAIMED.wire()) {
                claimedAt = now;
            }
            if (period > 0 && claimedAt != 0 && now - claimedAt >= period) {
                c.kill();
                return Trial.HUNG;
            }
            if (claimedAt == 0 && now - start >= options.startTimeout().toNanos()) {
                c.kill();
                return Trial.UNCLAIMED;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return Trial.STOPPED;
    }

    /**
     * Whether the trial slot finished: DONE or FAULT, or its worker's cursor moved past it (the worker stores its
     * next cursor before it commits, and the host may recycle a finished slot, and even publish it again, before
     * this looks) and it is no longer CLAIMED.
     */
    private boolean finished(int slot) {
        int st = ring.statusWord(slot);
        if (st == SlotState.DONE.wire() || st == SlotState.FAULT.wire()) {
            return true;
        }
        return header.cursor(slot % workers) != slot && st != SlotState.CLAIMED.wire();
    }

    // ---- Backend --------------------------------------------------------------------------------------------

    /**
     * Waits until the child drained after SHUTDOWN and exited, or the backend gave up restarting it ({@link
     * #failure()}). A child being replaced is not "exited".
     */
    @Override
    public boolean awaitExit(Duration timeout) {
        if (supervisor == null) {
            return true;
        }
        try {
            return over.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<WorkerRecovery> recoveries() {
        return List.copyOf(recoveries);
    }

    /** Why the backend gave up (a child that would not start), or null. */
    public String failure() {
        return failure;
    }

    /** The process id of the current child (informative; it changes with every restart). */
    public long childPid() {
        ChildProcess c = child;
        return c == null ? -1 : c.pid();
    }

    /** Children started so far, the first one included. */
    public int children() {
        return generation;
    }

    /** The shared ring file (deleted by {@link #close()}). */
    public Path ringFile() {
        return file.path();
    }

    /**
     * Stops the child (asking a running one to drain first, for up to {@link #CLOSE_WAIT}; then it is killed),
     * unmaps and deletes the shared file. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (supervisor != null && !awaitExit(Duration.ZERO)) {
            control.requestShutdown();
            awaitExit(CLOSE_WAIT);
        }
        stopping = true;
        ChildProcess c = child;
        if (c != null && c.isAlive()) {
            c.kill();
        }
        if (supervisor != null && !Joins.joinUntil(supervisor, System.nanoTime() + CLOSE_WAIT.toNanos())) {
            throw new KernelTimeoutException("isolated backend: the supervisor did not stop within " + CLOSE_WAIT,
                    "report this as a bug with the full message");
        }
        closed = true;
        file.close();
        for (int g = 0; g < generation; g++) {
            ChildProcess.deleteFiles(file.path(), g);
        }
    }
}
