package dev.vyre.protocol;

import static dev.vyre.protocol.DebugLogLayout.CAPACITY;
import static dev.vyre.protocol.DebugLogLayout.COMMITTED;
import static dev.vyre.protocol.DebugLogLayout.CURSOR;
import static dev.vyre.protocol.DebugLogLayout.DROPPED;
import static dev.vyre.protocol.DebugLogLayout.HEADER_WORDS;
import static dev.vyre.protocol.DebugLogLayout.MAX_ENCODED_DEBUG_RECORDS;
import static dev.vyre.protocol.DebugLogLayout.RECORD_ARG0;
import static dev.vyre.protocol.DebugLogLayout.RECORD_ARG1;
import static dev.vyre.protocol.DebugLogLayout.RECORD_ARG2;
import static dev.vyre.protocol.DebugLogLayout.RECORD_FMT_ID;
import static dev.vyre.protocol.DebugLogLayout.RECORD_WORDS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The debug log (layout in {@link DebugLogLayout}) over a {@link MemorySegment} shared with the device. Appends
 * from any number of threads reserve an index atomically; a record that does not fit is dropped and counted,
 * never written out of bounds. The capacity is read once at wrap time and every write is bounded by it, so a
 * corrupted header word cannot send a write outside the buffer.
 */
public final class DebugLogView {
    private static final String BUFFER = "debug log";

    private final MemorySegment segment;
    private final int capacity;

    private DebugLogView(MemorySegment segment, int capacity) {
        this.segment = segment;
        this.capacity = capacity;
    }

    /** A zeroed log for {@code capacity} records (0..MAX_ENCODED_DEBUG_RECORDS) with CAPACITY written. */
    public static DebugLogView allocate(Arena arena, int capacity) {
        checkCapacity(capacity);
        MemorySegment s = Wire.allocate(arena, DebugLogLayout.bufferWords(capacity) * Wire.WORD_BYTES);
        Wire.setRelease(s, CAPACITY, capacity);
        return new DebugLogView(s, capacity);
    }

    /**
     * A view over an existing log segment: writable, 4-byte aligned, exactly the header plus CAPACITY records,
     * with {@code COMMITTED <= CURSOR <= CAPACITY}.
     */
    public static DebugLogView wrap(MemorySegment segment) {
        Wire.requireViewSegment(BUFFER, segment);
        int capacity = checkHeader(segment);
        int committed = Wire.getAcquire(segment, COMMITTED);
        checkCounters(Wire.getAcquire(segment, CURSOR), committed, capacity);
        return new DebugLogView(segment, capacity);
    }

    /** The shared segment. */
    public MemorySegment segment() {
        return segment;
    }

    /** Record capacity. */
    public int capacity() {
        return capacity;
    }

    /** Records reserved so far (acquire read). */
    public int cursor() {
        return Wire.getAcquire(segment, CURSOR);
    }

    /** Records completely written so far (acquire read). */
    public int committed() {
        return Wire.getAcquire(segment, COMMITTED);
    }

    /** Appends refused because the log was full, as an unsigned count (the word wraps at 2^32). */
    public long dropped() {
        return Integer.toUnsignedLong(Wire.getAcquire(segment, DROPPED));
    }

    /**
     * Appends a record: reserves the next index by compare-and-swap on CURSOR while it is below the capacity,
     * writes the four words, then increments COMMITTED. Returns false, after incrementing DROPPED, when full.
     */
    public boolean append(int fmtId, int arg0, int arg1, int arg2) {
        int index;
        do {
            index = Wire.getVolatile(segment, CURSOR);
            if (index < 0 || index >= capacity) {
                Wire.getAndAdd(segment, DROPPED, 1);
                return false;
            }
        } while (!Wire.compareAndSet(segment, CURSOR, index, index + 1));
        long base = recordBase(index);
        Wire.setPlain(segment, base + RECORD_FMT_ID, fmtId);
        Wire.setPlain(segment, base + RECORD_ARG0, arg0);
        Wire.setPlain(segment, base + RECORD_ARG1, arg1);
        Wire.setPlain(segment, base + RECORD_ARG2, arg2);
        Wire.getAndAdd(segment, COMMITTED, 1);
        return true;
    }

    /**
     * A consistent snapshot, or empty while appends are in flight (some reserved record not yet committed): read
     * again later. Refuses counters a corrupt writer left outside {@code COMMITTED <= CURSOR <= capacity}.
     */
    public Optional<DebugLogSnapshot> tryRead() {
        int committed = Wire.getAcquire(segment, COMMITTED);
        int cursor = Wire.getAcquire(segment, CURSOR);
        checkCounters(cursor, committed, capacity);
        if (committed != cursor) {
            return Optional.empty();
        }
        List<DebugRecord> records = new ArrayList<>(cursor);
        for (int i = 0; i < cursor; i++) {
            records.add(readRecord(segment, i));
        }
        return Optional.of(new DebugLogSnapshot(capacity, dropped(), records));
    }

    /** Decodes log bytes; see {@link #decode(MemorySegment)}. */
    public static DebugLogSnapshot decode(byte[] bytes) {
        if (bytes == null) {
            throw new ProtocolException(BUFFER, "no bytes given", "pass the debug log's bytes");
        }
        return decode(MemorySegment.ofArray(bytes));
    }

    /**
     * Decodes a quiescent log from a segment of any alignment. Refuses lengths that are not whole words or not
     * exactly header plus CAPACITY records, a capacity above {@code MAX_ENCODED_DEBUG_RECORDS}, CURSOR above
     * CAPACITY, and COMMITTED different from CURSOR (captured while appends were in flight).
     */
    public static DebugLogSnapshot decode(MemorySegment segment) {
        if (segment == null) {
            throw new ProtocolException(BUFFER, "segment is null", "pass the debug log's segment");
        }
        int capacity = checkHeader(segment);
        int cursor = Wire.read(segment, CURSOR);
        int committed = Wire.read(segment, COMMITTED);
        checkCounters(cursor, committed, capacity);
        if (committed != cursor) {
            throw new ProtocolException(BUFFER, "COMMITTED " + committed + " is below CURSOR " + cursor
                    + ": it was captured while appends were in flight",
                    "capture the log after the kernel drains, or use DebugLogView.tryRead on the live log");
        }
        List<DebugRecord> records = new ArrayList<>(cursor);
        for (int i = 0; i < cursor; i++) {
            records.add(readRecord(segment, i));
        }
        return new DebugLogSnapshot(capacity, Integer.toUnsignedLong(Wire.read(segment, DROPPED)), records);
    }

    static void writeRecord(MemorySegment out, int index, DebugRecord r) {
        long base = recordBase(index);
        Wire.write(out, base + RECORD_FMT_ID, r.fmtId());
        Wire.write(out, base + RECORD_ARG0, r.arg0());
        Wire.write(out, base + RECORD_ARG1, r.arg1());
        Wire.write(out, base + RECORD_ARG2, r.arg2());
    }

    private static DebugRecord readRecord(MemorySegment s, int index) {
        long base = recordBase(index);
        return new DebugRecord(Wire.read(s, base + RECORD_FMT_ID), Wire.read(s, base + RECORD_ARG0),
                Wire.read(s, base + RECORD_ARG1), Wire.read(s, base + RECORD_ARG2));
    }

    private static long recordBase(int index) {
        return HEADER_WORDS + (long) index * RECORD_WORDS;
    }

    /** Checks the length against the CAPACITY word; returns the capacity. */
    private static int checkHeader(MemorySegment segment) {
        long words = Wire.wholeWords(BUFFER, segment.byteSize());
        if (words < HEADER_WORDS) {
            throw new ProtocolException(BUFFER, "is truncated: " + words + " words, the header alone has "
                    + HEADER_WORDS, "pass the whole log: header (cursor, dropped, capacity, committed) then records");
        }
        int capacity = Wire.read(segment, CAPACITY);
        checkCapacity(capacity);
        long expected = DebugLogLayout.bufferWords(capacity);
        if (words != expected) {
            throw new ProtocolException(BUFFER, (words < expected ? "is truncated: " : "has trailing words: ") + words
                    + " words, but CAPACITY " + capacity + " needs exactly " + expected,
                    "pass the log exactly as allocated (header plus CAPACITY records of " + RECORD_WORDS + " words)");
        }
        return capacity;
    }

    private static void checkCounters(int cursor, int committed, int capacity) {
        if (cursor < 0 || cursor > capacity) {
            throw new ProtocolException(BUFFER, "CURSOR " + Integer.toUnsignedString(cursor) + " exceeds CAPACITY "
                    + capacity, "the log is corrupt: reserve records only below the capacity (drop and count "
                    + "the rest)");
        }
        if (committed < 0 || committed > cursor) {
            throw new ProtocolException(BUFFER, "COMMITTED " + Integer.toUnsignedString(committed)
                    + " exceeds CURSOR " + cursor,
                    "the log is corrupt: commit a record only after reserving it");
        }
    }

    private static void checkCapacity(int capacity) {
        if (capacity < 0 || capacity > MAX_ENCODED_DEBUG_RECORDS) {
            throw new ProtocolException(BUFFER, "capacity " + Integer.toUnsignedString(capacity) + " is outside 0.."
                    + MAX_ENCODED_DEBUG_RECORDS + " (MAX_ENCODED_DEBUG_RECORDS)",
                    "use a log of at most " + MAX_ENCODED_DEBUG_RECORDS + " records");
        }
    }
}
