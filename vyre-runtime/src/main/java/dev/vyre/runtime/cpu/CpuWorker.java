package dev.vyre.runtime.cpu;

import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.Backoff;
import dev.vyre.runtime.exec.SlotExecutor;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One CPU worker: owns slots {@code index, index + stride, ...} and visits them in ring order from its cursor (the
 * oldest of its slots it has not run in this lap). With a look-ahead window of 1 it waits at the cursor until that
 * slot is PUBLISHED, so it never overtakes itself and runs each of its slots exactly once per lap. With a window of
 * K > 1 it claims the most urgent PUBLISHED slot among its next K (oldest first among equals), remembering which of
 * them it ran; the oldest waiting slot is claimed regardless once more urgent claims overtook it its class's bypass
 * limit of times (starvation protection, counted in {@code control[PRIORITY_STARVATION_COUNTER]}); claims per class
 * are counted in {@code control[PRIORITY_FAIRNESS_BASE + class]}. Idle, it spins briefly, then parks with a backoff
 * bounded by 50 us. It exits once {@code control[SHUTDOWN]} is set and none of its window's slots, re-read with
 * acquire ordering after the SHUTDOWN word, is PUBLISHED.
 *
 * <p>For recovery (docs/TENANTS.md) the worker publishes its progress: {@link #phase} holds the slot it runs (after
 * claiming it), and the worker commits a result only by moving the phase from that slot to {@link #COMPLETING} with
 * a compare-and-swap; the supervisor takes a stalled worker's slot by moving the phase to {@link #ABANDONED}, so
 * exactly one of them writes the slot's outcome.
 */
final class CpuWorker implements Runnable {
    static final long IDLE = -1;
    static final long COMPLETING = -2;
    static final long ABANDONED = -3;
    private static final int PUBLISHED = SlotState.PUBLISHED.wire();
    private static final int LEAST_URGENT = Priority.IDLE.wire();
    private static final java.lang.invoke.VarHandle CURSOR_WORDS = Wire.WORD.varHandle();

    private final int index;
    private final int stride;
    private final RingView ring;
    private final ControlView control;
    private final SlotExecutor executor;
    private final AtomicLong lostClaims;
    private final int window;
    private final int[] bypassLimits;
    private final CpuBackend.SlotHook hook;
    private final int startCursor;
    private final long startRan;
    /** Per-worker cursor words (docs/TENANTS.md, isolated backend), or null: see {@link #recordCursor}. */
    private final MemorySegment cursors;

    /** The slot being run (claimed, not yet committed), or IDLE, COMPLETING, ABANDONED. */
    final AtomicLong phase = new AtomicLong(IDLE);
    /** Slots this worker committed. */
    private volatile long completed;
    /** The cursor and the ran bits of its window, as of the last commit (for a replacement worker). */
    private volatile int cursorState;
    private volatile long ranState;
    /** Set when the worker returned because of a shutdown (not because it died or was abandoned). */
    private volatile boolean exitedNormally;
    /** What ended the worker when it died, or null. */
    private volatile Throwable failure;
    private int bypassed;

    CpuWorker(int index, int stride, RingView ring, ControlView control, SlotExecutor executor, AtomicLong lostClaims,
              int lookahead, int[] bypassLimits, CpuBackend.SlotHook hook, int startCursor, long startRan,
              MemorySegment cursors) {
        this.index = index;
        this.stride = stride;
        this.ring = ring;
        this.control = control;
        this.executor = executor;
        this.lostClaims = lostClaims;
        this.window = Math.min(lookahead, ring.slotCount() / stride);
        this.bypassLimits = bypassLimits.clone();
        this.hook = hook;
        this.startCursor = startCursor;
        this.startRan = startRan;
        this.cursors = cursors;
        this.cursorState = startCursor;
        this.ranState = startRan;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void loop() {
        int cursor = startCursor;
        long ran = startRan;
        while ((ran & 1) != 0) {
            ran >>>= 1;
            cursor = next(cursor);
        }
        Backoff idle = new Backoff();
        while (true) {
            int pick = choose(cursor, ran);
            if (pick >= 0) {
                int slot = at(cursor, pick);
                if (ring.tryClaim(slot)) {
                    if (!execute(slot)) {
                        return;
                    }
                } else {
                    lostClaims.incrementAndGet();
                }
                ran |= 1L << pick;
                while ((ran & 1) != 0) {
                    ran >>>= 1;
                    cursor = next(cursor);
                }
                cursorState = cursor;
                ranState = ran;
                phase.set(IDLE);
                idle.reset();
            } else if (control.shutdownRequested()) {
                if (!anyPublished(cursor, ran)) {
                    exitedNormally = true;
                    return;
                }
            } else {
                idle.pause();
            }
        }
    }

    /** Runs the claimed {@code slot}; false when the supervisor declared this worker lost meanwhile. */
    private boolean execute(int slot) {
        phase.set(slot);
        if (window > 1) {
            control.addPriorityFairness(Priority.fromWire(priorityClass(slot)), 1);
        }
        Runnable loaded = hook == null ? null : () -> hook.beforeExecute(index, slot);
        if (!executor.execute(slot, loaded, () -> phase.compareAndSet(slot, COMPLETING) && recordCursor(slot))) {
            return false;
        }
        completed = completed + 1;
        return true;
    }

    /**
     * With cursor words (window 1 only): stores the slot this worker will visit after {@code slot} with release,
     * before the slot's result is committed, so that a process that dies at any point leaves either the claimed slot
     * (still CLAIMED) or the next one as the place to restart this worker (docs/TENANTS.md, isolated backend).
     */
    private boolean recordCursor(int slot) {
        if (cursors != null) {
            CURSOR_WORDS.setRelease(cursors, (long) index * Wire.WORD_BYTES, next(slot));
        }
        return true;
    }

    /**
     * The window offset of the slot to claim next, or -1 when none is PUBLISHED: the most urgent (oldest first), or
     * the oldest once it was overtaken its class's bypass limit of times.
     */
    private int choose(int cursor, long ran) {
        if (window == 1) {
            return ring.statusWord(cursor) == PUBLISHED ? 0 : -1;
        }
        int best = -1;
        int bestClass = Integer.MAX_VALUE;
        int oldest = -1;
        int oldestClass = 0;
        int slot = cursor;
        for (int j = 0; j < window; j++, slot = next(slot)) {
            if ((ran >>> j & 1) != 0 || ring.statusWord(slot) != PUBLISHED) {
                continue;
            }
            int c = priorityClass(slot);
            if (oldest < 0) {
                oldest = j;
                oldestClass = c;
            }
            if (c < bestClass) {
                best = j;
                bestClass = c;
            }
        }
        if (best == oldest) {
            bypassed = 0;
            return best;
        }
        if (bypassed >= bypassLimits[oldestClass]) {
            bypassed = 0;
            control.addStarvationCounter(1);
            return oldest;
        }
        bypassed++;
        return best;
    }

    /** Whether a slot of the window that was not run yet is PUBLISHED (acquire reads). */
    private boolean anyPublished(int cursor, long ran) {
        int slot = cursor;
        for (int j = 0; j < window; j++, slot = next(slot)) {
            if ((ran >>> j & 1) == 0 && ring.statusWord(slot) == PUBLISHED) {
                return true;
            }
        }
        return false;
    }

    /** The slot's priority class; a word that is not a priority counts as the least urgent. */
    private int priorityClass(int slot) {
        int p = ring.word(slot, SlotLayout.PRIORITY);
        return p >= 0 && p <= LEAST_URGENT ? p : LEAST_URGENT;
    }

    private int next(int slot) {
        int n = slot + stride;
        return n >= ring.slotCount() ? n - ring.slotCount() : n;
    }

    private int at(int cursor, int offset) {
        return (int) ((cursor + (long) offset * stride) % ring.slotCount());
    }

    /** The window offset of {@code slot} from the published cursor, for a replacement worker. */
    int offsetOf(int slot) {
        int n = ring.slotCount();
        return ((slot - cursorState) % n + n) % n / stride;
    }

    int index() {
        return index;
    }

    long completed() {
        return completed;
    }

    int cursorState() {
        return cursorState;
    }

    long ranState() {
        return ranState;
    }

    boolean exitedNormally() {
        return exitedNormally;
    }

    Throwable failure() {
        return failure;
    }
}
