package dev.vyre.runtime;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;

/**
 * The bits of a tenant permission mask ({@code control[TENANT_BASE + tenant]}, tenants 0..29). A slot runs only
 * if the mask of its TENANT has the bit of its OPCODE set; otherwise it faults OPCODE_NOT_PERMITTED.
 *
 * <pre>
 * bits 0..7    built-in opcodes 0..7 (bit n = opcode n: NOP, STORE_U32, ATOMIC_ADD, LOAD_U32, COMPARE_SWAP,
 *              MEMCPY, DFA_STEP, BATCH_FENCE); bit 6 also permits VM_EXEC (docs/VM-BYTECODE.md)
 * bit 8        LOAD_MISS
 * bit 9        PRINTF
 * bit 10       PACKED_SLOT (each sub-op also needs its own bit)
 * bit 11       SHUTDOWN
 * bits 12..31  user handler i (handlers sorted by opcode, unsigned), at most 20 handlers
 * </pre>
 * A TENANT word outside 0..29 has no mask: every opcode faults OPCODE_NOT_PERMITTED. An opcode with no bit (a
 * system-range value that is not a defined system opcode, or a user opcode without a handler) faults
 * UNKNOWN_OPCODE before the mask is consulted.
 */
public final class Permissions {
    /** Bit of LOAD_MISS. */
    public static final int LOAD_MISS_BIT = 8;
    /** Bit of PRINTF. */
    public static final int PRINTF_BIT = 9;
    /** Bit of VM_EXEC: DFA_STEP's (both run host-registered code over host-registered buffers). */
    public static final int VM_EXEC_BIT = Opcodes.DFA_STEP;
    /** Bit of PACKED_SLOT. */
    public static final int PACKED_SLOT_BIT = 10;
    /** Bit of SHUTDOWN. */
    public static final int SHUTDOWN_BIT = 11;
    /** Bit of the first user handler (the one with the lowest opcode). */
    public static final int FIRST_USER_BIT = 12;
    /** Most user handlers one megakernel registers (bits 12..31). */
    public static final int MAX_USER_HANDLERS = Integer.SIZE - FIRST_USER_BIT;
    /** Mask allowing every opcode. */
    public static final int ALL = 0xFFFF_FFFF;
    /** Mask allowing nothing. */
    public static final int NONE = 0;
    /** Tenants with a mask word: 0..TENANTS-1. */
    public static final int TENANTS = ControlLayout.TENANT_SLOTS;

    private Permissions() {
    }

    /** The bit of a system opcode (built-ins and LOAD_MISS), or -1 for any other value. */
    public static int systemBit(int opcode) {
        if (Integer.compareUnsigned(opcode, Opcodes.LAST_LOW_BUILTIN) <= 0) {
            return opcode;
        }
        return switch (opcode) {
            case Opcodes.LOAD_MISS -> LOAD_MISS_BIT;
            case Opcodes.PRINTF -> PRINTF_BIT;
            case Opcodes.PACKED_SLOT -> PACKED_SLOT_BIT;
            case Opcodes.VM_EXEC -> VM_EXEC_BIT;
            case Opcodes.SHUTDOWN -> SHUTDOWN_BIT;
            default -> -1;
        };
    }

    /** The bit of {@code opcode} under {@code handlers}, or -1 when the opcode is unknown. */
    public static int bit(int opcode, HandlerTable handlers) {
        int bit = systemBit(opcode);
        return bit >= 0 ? bit : handlers.permissionBit(opcode);
    }

    /** Whether {@code mask} has bit {@code bit} (0..31) set. */
    public static boolean permits(int mask, int bit) {
        return (mask >>> bit & 1) != 0;
    }

    /** Whether {@code tenant} (a u32 TENANT word) is a tenant with a mask word, 0..29. */
    public static boolean isTenant(int tenant) {
        return tenant >= 0 && tenant < TENANTS;
    }

    /**
     * The mask allowing exactly {@code opcodes} under {@code handlers}; refuses an opcode that has no bit.
     */
    public static int maskOf(HandlerTable handlers, int... opcodes) {
        int mask = NONE;
        for (int op : opcodes) {
            int bit = bit(op, handlers);
            if (bit < 0) {
                throw new BootstrapException("opcode " + Opcodes.name(op) + " has no permission bit: it is neither a"
                        + " system opcode nor a registered user handler", "register a handler for it first, or"
                        + " leave it out of the mask");
            }
            mask |= 1 << bit;
        }
        return mask;
    }
}
