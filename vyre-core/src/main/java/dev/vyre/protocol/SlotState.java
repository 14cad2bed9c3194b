package dev.vyre.protocol;

/** State of a ring slot, stored in word {@link SlotLayout#STATUS}. Wire values are the ABI's. */
public enum SlotState {
    /** Free: the host may publish into it. */
    EMPTY(0),
    /** Words 1..15 are written; a worker may claim it. */
    PUBLISHED(1),
    /** Exactly one worker owns it and executes it. */
    CLAIMED(2),
    /** Executed; results are in the slot or the control block; the host recycles it. */
    DONE(3),
    /** Waiting for an io-queue completion. */
    WAIT_IO(4),
    /** Handed back to the scheduler to resume later. */
    YIELD(5),
    /** Handed back to the scheduler to run again. */
    REQUEUE(6),
    /** Failed; ARG0 holds a {@link FaultCode}, ARG1 its detail (see {@link SlotLayout#FAULT_CODE}). */
    FAULT(7);

    private static final SlotState[] BY_WIRE = values();

    private final int wire;

    SlotState(int wire) {
        this.wire = wire;
    }

    /** The state's value in the STATUS word. */
    public int wire() {
        return wire;
    }

    /** The state whose wire value is {@code wire}; refuses any other word. */
    public static SlotState fromWire(int wire) {
        return fromWire(wire, "slot", "status word");
    }

    static SlotState fromWire(int wire, String buffer, String where) {
        if (wire >= 0 && wire < BY_WIRE.length) {
            return BY_WIRE[wire];
        }
        throw new ProtocolException(buffer, where + " " + Wire.hex(wire) + " is not a slot state (EMPTY=0 .. FAULT="
                + FAULT.wire + ")", "write only SlotState wire values to STATUS words; a buffer with other values "
                + "is corrupt or not a ring");
    }
}
