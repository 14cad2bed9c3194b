package dev.vyre.protocol;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Word encoding shared by every protocol buffer: little-endian {@code u32} words, 4-byte aligned, in segments that
 * the views allocate with {@link #SEGMENT_ALIGNMENT}. The package-private helpers are the only place that touches
 * memory; views and decoders call them with word indices, never byte offsets.
 */
public final class Wire {
    /** Bytes per protocol word. */
    public static final int WORD_BYTES = 4;
    /** Byte order of every protocol word. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Alignment in bytes of every buffer the views allocate (one cache line). */
    public static final long SEGMENT_ALIGNMENT = 64;
    /** Layout of one aligned protocol word. */
    public static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT.withOrder(BYTE_ORDER);

    private static final ValueLayout.OfInt UNALIGNED_WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(BYTE_ORDER);
    private static final VarHandle WORDS = WORD.varHandle();

    private Wire() {
    }

    // ---- access to aligned view segments (word index, not byte offset) -------------------------------------

    static int getPlain(MemorySegment s, long word) {
        return (int) WORDS.get(s, word * WORD_BYTES);
    }

    static void setPlain(MemorySegment s, long word, int value) {
        WORDS.set(s, word * WORD_BYTES, value);
    }

    static int getAcquire(MemorySegment s, long word) {
        return (int) WORDS.getAcquire(s, word * WORD_BYTES);
    }

    static void setRelease(MemorySegment s, long word, int value) {
        WORDS.setRelease(s, word * WORD_BYTES, value);
    }

    static void setOpaque(MemorySegment s, long word, int value) {
        WORDS.setOpaque(s, word * WORD_BYTES, value);
    }

    static int getVolatile(MemorySegment s, long word) {
        return (int) WORDS.getVolatile(s, word * WORD_BYTES);
    }

    static boolean compareAndSet(MemorySegment s, long word, int expected, int desired) {
        return WORDS.compareAndSet(s, word * WORD_BYTES, expected, desired);
    }

    static int compareAndExchange(MemorySegment s, long word, int expected, int desired) {
        return (int) WORDS.compareAndExchange(s, word * WORD_BYTES, expected, desired);
    }

    static int getAndAdd(MemorySegment s, long word, int delta) {
        return (int) WORDS.getAndAdd(s, word * WORD_BYTES, delta);
    }

    // ---- decoding untrusted bytes (any alignment) -----------------------------------------------------------

    static int read(MemorySegment s, long word) {
        return s.get(UNALIGNED_WORD, word * WORD_BYTES);
    }

    static void write(MemorySegment s, long word, int value) {
        s.set(UNALIGNED_WORD, word * WORD_BYTES, value);
    }

    /** The word count of a buffer of {@code byteLength} bytes; refuses lengths that are not whole words. */
    static long wholeWords(String buffer, long byteLength) {
        if (byteLength < 0 || byteLength % WORD_BYTES != 0) {
            throw new ProtocolException(buffer, "length " + byteLength + " bytes is not a whole number of "
                    + WORD_BYTES + "-byte words",
                    "pass the buffer exactly as written: little-endian u32 words, byte length a multiple of 4");
        }
        return byteLength / WORD_BYTES;
    }

    /** Refuses a null segment, a read-only one, or one whose address cannot hold aligned 4-byte atomics. */
    static MemorySegment requireViewSegment(String buffer, MemorySegment segment) {
        if (segment == null) {
            throw new ProtocolException(buffer, "segment is null", "pass the segment that holds the " + buffer);
        }
        if (segment.isReadOnly()) {
            throw new ProtocolException(buffer, "segment is read-only; views update words in place",
                    "wrap a writable segment, or use the decode methods to read a read-only copy");
        }
        if (segment.maxByteAlignment() < WORD_BYTES) {
            throw new ProtocolException(buffer, "segment at address 0x" + Long.toHexString(segment.address())
                    + " is not 4-byte aligned; atomic word access needs aligned words",
                    "allocate the " + buffer + " with the view's allocate method, or wrap a segment backed by "
                            + "native memory or an int[] at a 4-byte aligned address");
        }
        return segment;
    }

    /** A zeroed native segment of {@code bytes} bytes aligned to {@link #SEGMENT_ALIGNMENT}. */
    static MemorySegment allocate(Arena arena, long bytes) {
        if (arena == null) {
            throw new ProtocolException("allocation", "arena is null", "pass the Arena that owns the buffer");
        }
        MemorySegment s = arena.allocate(bytes, SEGMENT_ALIGNMENT);
        s.fill((byte) 0);
        return s;
    }

    /** A writable, 4-byte aligned heap copy of {@code words} words of {@code source} starting at byte 0. */
    static MemorySegment heapCopy(MemorySegment source, int words) {
        MemorySegment copy = MemorySegment.ofArray(new int[words]);
        MemorySegment.copy(source, 0, copy, 0, (long) words * WORD_BYTES);
        return copy;
    }

    /** Refuses an index outside {@code [0, count)}. */
    static void checkIndex(String buffer, String what, long index, long count) {
        if (index < 0 || index >= count) {
            String range = count == 0 ? "there are no " + what + "s" : "valid are 0.." + (count - 1);
            throw new ProtocolException(buffer, what + " " + index + " is out of range: " + range,
                    "use an index in 0..count-1 (see the view's count accessor)");
        }
    }

    /** Hex form used in messages: {@code 0x0000ABCD}. */
    static String hex(int word) {
        String digits = Integer.toHexString(word).toUpperCase(java.util.Locale.ROOT);
        return "0x" + "0".repeat(8 - digits.length()) + digits;
    }
}
