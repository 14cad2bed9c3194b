package dev.vyre.automata.scan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds {@code '\n'} bytes in a segment eight bytes at a time (SWAR: a word's zero bytes after an XOR with the
 * repeated newline, flagged exactly, without the borrow of the classic {@code (v - 0x01..) & ~v} test, so the
 * highest flag is as exact as the lowest). The line engine looks for line starts between factor hits; a byte loop
 * through the segment's checked accessors cost a fifth of the host confirmation on the H100 host.
 */
final class Newlines {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private Newlines() {
    }

    /** The index of the first {@code '\n'} in {@code seg[from, to)}, or -1. */
    static long indexOf(MemorySegment seg, long from, long to) {
        long p = from;
        for (; p + Long.BYTES <= to; p += Long.BYTES) {
            long flags = flags(seg.get(LONG_LE, p));
            if (flags != 0) {
                return p + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; p < to; p++) {
            if (seg.get(ValueLayout.JAVA_BYTE, p) == '\n') {
                return p;
            }
        }
        return -1;
    }

    /** The index of the last {@code '\n'} in {@code seg[from, to)}, or -1. */
    static long lastIndexOf(MemorySegment seg, long from, long to) {
        long p = to;
        for (; p - Long.BYTES >= from; p -= Long.BYTES) {
            long flags = flags(seg.get(LONG_LE, p - Long.BYTES));
            if (flags != 0) {
                return p - Long.BYTES + (7 - (Long.numberOfLeadingZeros(flags) >>> 3));
            }
        }
        for (p--; p >= from; p--) {
            if (seg.get(ValueLayout.JAVA_BYTE, p) == '\n') {
                return p;
            }
        }
        return -1;
    }

    /** Bit 7 of each byte of the result is set exactly where {@code word} holds a {@code '\n'}. */
    private static long flags(long word) {
        long v = word ^ NEWLINES;
        long t = (v & LOW7) + LOW7;
        return ~(t | v | LOW7);
    }
}
