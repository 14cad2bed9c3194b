package dev.vyre.protocol;

/**
 * Word layout of the debug log buffer. The spec fixes only the record ({@code RECORD_WORDS = 4} words
 * {@code fmt_id, arg0, arg1, arg2}) and the limit; the header is ours (docs/PROTOCOL-JAVA.md):
 * <pre>
 * word 0  CURSOR     records reserved so far; never exceeds CAPACITY
 * word 1  DROPPED    appends refused because the log was full (u32, wraps)
 * word 2  CAPACITY   record capacity, written once at allocation
 * word 3  COMMITTED  records completely written (incremented after a record's words are stored)
 * word 4  record 0, then record i at word HEADER_WORDS + i * RECORD_WORDS
 * </pre>
 * A writer reserves index {@code i} by compare-and-swap {@code CURSOR: i -> i+1} while {@code i < CAPACITY}, else
 * increments DROPPED; it writes the record, then increments COMMITTED with release ordering. A reader that sees
 * {@code COMMITTED == CURSOR} (COMMITTED read first, with acquire) sees every record below CURSOR complete.
 */
public final class DebugLogLayout {
    /** Words per record. */
    public static final int RECORD_WORDS = 4;
    /** Record word 0: format id. */
    public static final int RECORD_FMT_ID = 0;
    /** Record word 1: first argument. */
    public static final int RECORD_ARG0 = 1;
    /** Record word 2: second argument. */
    public static final int RECORD_ARG1 = 2;
    /** Record word 3: third argument. */
    public static final int RECORD_ARG2 = 3;

    /** Header word: records reserved. */
    public static final int CURSOR = 0;
    /** Header word: appends dropped because the log was full. */
    public static final int DROPPED = 1;
    /** Header word: record capacity. */
    public static final int CAPACITY = 2;
    /** Header word: records completely written. */
    public static final int COMMITTED = 3;
    /** Header words before record 0 (one record's worth, so records stay 16-byte aligned). */
    public static final int HEADER_WORDS = 4;

    /** Most records an encoder, decoder or allocation accepts. */
    public static final int MAX_ENCODED_DEBUG_RECORDS = 1_048_576;

    private DebugLogLayout() {
    }

    /** Words of a debug log buffer holding {@code capacity} records. */
    public static long bufferWords(long capacity) {
        return HEADER_WORDS + capacity * RECORD_WORDS;
    }
}
