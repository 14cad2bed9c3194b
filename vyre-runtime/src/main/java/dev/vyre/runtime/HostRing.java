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
 *       {@link #CALLER} (a {@code call()} spinning on it) before it publishes; whoever completes it first moves it
 *       to {@link #COMPLETING} by compare-and-swap, reads the outcome, recycles the slot and sets it {@link #FREE}.
 *       The reaper only takes REAPER slots and a caller only its CALLER slot, so no slot is completed twice.</li>
 *   <li>{@link #UNTRACKED} slots ({@code Megakernel.submit}) have no ticket and no caller: whoever needs one
 *       recycles it once it finished, after the same compare-and-swap to COMPLETING: the publisher of the slot's
 *       next lap (any publisher, in {@code awaitTurn}), {@code Megakernel.awaitDone}, or the final
 *       {@link #sweep()}. The recycler counts a FAULT ({@link #untrackedStats()}) before it opens the next lap,
 *       so a thread that sees the lap advance sees the fault counted.</li>
 * </ul>
 */
final class HostRing {
    static final int FREE = 0;
    static final int REAPER = 1;
    static final int CALLER = 2;
    static final int COMPLETING = 3;
    static final int UNTRACKED = 4;

    private static final VarHandle WORDS = Wire.WORD.varHandle();
    private static final int DONE = SlotState.DONE.wire();
    private static final int FAULT = SlotState.FAULT.wire();
    private static final int EMPTY = SlotState.EMPTY.wire();
    private static final int FAULT_CODE_ARG = SlotLayout.FAULT_CODE - SlotLayout.ARG0;
    private static final int FAULT_DETAIL_ARG = SlotLayout.FAULT_DETAIL - SlotLayout.ARG0;

    private final RingView ring;
    private final int slotCount;
    private final AtomicLongArray laps;
    private final AtomicIntegerArray owners;
    private final AtomicReferenceArray<Ticket> tickets;
    private final AtomicInteger ticketsInFlight = new AtomicInteger();
    private final AtomicLong untrackedFaults = new AtomicLong();
    private final AtomicLong untrackedNotExecuted = new AtomicLong();
    private final AtomicReference<UntrackedFault> firstUntrackedFault = new AtomicReference<>();

    HostRing(RingView ring) {
        this.ring = ring;
        this.slotCount = ring.slotCount();
        this.laps = new AtomicLongArray(slotCount);
        this.owners = new AtomicIntegerArray(slotCount);
        this.tickets = new AtomicReferenceArray<>(slotCount);
    }

    int slotOf(long sequence) {
        return (int) (sequence % slotCount);
    }

    /** Whether the publisher of {@code sequence} may fill its slot now. */
    boolean turnReady(long sequence) {
        return laps.get(slotOf(sequence)) == sequence / slotCount;
    }

    /** Whether slot {@code slot} is open for lap {@code lap} (the same test without a division). */
    boolean turnReady(int slot, long lap) {
        return laps.get(slot) == lap;
    }

    /** Tickets published and not yet completed by the reaper. */
    int ticketsInFlight() {
        return ticketsInFlight.get();
    }

    /** Marks the slot of {@code sequence} as reaped by the reaper and returns its new ticket. */
    Ticket register(long sequence) {
        int slot = slotOf(sequence);
        Ticket t = new Ticket(sequence, slot);
        tickets.set(slot, t);
        owners.set(slot, REAPER);
        ticketsInFlight.incrementAndGet();
        return t;
    }

    /** Marks {@code slot} as completed by the calling thread. */
    void claimForCaller(int slot) {
        owners.set(slot, CALLER);
    }

    /** Writes OPCODE, TENANT, PRIORITY and the arguments (missing ones zero) with plain stores; not STATUS. */
    void fill(int slot, int opcode, int tenant, Priority priority, int[] args) {
        ring.setWord(slot, SlotLayout.OPCODE, opcode);
        ring.setWord(slot, SlotLayout.TENANT, tenant);
        ring.setWord(slot, SlotLayout.PRIORITY, priority.wire());
        int given = args == null ? 0 : args.length;
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            ring.setArg(slot, i, i < given ? args[i] : 0);
        }
    }

    /** Marks {@code slot} untracked (no ticket, no caller) before it is filled and published. */
    void claimUntracked(int slot) {
        owners.lazySet(slot, UNTRACKED);
    }

    /**
     * Writes OPCODE, TENANT, PRIORITY and the 12 words {@code args[offset .. offset + 12)} with plain stores; not
     * STATUS. The caller checked {@code slot}.
     */
    void fillWords(int slot, int opcode, int tenant, int priorityWire, int[] args, int offset) {
        MemorySegment words = ring.segment();
        long base = (long) slot * SlotLayout.SLOT_BYTES;
        WORDS.set(words, base + (long) SlotLayout.OPCODE * Wire.WORD_BYTES, opcode);
        WORDS.set(words, base + (long) SlotLayout.TENANT * Wire.WORD_BYTES, tenant);
        WORDS.set(words, base + (long) SlotLayout.PRIORITY * Wire.WORD_BYTES, priorityWire);
        long argBase = base + (long) SlotLayout.ARG0 * Wire.WORD_BYTES;
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            WORDS.set(words, argBase + (long) i * Wire.WORD_BYTES, args[offset + i]);
        }
    }

    /**
     * Stores STATUS=PUBLISHED (opaque). The caller issues one {@link VarHandle#releaseFence()} after filling a
     * batch and before marking its slots, which orders every filled word before every STATUS store.
     */
    void markPublished(int slot) {
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
            if (owners.get(s) == UNTRACKED && owners.compareAndSet(s, UNTRACKED, COMPLETING)) {
                int status = ring.statusWord(s);
                if (status == DONE || status == FAULT) {
                    recycleUntracked(s, status);
                } else {
                    untrackedNotExecuted.incrementAndGet();
                    owners.set(s, FREE);
                }
            } else if (owners.get(s) == REAPER && owners.compareAndSet(s, REAPER, COMPLETING)) {
                if (finished(s)) {
                    completeTicket(s);
                } else {
                    Ticket t = tickets.getAndSet(s, null);
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
     * untracked slot that finished: recycles it (counting a fault) and opens the lap. True when it did.
     */
    boolean recycleUntrackedPredecessor(int slot, long lap) {
        return laps.get(slot) == lap - 1 && owners.get(slot) == UNTRACKED && tryRecycleUntracked(slot);
    }

    /**
     * Whether every sequence in {@code [from, end)} finished (DONE or FAULT), recycling the untracked ones that did;
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
     * Whether the occupant of {@code slot} in lap {@code lap} finished, and, if it was untracked, was recycled (so
     * its fault is counted). A finished ticket or call slot counts as settled: its outcome goes to its owner.
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
        int owner = owners.get(slot);
        if (owner == REAPER || owner == CALLER) {
            return true;
        }
        return (owner == UNTRACKED && tryRecycleUntracked(slot)) || laps.get(slot) > lap;
    }

    /**
     * Takes the host claim of an untracked slot and recycles it if it finished; if it did not (the claim belonged to
     * a newer occupant still in flight), gives the claim back. True when it recycled the slot.
     */
    private boolean tryRecycleUntracked(int slot) {
        if (!owners.compareAndSet(slot, UNTRACKED, COMPLETING)) {
            return false;
        }
        int status = ring.statusWord(slot);
        if (status != DONE && status != FAULT) {
            owners.set(slot, UNTRACKED);
            return false;
        }
        recycleUntracked(slot, status);
        return true;
    }

    /**
     * Recycles a finished untracked slot whose claim this thread holds (COMPLETING): counts a fault, stores EMPTY,
     * frees the claim, then opens the next lap (release), so whoever sees the new lap sees the fault counted.
     */
    private void recycleUntracked(int slot, int status) {
        long lap = laps.get(slot);
        if (status == FAULT) {
            recordUntrackedFault(slot, lap * slotCount + slot);
        }
        WORDS.setOpaque(ring.segment(), ((long) slot * SlotLayout.SLOT_WORDS + SlotLayout.STATUS) * Wire.WORD_BYTES,
                EMPTY);
        owners.lazySet(slot, FREE);
        laps.lazySet(slot, lap + 1);
    }

    private void recordUntrackedFault(int slot, long sequence) {
        untrackedFaults.incrementAndGet();
        UntrackedFault first = firstUntrackedFault.get();
        while (first == null || sequence < first.sequence()) {
            UntrackedFault fault = new UntrackedFault(sequence, slot, ring.word(slot, SlotLayout.OPCODE),
                    ring.word(slot, SlotLayout.TENANT), ring.arg(slot, FAULT_CODE_ARG), ring.arg(slot, FAULT_DETAIL_ARG));
            if (firstUntrackedFault.compareAndSet(first, fault)) {
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
        if (!owners.compareAndSet(slot, CALLER, COMPLETING)) {
            throw new MegakernelException("host claim of slot " + slot + " (sequence " + sequence + ") was lost: it"
                    + " is owned by " + owners.get(slot), "report this as a bug with the full message");
        }
        try {
            return readOutcome(slot, sequence);
        } finally {
            release(slot);
        }
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
