package dev.vyre.protocol;

/** Priority class of a slot or task (lower is more urgent). Wire values are the ABI's. */
public enum Priority {
    CRITICAL(0),
    HIGH(1),
    NORMAL(2),
    LOW(3),
    IDLE(4);

    private static final Priority[] BY_WIRE = values();

    private final int wire;

    Priority(int wire) {
        this.wire = wire;
    }

    /** The class's value in a PRIORITY word. */
    public int wire() {
        return wire;
    }

    /** The class whose wire value is {@code wire}; refuses any other word. */
    public static Priority fromWire(int wire) {
        return fromWire(wire, "slot", "priority word");
    }

    static Priority fromWire(int wire, String buffer, String where) {
        if (wire >= 0 && wire < BY_WIRE.length) {
            return BY_WIRE[wire];
        }
        throw new ProtocolException(buffer, where + " " + Wire.hex(wire) + " is not a priority (CRITICAL=0 .. IDLE="
                + IDLE.wire + ")", "write only Priority wire values to PRIORITY words; a buffer with other values "
                + "is corrupt");
    }
}
