package dev.vyre.runtime;

import static dev.vyre.protocol.SlotLayout.ARGS_PER_SLOT;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.ProtocolException;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The host's bookkeeping beside the shared ring: whose turn each slot is, who completes it, and its ticket.
 *
 * <ul>
 *   <li>{@code laps[slot]}: publish sequence {@code seq} goes to slot {@code seq % slotCount} in lap
 *       {@code seq / slotCount}; its publisher waits until {@code laps[slot]} equals its lap. Recycling a slot
 *       increments its lap, so each slot is published in sequence order and never overwritten.</li>
 *   <li>{@code owners[slot]}: the host-side claim. The publisher marks a slot {@link #REAPER} (a ticket) or
 *       {@link #CALLER} (a {@code call()} spinning on it) before it publishes. The reaper (or the final sweep)
 *       moves a REAPER slot to {@link #COMPLETING} by compare-and-swap, reads the outcome, recycles the slot and sets
 *       it {@link #FREE}. A caller is the only thread that ever completes its CALLER slot, so it does the same with
 *       plain release stores and no atomic read-modify-write (the latency path, {@link #completeOwn}). The reaper
 *       only takes REAPER slots and a caller only its CALLER slot, so no slot is completed twice.</li>
 *   <li>{@link #UNTRACKED} slots ({@code Megakernel.submit}) have no ticket and no caller. Only the publisher of
 *       the slot's next lap (any publisher, in {@code awaitTurn}) recycles one, once it finished; being the only
 *       one that can open that lap, it needs no compare-and-swap. A FAULT is counted once per slot and lap
 *       ({@code faultCounted}, a compare-and-swap taken only for faults) by whoever sees it first: the recycler,
 *       {@code Megakernel.awaitDone} ({@link #settle}) or the final {@link #sweep()}; the recycler counts before
 *       it opens the next lap, so a thread that sees the lap advance sees the fault counted.</li>
 * </ul>
 */
final class HostRing {
    static final int FREE = 0;
    static final int REAPER = 1;
    static final int CALLER = 2;
    static final int COMPLETING = 3;
    static final int UNTRACKED = 4;

    private static final VarHandle WORDS = Wire.WORD.varHandle();
    /** Two protocol words at once, in the protocol's byte order: the word at the lower address is the low half. */
    private static final VarHandle LONGS = ValueLayout.JAVA_LONG.withOrder(Wire.BYTE_ORDER).varHandle();
    /** Longs that hold slot words TENANT..ARG11 (2..15): the body {@link #fillBody} writes after OPCODE. */
    static final int BODY_LONGS = (SlotLayout.SLOT_WORDS - SlotLayout.TENANT) / 2;
    private static final long STATUS_BYTE = (long) SlotLayout.STATUS * Wire.WORD_BYTES;
    private static final long OPCODE_BYTE = (long) SlotLayout.OPCODE * Wire.WORD_BYTES;
    private static final long BODY_BYTE = (long) SlotLayout.TENANT * Wire.WORD_BYTES;

    private static final int DONE = SlotState.DONE.wire();
    private static final int FAULT = SlotState.FAULT.wire();
    private static final int EMPTY = SlotState.EMPTY.wire();
    private static final int PUBLISHED = SlotState.PUBLISHED.wire();
    private static final int CLAIMED = SlotState.CLAIMED.wire();
    private static final int FAULT_CODE_ARG = SlotLayout.FAULT_CODE - SlotLayout.ARG0;
    private static final int FAULT_DETAIL_ARG = SlotLayout.FAULT_DETAIL - SlotLayout.ARG0;

    private final RingView ring;
    private final int slotCount;
    /** {@code slotCount - 1} when the slot count is a power of two (sequence to slot and lap without a division), else -1. */
    private final long slotMask;
    private final int lapShift;
    private final AtomicLongArray laps;
    private final AtomicIntegerArray owners;
    private final AtomicReferenceArray<Ticket> tickets;
    private final AtomicInteger ticketsInFlight = new AtomicInteger();
    private final AtomicLong untrackedFaults = new AtomicLong();
    private final AtomicLong untrackedNotExecuted = new AtomicLong();
    /** Per slot: 1 + the last lap whose untracked FAULT was counted (0: none), so each is counted once. */
    private final AtomicLongArray faultCounted;
    private final AtomicReference<UntrackedFault> firstUntrackedFault = new AtomicReference<>();
    /** Sees every publish and outcome (the replay log), or null. */
    private final SlotObserver observer;

    HostRing(RingView ring) {
        this(ring, null);
    }

    HostRing(RingView ring, SlotObserver observer) {
        this.observer = observer;
        this.ring = ring;
        this.slotCount = ring.slotCount();
        boolean power = Integer.bitCount(slotCount) == 1;
        this.slotMask = power ? slotCount - 1 : -1;
        this.lapShift = Integer.numberOfTrailingZeros(slotCount);
        this.laps = new AtomicLongArray(slotCount);
        this.owners = new AtomicIntegerArray(slotCount);
        this.tickets = new AtomicReferenceArray<>(slotCount);
        this.faultCounted = new AtomicLongArray(slotCount);
    }

    int slotOf(long sequence) {
        return slotMask >= 0 ? (int) (sequence & slotMask) : (int) (sequence % slotCount);
    }

    /** The lap of {@code sequence} (its slot's how-manieth occupant, from 0). */
    long lapOf(long sequence) {
        return slotMask >= 0 ? sequence >>> lapShift : sequence / slotCount;
    }

    /** Whether the publisher of {@code sequence} may fill its slot now. */
    boolean turnReady(long sequence) {
        return laps.get(slotOf(sequence)) == lapOf(sequence);
    }

    /** Whether slot {@code slot} is open for lap {@code lap} (the same test without a division). */
    boolean turnReady(int slot, long lap) {
        return laps.get(slot) == lap;
    }

    /**
     * Reads the STATUS words of {@code n} slots from {@code first} (wrapping) and returns how many are finished:
     * issued back to back before a run's per-slot claims, these loads overlap, so the claims that follow find the
     * lines in cache instead of waiting for one miss after another.
     */
    int finishedAhead(int first, int n) {
        MemorySegment words = ring.segment();
        int finished = 0;
        int slot = first;
        for (int k = 0; k < n; k++) {
            int status = (int) WORDS.getOpaque(words, (long) slot * SlotLayout.SLOT_BYTES + STATUS_BYTE);
            finished += status == DONE || status == FAULT ? 1 : 0;
            if (++slot == slotCount) {
                slot = 0;
            }
        }
        return finished;
    }

    /** Tickets published and not yet completed by the reaper. */
    int ticketsInFlight() {
        return ticketsInFlight.get();
    }

    /** Marks the slot of {@code sequence} as reaped by the reaper and returns its new ticket. */
    Ticket register(long sequence) {
        return register(sequence, null);
    }

    /** {@link #register(long)} with an action run once before the ticket's outcome becomes visible. */
    Ticket register(long sequence, Runnable onFinish) {
        int slot = slotOf(sequence);
        Ticket t = new Ticket(sequence, slot, onFinish);
        tickets.set(slot, t);
        owners.set(slot, REAPER);
        ticketsInFlight.incrementAndGet();
        return t;
    }

    /** Marks {@code slot} as completed by the calling thread. */
    void claimForCaller(int slot) {
        // a release store: the fence before markPublished orders it before the slot's STATUS
        owners.lazySet(slot, CALLER);
    }

    /** Writes OPCODE, TENANT, PRIORITY and the arguments (missing ones zero) with plain stores; not STATUS. */
    void fill(int slot, int opcode, int tenant, Priority priority, int[] args) {
        MemorySegment words = ring.segment();
        long base = (long) slot * SlotLayout.SLOT_BYTES;
        WORDS.set(words, base + OPCODE_BYTE, opcode);
        long at = base + BODY_BYTE;
        LONGS.set(words, at, pack(tenant, priority.wire()));
        for (int k = 1; k < BODY_LONGS; k++) {
            LONGS.set(words, at + 8L * k, pack(argOrZero(args, 2 * k - 2), argOrZero(args, 2 * k - 1)));
        }
    }

    private static int argOrZero(int[] args, int i) {
        return args != null && i < args.length ? args[i] : 0;
    }

    /** Marks {@code slot} untracked (no ticket, no caller) before it is filled and published. */
    void claimUntracked(int slot) {
        owners.lazySet(slot, UNTRACKED);
    }

    /**
     * Packs TENANT, PRIORITY and the 12 words {@code args[argOffset .. argOffset + 12)} into the
     * {@link #BODY_LONGS} little-endian longs that {@link #fillBody} stores at {@code out[outOffset ..]}: the slot
     * words 2..15 two at a time, the lower word in the low half.
     */
    static void packBody(int tenant, int priorityWire, int[] args, int argOffset, long[] out, int outOffset) {
        out[outOffset] = pack(tenant, priorityWire);
        for (int k = 1; k < BODY_LONGS; k++) {
            int a = argOffset + 2 * (k - 1);
            out[outOffset + k] = pack(args[a], args[a + 1]);
        }
    }

    private static long pack(int low, int high) {
        return Integer.toUnsignedLong(low) | (long) high << Integer.SIZE;
    }

    /**
     * Writes OPCODE (one word) and words 2..15 from {@code body[offset .. offset + BODY_LONGS)}
     * ({@link #packBody}) with plain stores, 8 bytes at a time; not STATUS. The caller checked {@code slot}.
     */
    void fillBody(int slot, int opcode, long[] body, int offset) {
        MemorySegment words = ring.segment();
        long base = (long) slot * SlotLayout.SLOT_BYTES;
        WORDS.set(words, base + OPCODE_BYTE, opcode);
        long at = base + BODY_BYTE;
        LONGS.set(words, at, body[offset]);
        LONGS.set(words, at + 8, body[offset + 1]);
        LONGS.set(words, at + 16, body[offset + 2]);
        LONGS.set(words, at + 24, body[offset + 3]);
        LONGS.set(words, at + 32, body[offset + 4]);
        LONGS.set(words, at + 40, body[offset + 5]);
        LONGS.set(words, at + 48, body[offset + 6]);
    }

    /**
     * Stores STATUS=PUBLISHED (opaque). The caller issues a {@link VarHandle#releaseFence()} after filling the slot
     * (or a whole batch, {@code publishBatch}) and before marking it, which orders the filled words before STATUS.
     */
    void markPublished(int slot) {
        if (observer != null) {
            observer.published(laps.get(slot) * slotCount + slot, slot, ring);
        }
        WORDS.setOpaque(ring.segment(), ((long) slot * SlotLayout.SLOT_WORDS + SlotLayout.STATUS) * Wire.WORD_BYTES,
                SlotState.PUBLISHED.wire());
    }

    /** Whether {@code slot} is DONE or FAULT (acquire read). */
    boolean finished(int slot) {
        int s = ring.statusWord(slot);
        return s == DONE || s == FAULT;
    }

    /** Completes every finished reaper-owned slot; returns how many. */
    int reap() {
        if (ticketsInFlight.get() == 0) {
            return 0;
        }
        int reaped = 0;
        for (int s = 0; s < slotCount; s++) {
            if (owners.get(s) == REAPER && finished(s) && owners.compareAndSet(s, REAPER, COMPLETING)) {
                completeTicket(s);
                reaped++;
            }
        }
        return reaped;
    }

    /**
     * Final pass after the workers exited and no host operation is running: completes finished reaper-owned
     * slots and fails the tickets of the others, which no worker will run.
     */
    void sweep() {
        for (int s = 0; s < slotCount; s++) {
            if (owners.get(s) == UNTRACKED) {
                int status = ring.statusWord(s);
                if (observer != null && status != EMPTY) {
                    observer.finished(laps.get(s) * slotCount + s, s, ring);
                }
                if (status == FAULT) {
                    countFaultOnce(s, laps.get(s));
                } else if (status == PUBLISHED || status == CLAIMED) {
                    untrackedNotExecuted.incrementAndGet();
                    owners.set(s, FREE);
                }
            } else if (owners.get(s) == REAPER && owners.compareAndSet(s, REAPER, COMPLETING)) {
                if (finished(s)) {
                    completeTicket(s);
                } else {
                    Ticket t = tickets.getAndSet(s, null);
                    if (observer != null) {
                        observer.finished(t.sequence(), s, ring);
                    }
                    owners.set(s, FREE);
                    ticketsInFlight.decrementAndGet();
                    t.fail(new SlotNotExecutedException("slot " + s + " (sequence " + t.sequence() + ") was "
                            + "published but the workers exited before claiming it (a SHUTDOWN slot ran first, or"
                            + " the backend's workers died)", "publish before the SHUTDOWN slot, or bootstrap a new"
                            + " megakernel for more work"));
                }
            }
        }
    }

    /**
     * Lets the publisher of {@code (slot, lap)} take its turn when the previous occupant (lap {@code lap - 1}) is an
     * untracked slot that finished: counts its fault, stores EMPTY and opens the lap. Only that publisher opens the
     * lap, so plain ordered stores suffice. True when it did.
     */
    boolean recycleUntrackedPredecessor(int slot, long lap) {
        long previous = lap - 1;
        if (laps.get(slot) != previous || owners.get(slot) != UNTRACKED) {
            return false;
        }
        int status = ring.statusWord(slot);
        if (status != DONE && status != FAULT) {
            return false;
        }
        if (status == FAULT) {
            countFaultOnce(slot, previous);
        }
        if (observer != null) {
            observer.finished(previous * slotCount + slot, slot, ring);
        }
        WORDS.setOpaque(ring.segment(), (long) slot * SlotLayout.SLOT_BYTES + STATUS_BYTE, EMPTY);
        laps.lazySet(slot, lap);
        // the caller writes the next occupant's words: keep them after the new lap (see countFaultOnce)
        VarHandle.storeStoreFence();
        return true;
    }

    /**
     * Whether every sequence in {@code [from, end)} finished (DONE or FAULT), counting the faults of untracked ones;
     * returns the first sequence that has not finished yet, or {@code end}. Sequences must be at least
     * {@code end - slotCount}: each slot is looked at for one lap.
     */
    long settle(long from, long end) {
        int slot = slotOf(from);
        long lap = from / slotCount;
        for (long seq = from; seq < end; seq++) {
            if (!settled(slot, lap)) {
                return seq;
            }
            if (++slot == slotCount) {
                slot = 0;
                lap++;
            }
        }
        return end;
    }

    /**
     * Whether the occupant of {@code slot} in lap {@code lap} finished; the fault of an untracked one is counted
     * (once). A later lap means it finished and its recycler counted it.
     */
    private boolean settled(int slot, long lap) {
        long now = laps.get(slot);
        if (now != lap) {
            return now > lap;
        }
        int status = ring.statusWord(slot);
        if (status != DONE && status != FAULT) {
            return false;
        }
        if (status == FAULT && owners.get(slot) == UNTRACKED) {
            countFaultOnce(slot, lap);
        }
        return true;
    }

    /**
     * Counts the FAULT of the untracked occupant of {@code slot} in {@code lap} unless it was counted already. Reads
     * the slot's words, then checks that the lap has not moved on (the words are that occupant's: the next one is
     * written only after the lap opens); if it has, the recycler counted it.
     */
    private void countFaultOnce(int slot, long lap) {
        int opcode = ring.word(slot, SlotLayout.OPCODE);
        int tenant = ring.word(slot, SlotLayout.TENANT);
        int code = ring.arg(slot, FAULT_CODE_ARG);
        int detail = ring.arg(slot, FAULT_DETAIL_ARG);
        VarHandle.acquireFence();
        if (laps.get(slot) != lap) {
            return;
        }
        long counted = faultCounted.get(slot);
        if (counted > lap || !faultCounted.compareAndSet(slot, counted, lap + 1)) {
            return;
        }
        untrackedFaults.incrementAndGet();
        long sequence = lap * slotCount + slot;
        UntrackedFault first = firstUntrackedFault.get();
        while (first == null || sequence < first.sequence()) {
            if (firstUntrackedFault.compareAndSet(first, new UntrackedFault(sequence, slot, opcode, tenant, code,
                    detail))) {
                return;
            }
            first = firstUntrackedFault.get();
        }
    }

    /** What happened to untracked slots so far: faults counted by their recyclers, slots the workers never ran. */
    UntrackedStats untrackedStats() {
        return new UntrackedStats(untrackedFaults.get(), untrackedNotExecuted.get(), firstUntrackedFault.get());
    }

    /** Completes the caller's own finished slot: reads it, recycles it and returns its outcome. */
    SlotOutcome completeOwn(int slot, long sequence) {
        int owner = owners.get(slot);
        if (owner != CALLER) {
            throw new MegakernelException("host claim of slot " + slot + " (sequence " + sequence + ") was lost: it"
                    + " is owned by " + owner, "report this as a bug with the full message");
        }
        try {
            return readOutcome(slot, sequence);
        } finally {
            releaseOwn(slot);
        }
    }

    /**
     * {@link #release} for a caller's own finished slot, with release stores only: nobody else writes a CALLER
     * slot's owner or lap, and no worker writes a DONE or FAULT slot again, so no compare-and-swap or full fence
     * is needed. Each store is a release, so the outcome's reads come before EMPTY, and EMPTY and FREE before the
     * next lap that lets the next publisher in.
     */
    private void releaseOwn(int slot) {
        WORDS.setRelease(ring.segment(), (long) slot * SlotLayout.SLOT_BYTES + STATUS_BYTE, EMPTY);
        owners.lazySet(slot, FREE);
        laps.lazySet(slot, laps.get(slot) + 1);
    }

    private void completeTicket(int slot) {
        Ticket t = tickets.getAndSet(slot, null);
        SlotOutcome outcome = null;
        RuntimeException failure = null;
        try {
            outcome = readOutcome(slot, t.sequence());
        } catch (ProtocolException e) {
            failure = new MegakernelException("slot " + slot + " (sequence " + t.sequence() + ") finished with an"
                    + " unreadable result: " + e.getMessage(), "the backend wrote a bad fault word; report this as a"
                    + " bug with the full message", e);
        }
        release(slot);
        ticketsInFlight.decrementAndGet();
        if (failure == null) {
            t.complete(outcome);
        } else {
            t.fail(failure);
        }
    }

    private SlotOutcome readOutcome(int slot, long sequence) {
        int status = ring.statusWord(slot);
        int[] args = new int[ARGS_PER_SLOT];
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            args[i] = ring.arg(slot, i);
        }
        if (observer != null) {
            observer.finished(sequence, slot, ring);
        }
        if (status == DONE) {
            return new SlotOutcome(sequence, slot, SlotState.DONE, null, 0, args);
        }
        return new SlotOutcome(sequence, slot, SlotState.FAULT, FaultCode.fromWire(args[FAULT_CODE_ARG]),
                args[FAULT_DETAIL_ARG], args);
    }

    /** Recycles {@code slot} to EMPTY, frees the host claim and opens the slot's next lap. */
    private void release(int slot) {
        owners.set(slot, FREE);
        ring.recycle(slot);
        laps.incrementAndGet(slot);
    }
}
