package dev.vyre.protocol;

/** Word layout of one ring slot and the ring limits (PROTOCOL.md, Ring slots). */
public final class SlotLayout {
    /** Words per slot. */
    public static final int SLOT_WORDS = 16;
    /** Bytes per slot. */
    public static final int SLOT_BYTES = SLOT_WORDS * Wire.WORD_BYTES;

    /** Word 0: the {@link SlotState}. */
    public static final int STATUS = 0;
    /** Word 1: the opcode to run. */
    public static final int OPCODE = 1;
    /** Word 2: tenant id of the publisher. */
    public static final int TENANT = 2;
    /** Word 3: the {@link Priority}. */
    public static final int PRIORITY = 3;
    public static final int ARG0 = 4;
    public static final int ARG1 = 5;
    public static final int ARG2 = 6;
    public static final int ARG3 = 7;
    public static final int ARG4 = 8;
    public static final int ARG5 = 9;
    public static final int ARG6 = 10;
    public static final int ARG7 = 11;
    public static final int ARG8 = 12;
    public static final int ARG9 = 13;
    public static final int ARG10 = 14;
    public static final int ARG11 = 15;
    /** Argument words per slot (ARG0..ARG11). */
    public static final int ARGS_PER_SLOT = 12;

    /** Our choice: in a FAULT slot, ARG0 holds the {@link FaultCode}. */
    public static final int FAULT_CODE = ARG0;
    /** Our choice: in a FAULT slot, ARG1 holds the code-specific detail word. */
    public static final int FAULT_DETAIL = ARG1;

    /** Most slots a ring may have: {@code u32::MAX / 16}. */
    public static final int MAX_RING_SLOTS = (int) (0xFFFF_FFFFL / SLOT_WORDS);
    /** Most slots an encoder or decoder accepts. */
    public static final int MAX_ENCODED_RING_SLOTS = 1_048_576;

    private SlotLayout() {
    }

    /** Word index of argument {@code i} (0..11). */
    public static int arg(int i) {
        Wire.checkIndex("slot", "argument", i, ARGS_PER_SLOT);
        return ARG0 + i;
    }
}
