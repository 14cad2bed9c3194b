package dev.vyre.runtime.automata;

import static dev.vyre.runtime.automata.MatchBufferLayout.CAPACITY;
import static dev.vyre.runtime.automata.MatchBufferLayout.CURSOR;
import static dev.vyre.runtime.automata.MatchBufferLayout.DROPPED;
import static dev.vyre.runtime.automata.MatchBufferLayout.HEADER_WORDS;
import static dev.vyre.runtime.automata.MatchBufferLayout.RECORD_WORDS;
import static dev.vyre.runtime.automata.MatchBufferLayout.R_END_HI;
import static dev.vyre.runtime.automata.MatchBufferLayout.R_END_LO;
import static dev.vyre.runtime.automata.MatchBufferLayout.R_PATTERN;
import static dev.vyre.runtime.automata.MatchBufferLayout.R_TAG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A match buffer ({@link MatchBufferLayout}) over shared memory. Executors append with {@link #append}; the host
 * reads records only while no slot that writes to the buffer is in flight, then {@link #reset}s it.
 */
public final class MatchBuffer {
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment segment;
    private final int capacity;

    private MatchBuffer(MemorySegment segment) {
        this.segment = segment;
        this.capacity = segment.getAtIndex(WORD, CAPACITY);
    }

    /** A zeroed buffer of {@code capacity} records allocated in {@code arena} (64-byte aligned). */
    public static MatchBuffer allocate(Arena arena, int capacity) {
        if (capacity < 0 || capacity > MatchBufferLayout.MAX_CAPACITY) {
            throw new ScanException("match buffer capacity " + capacity + " is outside 0.."
                    + MatchBufferLayout.MAX_CAPACITY, "pass a capacity that fits in 2 GiB of records");
        }
        MemorySegment s = arena.allocate(MatchBufferLayout.bytes(capacity), 64);
        s.fill((byte) 0);
        s.setAtIndex(WORD, CAPACITY, capacity);
        return new MatchBuffer(s);
    }

    /**
     * A buffer of {@code capacity} records in {@code segment} (zeroed, at least {@link MatchBufferLayout#bytes}
     * bytes, 8-byte aligned), e.g. shared memory of a megakernel: writes the CAPACITY word and wraps it.
     */
    public static MatchBuffer format(MemorySegment segment, int capacity) {
        if (capacity < 0 || capacity > MatchBufferLayout.MAX_CAPACITY
                || segment.byteSize() < MatchBufferLayout.bytes(capacity)) {
            throw new ScanException("match buffer capacity " + capacity + " does not fit a " + segment.byteSize()
                    + "-byte segment", "allocate MatchBufferLayout.bytes(capacity) bytes");
        }
        segment.setAtIndex(WORD, CAPACITY, capacity);
        return wrap(segment);
    }

    /** The buffer in {@code segment}, whose CAPACITY word is already written; checks the size. */
    public static MatchBuffer wrap(MemorySegment segment) {
        if (segment.byteSize() < MatchBufferLayout.bytes(0) || segment.address() % 8 != 0) {
            throw new ScanException("match buffer segment of " + segment.byteSize() + " bytes at 0x"
                    + Long.toHexString(segment.address()) + " is too small or not 8-byte aligned",
                    "allocate match buffers with MatchBuffer.allocate");
        }
        int cap = segment.getAtIndex(WORD, CAPACITY);
        if (cap < 0 || MatchBufferLayout.bytes(cap) > segment.byteSize()) {
            throw new ScanException("match buffer CAPACITY word " + cap + " does not fit its " + segment.byteSize()
                    + "-byte segment", "write the capacity the segment was sized for");
        }
        return new MatchBuffer(segment);
    }

    /** The shared memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** Records the buffer holds. */
    public int capacity() {
        return capacity;
    }

    /** Records appended since the last reset, including dropped ones. */
    public long cursor() {
        return (long) LONG.getAcquire(segment, (long) CURSOR * 4);
    }

    /** Records that did not fit since the last reset. */
    public long dropped() {
        return (long) LONG.getAcquire(segment, (long) DROPPED * 4);
    }

    /** Records stored: {@code min(cursor, capacity)}. */
    public int size() {
        return (int) Math.min(cursor(), capacity);
    }

    /**
     * Appends {@code n} records {@code (tag, ids[i], ends[i])}: one atomic add reserves indexes
     * {@code [c, c + n)} of the cursor; records at indexes below the capacity are written, the others are dropped
     * and counted. Returns how many were dropped.
     */
    public int append(int tag, int[] ids, long[] ends, int n) {
        if (n == 0) {
            return 0;
        }
        long first = (long) LONG.getAndAdd(segment, (long) CURSOR * 4, (long) n);
        int stored = (int) Math.max(0, Math.min(n, capacity - first));
        for (int i = 0; i < stored; i++) {
            long base = HEADER_WORDS + (first + i) * RECORD_WORDS;
            segment.setAtIndex(WORD, base + R_TAG, tag);
            segment.setAtIndex(WORD, base + R_PATTERN, ids[i]);
            segment.setAtIndex(WORD, base + R_END_LO, (int) ends[i]);
            segment.setAtIndex(WORD, base + R_END_HI, (int) (ends[i] >>> 32));
        }
        int dropped = n - stored;
        if (dropped > 0) {
            LONG.getAndAdd(segment, (long) DROPPED * 4, (long) dropped);
        }
        return dropped;
    }

    /** The TAG of record {@code i}. */
    public int tag(int i) {
        return segment.getAtIndex(WORD, record(i) + R_TAG);
    }

    /** The pattern id of record {@code i}. */
    public int patternId(int i) {
        return segment.getAtIndex(WORD, record(i) + R_PATTERN);
    }

    /** The absolute end offset of record {@code i}. */
    public long endOffset(int i) {
        long r = record(i);
        return Integer.toUnsignedLong(segment.getAtIndex(WORD, r + R_END_LO))
                | (long) segment.getAtIndex(WORD, r + R_END_HI) << 32;
    }

    private long record(int i) {
        if (i < 0 || i >= capacity) {
            throw new ScanException("match record " + i + " is outside the buffer's " + capacity + " records",
                    "read records 0..size()-1");
        }
        return HEADER_WORDS + (long) i * RECORD_WORDS;
    }

    /** Empties the buffer (CURSOR and DROPPED to 0). Only while no slot writes to it. */
    public void reset() {
        LONG.setRelease(segment, (long) CURSOR * 4, 0L);
        LONG.setRelease(segment, (long) DROPPED * 4, 0L);
    }
}
