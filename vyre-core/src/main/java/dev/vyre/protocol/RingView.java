package dev.vyre.protocol;

import static dev.vyre.protocol.SlotLayout.ARG0;
import static dev.vyre.protocol.SlotLayout.ARGS_PER_SLOT;
import static dev.vyre.protocol.SlotLayout.MAX_ENCODED_RING_SLOTS;
import static dev.vyre.protocol.SlotLayout.MAX_RING_SLOTS;
import static dev.vyre.protocol.SlotLayout.OPCODE;
import static dev.vyre.protocol.SlotLayout.PRIORITY;
import static dev.vyre.protocol.SlotLayout.SLOT_BYTES;
import static dev.vyre.protocol.SlotLayout.SLOT_WORDS;
import static dev.vyre.protocol.SlotLayout.STATUS;
import static dev.vyre.protocol.SlotLayout.TENANT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A ring of 16-word slots over a {@link MemorySegment} that the host, the CPU backend and the device share. Word
 * accessors allocate nothing. Ordering follows PROTOCOL.md: {@link #publish} writes words 1..15 then stores
 * STATUS=PUBLISHED with release ordering; {@link #status} reads STATUS with acquire ordering; {@link #tryClaim} is a
 * compare-and-swap PUBLISHED->CLAIMED with exactly one winner; {@link #complete} and {@link #fault} store the
 * final STATUS with release ordering after the result words.
 *
 * <p>Ownership discipline: the host is the only publisher of a given slot; the claimer owns the slot while it is
 * CLAIMED and is the only one that moves it on; the host recycles DONE and FAULT slots.
 */
public final class RingView {
    private static final String BUFFER = "ring";

    private final MemorySegment segment;
    private final int slotCount;

    private RingView(MemorySegment segment, int slotCount) {
        this.segment = segment;
        this.slotCount = slotCount;
    }

    /** A zeroed ring (every slot EMPTY) of {@code slots} slots, aligned to {@link Wire#SEGMENT_ALIGNMENT}. */
    public static RingView allocate(Arena arena, int slots) {
        checkSlotCount(slots, MAX_RING_SLOTS, "MAX_RING_SLOTS");
        return new RingView(Wire.allocate(arena, (long) slots * SLOT_BYTES), slots);
    }

    /** A view over an existing ring segment: writable, 4-byte aligned, a whole number (>= 1) of slots. */
    public static RingView wrap(MemorySegment segment) {
        Wire.requireViewSegment(BUFFER, segment);
        return new RingView(segment, slotsOf(segment.byteSize(), MAX_RING_SLOTS, "MAX_RING_SLOTS"));
    }

    /** The shared segment. */
    public MemorySegment segment() {
        return segment;
    }

    /** Number of slots. */
    public int slotCount() {
        return slotCount;
    }

    // ---- raw words ----------------------------------------------------------------------------------------

    /** Word {@code word} (0..15) of slot {@code slot}, plain read. */
    public int word(int slot, int word) {
        return Wire.getPlain(segment, index(slot, word));
    }

    /** Sets word {@code word} (0..15) of slot {@code slot}, plain write. */
    public void setWord(int slot, int word, int value) {
        Wire.setPlain(segment, index(slot, word), value);
    }

    /** Argument {@code i} (0..11) of slot {@code slot}, plain read. */
    public int arg(int slot, int i) {
        return word(slot, SlotLayout.arg(i));
    }

    /** Sets argument {@code i} (0..11) of slot {@code slot}, plain write (results of the claimer). */
    public void setArg(int slot, int i, int value) {
        setWord(slot, SlotLayout.arg(i), value);
    }

    // ---- status and life cycle ----------------------------------------------------------------------------

    /** The raw STATUS word of {@code slot}, acquire read. */
    public int statusWord(int slot) {
        return Wire.getAcquire(segment, index(slot, STATUS));
    }

    /** The state of {@code slot}, acquire read; refuses an unknown STATUS word. */
    public SlotState status(int slot) {
        return SlotState.fromWire(statusWord(slot), BUFFER, "slot " + slot + " status word");
    }

    /**
     * Publishes work into an EMPTY slot: writes OPCODE, TENANT, PRIORITY and ARG0..ARG11 (missing arguments are
     * zero), then stores STATUS=PUBLISHED with release ordering. Refuses a slot that is not EMPTY.
     */
    public void publish(int slot, int opcode, int tenant, Priority priority, int... args) {
        if (priority == null) {
            throw new ProtocolException(BUFFER, "priority is null", "pass a Priority");
        }
        int given = args == null ? 0 : Slot.checkArgCount(args.length);
        int state = statusWord(slot);
        if (state != SlotState.EMPTY.wire()) {
            throw new ProtocolException(BUFFER, "slot " + slot + " is " + describe(state)
                    + ", not EMPTY; publishing would overwrite work in flight",
                    "publish only into EMPTY slots: recycle DONE/FAULT slots first or pick another slot");
        }
        long base = (long) slot * SLOT_WORDS;
        Wire.setPlain(segment, base + OPCODE, opcode);
        Wire.setPlain(segment, base + TENANT, tenant);
        Wire.setPlain(segment, base + PRIORITY, priority.wire());
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            Wire.setPlain(segment, base + ARG0 + i, i < given ? args[i] : 0);
        }
        Wire.setRelease(segment, base + STATUS, SlotState.PUBLISHED.wire());
    }

    /** Publishes a plain {@link Slot} (its status is ignored) into an EMPTY slot, as {@link #publish}. */
    public void publish(int slot, Slot work) {
        publish(slot, work.opcode(), work.tenant(), work.priority(), work.args());
    }

    /** Claims a PUBLISHED slot by compare-and-swap to CLAIMED; true for exactly one of any racing callers. */
    public boolean tryClaim(int slot) {
        return transition(slot, SlotState.PUBLISHED, SlotState.CLAIMED);
    }

    /**
     * Compare-and-swap of the STATUS word from {@code from} to {@code to} (volatile semantics, so it orders the
     * caller's earlier writes before it and later reads after it).
     */
    public boolean transition(int slot, SlotState from, SlotState to) {
        return Wire.compareAndSet(segment, index(slot, STATUS), from.wire(), to.wire());
    }

    /**
     * Marks a CLAIMED slot DONE with release ordering, after the caller wrote its results. Refuses a slot that is
     * not CLAIMED. The caller then increments the control block's DONE_COUNT.
     */
    public void complete(int slot) {
        requireClaimed(slot, "complete");
        Wire.setRelease(segment, index(slot, STATUS), SlotState.DONE.wire());
    }

    /**
     * Marks a CLAIMED slot FAULT: writes {@code code} to ARG0 and {@code detail} to ARG1, leaves ARG2..ARG11 as
     * published, then stores STATUS=FAULT with release ordering. Refuses a slot that is not CLAIMED.
     */
    public void fault(int slot, FaultCode code, int detail) {
        if (code == null) {
            throw new ProtocolException(BUFFER, "fault code is null", "pass a FaultCode");
        }
        requireClaimed(slot, "fault");
        long base = (long) slot * SLOT_WORDS;
        Wire.setPlain(segment, base + SlotLayout.FAULT_CODE, code.wire());
        Wire.setPlain(segment, base + SlotLayout.FAULT_DETAIL, detail);
        Wire.setRelease(segment, base + STATUS, SlotState.FAULT.wire());
    }

    /** Returns a DONE or FAULT slot to EMPTY (host side, after reading it); false if it was in another state. */
    public boolean recycle(int slot) {
        return transition(slot, SlotState.DONE, SlotState.EMPTY) || transition(slot, SlotState.FAULT, SlotState.EMPTY);
    }

    /** A snapshot of {@code slot} (STATUS with acquire, then the other words); refuses unknown status/priority. */
    public Slot read(int slot) {
        SlotState state = status(slot);
        Priority priority = Priority.fromWire(word(slot, PRIORITY), BUFFER, "slot " + slot + " priority word");
        int[] args = new int[ARGS_PER_SLOT];
        for (int i = 0; i < ARGS_PER_SLOT; i++) {
            args[i] = word(slot, ARG0 + i);
        }
        return new Slot(state, word(slot, OPCODE), word(slot, TENANT), priority, args);
    }

    // ---- encoding -----------------------------------------------------------------------------------------

    /** Encodes slots as ring bytes; refuses an empty list and more than {@code MAX_ENCODED_RING_SLOTS}. */
    public static byte[] encode(List<Slot> slots) {
        if (slots == null) {
            throw new ProtocolException(BUFFER, "slot list is null", "pass the slots to encode");
        }
        checkSlotCount(slots.size(), MAX_ENCODED_RING_SLOTS, "MAX_ENCODED_RING_SLOTS");
        byte[] bytes = new byte[slots.size() * SLOT_BYTES];
        MemorySegment s = MemorySegment.ofArray(bytes);
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).writeTo(s, (long) i * SLOT_WORDS);
        }
        return bytes;
    }

    /** Decodes ring bytes; see {@link #decode(MemorySegment)}. */
    public static List<Slot> decode(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(BUFFER, "no bytes given", "pass the ring's bytes");
        }
        return decode(MemorySegment.ofArray(bytes));
    }

    /**
     * Decodes a ring from a segment of any alignment: refuses lengths that are not whole words or whole slots,
     * an empty ring, more than {@code MAX_ENCODED_RING_SLOTS} slots, and unknown status or priority words.
     */
    public static List<Slot> decode(MemorySegment segment) {
        if (segment == null) {
            throw new ProtocolException(BUFFER, "segment is null", "pass the ring's segment");
        }
        int slots = slotsOf(segment.byteSize(), MAX_ENCODED_RING_SLOTS, "MAX_ENCODED_RING_SLOTS");
        List<Slot> out = new ArrayList<>(slots);
        for (int i = 0; i < slots; i++) {
            out.add(Slot.read(segment, (long) i * SLOT_WORDS, BUFFER, "slot " + i));
        }
        return out;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private void requireClaimed(int slot, String action) {
        int state = statusWord(slot);
        if (state != SlotState.CLAIMED.wire()) {
            throw new ProtocolException(BUFFER, "cannot " + action + " slot " + slot + ": it is " + describe(state)
                    + ", not CLAIMED", "only the worker whose tryClaim succeeded may complete or fault the slot");
        }
    }

    private static String describe(int state) {
        return state >= 0 && state <= SlotState.FAULT.wire() ? SlotState.fromWire(state).name()
                : "in unknown state " + Wire.hex(state);
    }

    private long index(int slot, int word) {
        checkSlot(slot);
        Wire.checkIndex(BUFFER, "slot word", word, SLOT_WORDS);
        return (long) slot * SLOT_WORDS + word;
    }

    private void checkSlot(int slot) {
        Wire.checkIndex(BUFFER, "slot", slot, slotCount);
    }

    private static int slotsOf(long byteLength, int max, String maxName) {
        long words = Wire.wholeWords(BUFFER, byteLength);
        if (words % SLOT_WORDS != 0) {
            throw new ProtocolException(BUFFER, "is truncated: " + words + " words is not a whole number of "
                    + SLOT_WORDS + "-word slots (the last slot has " + words % SLOT_WORDS + " words)",
                    "pass whole slots: byte length a multiple of " + SLOT_BYTES);
        }
        long slots = words / SLOT_WORDS;
        checkSlotCount(slots, max, maxName);
        return (int) slots;
    }

    private static void checkSlotCount(long slots, int max, String maxName) {
        if (slots < 1 || slots > max) {
            throw new ProtocolException(BUFFER, slots + " slots is outside 1.." + max + " (" + maxName + ")",
                    "use a ring of 1 to " + max + " slots");
        }
    }
}
