package dev.vyre.protocol;

/** Opcode values and the system range (PROTOCOL.md, Opcodes). */
public final class Opcodes {
    public static final int NOP = 0;
    public static final int STORE_U32 = 1;
    public static final int ATOMIC_ADD = 2;
    public static final int LOAD_U32 = 3;
    public static final int COMPARE_SWAP = 4;
    public static final int MEMCPY = 5;
    public static final int DFA_STEP = 6;
    public static final int BATCH_FENCE = 7;
    public static final int LOAD_MISS = 0xFFFD;
    public static final int PRINTF = 0xFFFE;
    public static final int PACKED_SLOT = 0x8000_0001;
    /** Runs a registered VYVM bytecode program over a registered buffer set (docs/VM-BYTECODE.md). */
    public static final int VM_EXEC = 0x8000_0002;
    public static final int SHUTDOWN = 0xFFFF_FFFF;

    /** Any opcode with this bit set is a system opcode. */
    public static final int SYSTEM_MASK = 0x8000_0000;
    /** First opcode of the reserved 16-bit system window. */
    public static final int SYSTEM_WINDOW_FIRST = 0xFFF0;
    /** Last opcode of the reserved 16-bit system window. */
    public static final int SYSTEM_WINDOW_LAST = 0xFFFF;
    /** Highest opcode of the low built-in range {@code 0..=7}. */
    public static final int LAST_LOW_BUILTIN = BATCH_FENCE;

    private Opcodes() {
    }

    /**
     * Whether {@code op} (a u32) is in the system range: the high bit set, or in {@code 0xFFF0..=0xFFFF}, or
     * {@code <= 7}. User opcodes must avoid it.
     */
    public static boolean isSystem(int op) {
        return (op & SYSTEM_MASK) != 0
                || (op >= SYSTEM_WINDOW_FIRST && op <= SYSTEM_WINDOW_LAST)
                || Integer.compareUnsigned(op, LAST_LOW_BUILTIN) <= 0;
    }

    /** Whether {@code op} is a built-in: {@code <= 7}, PACKED_SLOT, VM_EXEC, PRINTF or SHUTDOWN. */
    public static boolean isBuiltin(int op) {
        return Integer.compareUnsigned(op, LAST_LOW_BUILTIN) <= 0
                || op == PACKED_SLOT || op == VM_EXEC || op == PRINTF || op == SHUTDOWN;
    }

    /** The opcode's name, or {@code USER(0x...)} / {@code SYSTEM(0x...)} for unnamed values. */
    public static String name(int op) {
        return switch (op) {
            case NOP -> "NOP";
            case STORE_U32 -> "STORE_U32";
            case ATOMIC_ADD -> "ATOMIC_ADD";
            case LOAD_U32 -> "LOAD_U32";
            case COMPARE_SWAP -> "COMPARE_SWAP";
            case MEMCPY -> "MEMCPY";
            case DFA_STEP -> "DFA_STEP";
            case BATCH_FENCE -> "BATCH_FENCE";
            case LOAD_MISS -> "LOAD_MISS";
            case PRINTF -> "PRINTF";
            case PACKED_SLOT -> "PACKED_SLOT";
            case VM_EXEC -> "VM_EXEC";
            case SHUTDOWN -> "SHUTDOWN";
            default -> (isSystem(op) ? "SYSTEM(" : "USER(") + Wire.hex(op) + ")";
        };
    }

    /**
     * Returns {@code op} if it may be registered as a user opcode; refuses opcodes in the system range (the spec:
     * publishing a user opcode in the system range is an error).
     */
    public static int requireUser(int op) {
        if (isSystem(op)) {
            throw new ProtocolException("opcode", Wire.hex(op) + " (" + name(op) + ") is in the system range "
                    + "(high bit set, 0xFFF0..0xFFFF, or <= 7)",
                    "number user opcodes from 8 up, below 0xFFF0 or between 0x10000 and 0x7FFFFFFF");
        }
        return op;
    }
}
