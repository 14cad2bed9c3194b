package dev.vyre.protocol;

/**
 * Why a slot ended in {@link SlotState#FAULT}. The spec only says "a fault code in an argument word"; our ABI puts
 * the code in {@link SlotLayout#FAULT_CODE} (ARG0) and a code-specific detail in {@link SlotLayout#FAULT_DETAIL}
 * (ARG1); ARG2..ARG11 keep what the host published. Code 0 is never a fault.
 */
public enum FaultCode {
    /** No handler is registered for the opcode (detail: 0; the opcode is in the OPCODE word). */
    UNKNOWN_OPCODE(1),
    /** The tenant's permission mask refuses the opcode (detail: 0; tenant and opcode are in the slot). */
    OPCODE_NOT_PERMITTED(2),
    /** The handler itself failed (detail: a handler-defined code). */
    HANDLER_FAULT(3),
    /** The handler ran past its step budget (detail: the budget it exhausted). */
    STEP_BUDGET(4),
    /** An argument word is invalid for the opcode (detail: the argument index 0..11). */
    BAD_ARGUMENT(5),
    /** A built-in addressed a control word past the control block (detail: the offending word index). */
    CONTROL_OUT_OF_RANGE(6),
    /** The io-queue request behind a WAIT_IO slot failed (detail: the completion's result word, e.g. -errno). */
    IO_FAILED(7),
    /**
     * A slot of an isolated tenant touched memory outside its regions (detail: for a built-in, the control word
     * index it addressed, nothing done; for a user handler, the count of its loads and stores that fell outside
     * its regions, which were dropped or read 0). See docs/TENANTS.md.
     */
    OUT_OF_REGION(8),
    /**
     * The worker running the slot died or stalled and was rebuilt; the slot's result is discarded (detail:
     * 1 = the worker died, 2 = the watchdog found it stalled). See docs/TENANTS.md, Recovery.
     */
    WORKER_LOST(9),
    /**
     * The slot named a registered object that another tenant owns: a VM_EXEC program or buffer set (detail: the
     * argument index that named it). See docs/VM-BYTECODE.md.
     */
    NOT_OWNER(10);

    private static final FaultCode[] VALUES = values();

    private final int wire;

    FaultCode(int wire) {
        this.wire = wire;
    }

    /** The code's value in the FAULT_CODE word. */
    public int wire() {
        return wire;
    }

    /** The fault whose wire value is {@code wire}; refuses 0 and unknown codes. */
    public static FaultCode fromWire(int wire) {
        if (wire >= 1 && wire <= VALUES.length) {
            return VALUES[wire - 1];
        }
        throw new ProtocolException("slot", "fault code word (ARG0) " + Wire.hex(wire) + " is not a fault code (1.."
                + VALUES.length + ")", "read fault codes only from slots whose STATUS is FAULT, and have the kernel "
                + "write FaultCode wire values");
    }
}
