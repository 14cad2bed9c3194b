package dev.vyre.vm;

/**
 * The device tables VM_EXEC reads (docs/VM-BYTECODE.md, Device tables): one shared-memory segment of
 * {@link #TABLE_BYTES}, the program table at {@link #PROGRAMS_OFFSET}, the buffer-set table at
 * {@link #BUFFER_SETS_OFFSET}. Field constants are word offsets inside an entry; u64 fields are two words, low
 * first. STATE words are written last (release) and read first (acquire).
 */
public final class VmTableLayout {
    /** Entries of the program table. */
    public static final int MAX_PROGRAMS = 1024;
    /** Entries of the buffer-set table. */
    public static final int MAX_BUFFER_SETS = 1024;

    /** STATE bit: the entry is registered. */
    public static final int READY = 1 << 31;
    /** STATE bits 0..30: the generation. */
    public static final int GENERATION_MASK = 0x7FFF_FFFF;

    // ---- program entry ----
    public static final int P_STATE = 0;
    public static final int P_OWNER = 1;
    /** u64 device address of the image words (words 2, 3). */
    public static final int P_IMAGE_ADDRESS = 2;
    public static final int P_IMAGE_WORDS = 4;
    /** 8 words: the 32-byte BLAKE3 fingerprint of the canonical VIR0 bytes. */
    public static final int P_FINGERPRINT = 6;
    public static final int FINGERPRINT_WORDS = 8;
    public static final int PROGRAM_ENTRY_WORDS = 16;
    public static final int PROGRAM_ENTRY_BYTES = PROGRAM_ENTRY_WORDS * 4;

    // ---- buffer-set entry ----
    public static final int S_STATE = 0;
    public static final int S_OWNER = 1;
    public static final int S_BUFFER_COUNT = 2;
    /** Word of buffer 0's descriptor; buffer i's is at {@code S_BUFFERS + i * BUFFER_DESCRIPTOR_WORDS}. */
    public static final int S_BUFFERS = 4;
    public static final int BUFFER_DESCRIPTOR_WORDS = 4;
    /** Descriptor word: u64 device address (words 0, 1). */
    public static final int B_ADDRESS = 0;
    /** Descriptor word: element count (u32). */
    public static final int B_ELEMENTS = 2;
    /** Descriptor word: bits 0..7 element type tag. */
    public static final int B_TYPE = 3;
    public static final int BUFFER_SET_ENTRY_WORDS = S_BUFFERS + VmImageLayout.MAX_BUFFERS * BUFFER_DESCRIPTOR_WORDS;
    public static final int BUFFER_SET_ENTRY_BYTES = BUFFER_SET_ENTRY_WORDS * 4;

    public static final long PROGRAMS_OFFSET = 0;
    public static final long BUFFER_SETS_OFFSET = (long) MAX_PROGRAMS * PROGRAM_ENTRY_BYTES;
    public static final long TABLE_BYTES = BUFFER_SETS_OFFSET + (long) MAX_BUFFER_SETS * BUFFER_SET_ENTRY_BYTES;

    private VmTableLayout() {
    }

    /** Byte offset of program entry {@code id}'s word {@code field} in the tables. */
    public static long programWord(int id, int field) {
        return PROGRAMS_OFFSET + (long) id * PROGRAM_ENTRY_BYTES + field * 4L;
    }

    /** Byte offset of buffer-set entry {@code id}'s word {@code field} in the tables. */
    public static long bufferSetWord(int id, int field) {
        return BUFFER_SETS_OFFSET + (long) id * BUFFER_SET_ENTRY_BYTES + field * 4L;
    }

    /** Byte offset of word {@code field} of buffer {@code slot}'s descriptor in buffer-set entry {@code id}. */
    public static long bufferWord(int id, int slot, int field) {
        return bufferSetWord(id, S_BUFFERS + slot * BUFFER_DESCRIPTOR_WORDS + field);
    }
}
