package dev.vyre.runtime.automata;

/**
 * Word layout of a DFA_STEP match buffer (docs/SCAN.md "Match buffer"), 32-bit little-endian words:
 * <pre>
 * words 0..1  CURSOR    u64, records appended so far (device atomic add; may pass CAPACITY)
 * words 2..3  DROPPED   u64, records that did not fit (device atomic add)
 * word  4     CAPACITY  records the buffer holds (host-written once)
 * words 5..7  reserved, 0
 * then CAPACITY records of 4 words: TAG, PATTERN_ID, END_LO, END_HI (absolute end offset, u64)
 * </pre>
 */
public final class MatchBufferLayout {
    /** Word of the u64 cursor (8-byte aligned). */
    public static final int CURSOR = 0;
    /** Word of the u64 dropped count (8-byte aligned). */
    public static final int DROPPED = 2;
    /** Word of the capacity in records. */
    public static final int CAPACITY = 4;
    /** Words before the first record. */
    public static final int HEADER_WORDS = 8;
    /** Words per record. */
    public static final int RECORD_WORDS = 4;
    /** Record word: the slot's TAG. */
    public static final int R_TAG = 0;
    /** Record word: the pattern id. */
    public static final int R_PATTERN = 1;
    /** Record word: end offset, low word. */
    public static final int R_END_LO = 2;
    /** Record word: end offset, high word. */
    public static final int R_END_HI = 3;
    /** Most records one buffer may hold (its byte size stays below 2 GiB). */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - HEADER_WORDS * 4) / (RECORD_WORDS * 4);

    private MatchBufferLayout() {
    }

    /** Bytes of a buffer of {@code capacity} records. */
    public static long bytes(int capacity) {
        return (HEADER_WORDS + (long) RECORD_WORDS * capacity) * Integer.BYTES;
    }
}
