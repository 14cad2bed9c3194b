package dev.vyre.vm;

/**
 * The word layout of a VYVM image (docs/VM-BYTECODE.md, Image format): a header of {@link #HEADER_WORDS}
 * little-endian u32 words, {@link #BUFFER_WORDS} words per buffer declaration, {@link #INSTRUCTION_WORDS} words
 * per instruction, nothing after.
 */
public final class VmImageLayout {
    /** Word 0: {@link #MAGIC_VALUE}. */
    public static final int MAGIC = 0;
    /** Word 1: {@link #VERSION_VALUE}. */
    public static final int VERSION = 1;
    /** Word 2: flags, reserved (0). */
    public static final int FLAGS = 2;
    /** Word 3: registers per invocation, 1..{@link #MAX_REGISTERS}. */
    public static final int REGISTERS = 3;
    /** Words 4, 5, 6: workgroup size x, y, z. */
    public static final int WORKGROUP_X = 4;
    public static final int WORKGROUP_Y = 5;
    public static final int WORKGROUP_Z = 6;
    /** Word 7: buffer declarations, 0..{@link #MAX_BUFFERS}. */
    public static final int BUFFERS = 7;
    /** Word 8: instructions, 1..{@link #MAX_INSTRUCTIONS}. */
    public static final int INSTRUCTIONS = 8;
    /** Word 9: bytes of Workgroup memory, 0..{@link #MAX_WORKGROUP_BYTES}. */
    public static final int WORKGROUP_BYTES = 9;
    /** Words 10, 11: reserved (0). */
    public static final int RESERVED0 = 10;
    public static final int RESERVED1 = 11;
    /** Header words. */
    public static final int HEADER_WORDS = 12;

    /** "VYVM" as little-endian bytes. */
    public static final int MAGIC_VALUE = 0x4D56_5956;
    public static final int VERSION_VALUE = 1;

    /** Words per buffer declaration: KIND (type | access << 8), COUNT. */
    public static final int BUFFER_WORDS = 2;
    /** Buffer declaration word: bits 0..7 element type tag, bits 8..15 access tag. */
    public static final int BUFFER_KIND = 0;
    /** Buffer declaration word: declared element count (0 = the bound length). */
    public static final int BUFFER_COUNT = 1;
    /** Shift of the access tag in {@link #BUFFER_KIND}. */
    public static final int ACCESS_SHIFT = 8;

    /** Words per instruction: {@code op | dst << 8 | a << 16 | b << 24}, then imm. */
    public static final int INSTRUCTION_WORDS = 2;
    public static final int OP_SHIFT = 0;
    public static final int DST_SHIFT = 8;
    public static final int A_SHIFT = 16;
    public static final int B_SHIFT = 24;

    /** Memory immediate: bits 0..7 slot. */
    public static final int MEM_SLOT_MASK = 0xFF;
    /** Memory immediate: the index register holds an I32 (negative: out of bounds). */
    public static final int MEM_SIGNED_INDEX = 1 << 8;
    /** Memory immediate: bits 16..23 the expected register of ATOMIC_CMPXCHG. */
    public static final int MEM_C_SHIFT = 16;
    /** WAVE_REDUCE immediate: bits 8..15 the value type (0 U32, 1 I32, 2 F32); bits 0..7 the kind 0..5. */
    public static final int REDUCE_TYPE_SHIFT = 8;

    public static final int MAX_REGISTERS = 128;
    public static final int MAX_BUFFERS = 16;
    public static final int MAX_INSTRUCTIONS = 65_536;
    public static final int MAX_WORKGROUP_INVOCATIONS = 1024;
    /** Most invocations per workgroup of an image with BARRIER (one wave). */
    public static final int MAX_BARRIER_INVOCATIONS = 32;
    public static final int MAX_WORKGROUP_BYTES = 16_384;
    /** Lanes per wave. */
    public static final int WAVE_SIZE = 32;

    private VmImageLayout() {
    }

    /** Word index of buffer declaration {@code slot}'s word {@code field}. */
    public static int bufferWord(int slot, int field) {
        return HEADER_WORDS + slot * BUFFER_WORDS + field;
    }

    /** Word index of instruction {@code pc}'s first word in an image with {@code buffers} declarations. */
    public static int instructionWord(int buffers, int pc) {
        return HEADER_WORDS + buffers * BUFFER_WORDS + pc * INSTRUCTION_WORDS;
    }

    /** Total words of an image with these counts. */
    public static long imageWords(int buffers, int instructions) {
        return HEADER_WORDS + (long) buffers * BUFFER_WORDS + (long) instructions * INSTRUCTION_WORDS;
    }
}
