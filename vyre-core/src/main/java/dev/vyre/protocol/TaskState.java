package dev.vyre.protocol;

/** State of a continuation task, stored in word {@link TaskLayout#STATE}. Wire values are the ABI's. */
public enum TaskState {
    EMPTY(0),
    READY(1),
    RUNNING(2),
    DONE(3),
    PAUSED(4),
    YIELDED(5),
    REQUEUED(6),
    FAULTED(7);

    private static final TaskState[] BY_WIRE = values();

    private final int wire;

    TaskState(int wire) {
        this.wire = wire;
    }

    /** The state's value in the task's STATE word. */
    public int wire() {
        return wire;
    }

    /** Whether the scheduler may pick a task in this state: Ready, Yielded and Requeued. */
    public boolean schedulable() {
        return this == READY || this == YIELDED || this == REQUEUED;
    }

    /** The state whose wire value is {@code wire}; refuses any other word. */
    public static TaskState fromWire(int wire) {
        return fromWire(wire, "task", "state word");
    }

    static TaskState fromWire(int wire, String buffer, String where) {
        if (wire >= 0 && wire < BY_WIRE.length) {
            return BY_WIRE[wire];
        }
        throw new ProtocolException(buffer, where + " " + Wire.hex(wire) + " is not a task state (Empty=0 .. Faulted="
                + FAULTED.wire + ")", "write only TaskState wire values to task STATE words; a buffer with other "
                + "values is corrupt or not a task list");
    }
}
