package dev.vyre.automata.literal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A {@link WindowFilter}'s registered windows, their candidates and its factors' 64-bit word tests as one flat,
 * immutable table of 32-bit little-endian ints: what a device prefilter reads to keep only the windows that may hold
 * a factor occurrence (docs/SCAN.md "Filtered scan", "Device confirm"). {@link #keep} is the contract, run on the
 * CPU; the CUDA kernel runs the same over the same ints.
 *
 * <p>Layout, four sections at the int offsets {@link #slotsAt()} (0), {@link #candidatesAt()}, {@link #factorsAt()}
 * and {@link #wordsAt()} (even, so its longs are 8-byte aligned):
 * <ul>
 * <li><b>slots</b>: {@code 2^slotBits + 1} entries of {@link #SLOT_INTS} ints: {@link #SLOT_KEY} the window
 * (big-endian int of its 4 bytes) and {@link #SLOT_ROW} the index of its first candidate; a slot's candidates are
 * {@code ROW(slot) .. ROW(slot + 1) - 1}, and a slot with none is empty (the last entry only closes the row of the
 * one before it). Open addressing with linear probing: a window's home slot is
 * {@code (w * }{@link WindowBitmap#MULTIPLIER}{@code ) >>> (32 - slotBits)}, the next slot wraps modulo
 * {@code 2^slotBits}, and a look-up stops at its key or at an empty slot. At most half the slots are used.</li>
 * <li><b>candidates</b>: one int each, {@code factor << 8 | offset}: the window is the factor's bytes at
 * {@code offset}, so the occurrence it may belong to starts {@code offset} bytes before the window.</li>
 * <li><b>factors</b>: {@code factorCount + 1} entries of {@link #FACTOR_INTS} ints: {@link #FACTOR_LENGTH} its
 * length, {@link #FACTOR_WORDS} the index of its first word triple; its triples are {@code WORDS(f) .. WORDS(f + 1) -
 * 1}, none for a factor that has no word form (a position other than one byte or an ASCII case pair, or under 8
 * bytes): such a factor is <em>undecidable</em> here and its windows are always kept.</li>
 * <li><b>words</b>: triples of {@link #TRIPLE_LONGS} longs (each as two ints, low first): {@link #TRIPLE_OFFSET},
 * {@link #TRIPLE_MASK}, {@link #TRIPLE_VALUE}: the factor matches at {@code start} where every 8-byte little-endian
 * word at {@code start + offset}, and-ed with the mask, equals the value ({@code WindowFilter.wordsOf}).</li>
 * </ul>
 */
public final class WindowConfirmTable {
    /** Ints per slot entry, and the fields. */
    public static final int SLOT_INTS = 2;
    public static final int SLOT_KEY = 0;
    public static final int SLOT_ROW = 1;
    /** Ints per factor entry, and the fields. */
    public static final int FACTOR_INTS = 2;
    public static final int FACTOR_LENGTH = 0;
    public static final int FACTOR_WORDS = 1;
    /** Longs per word triple, and the fields. */
    public static final int TRIPLE_LONGS = 3;
    public static final int TRIPLE_OFFSET = 0;
    public static final int TRIPLE_MASK = 1;
    public static final int TRIPLE_VALUE = 2;
    /** Bits of a candidate that hold the offset of the window in its factor. */
    public static final int OFFSET_BITS = 8;
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED
            .withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int slotBits;
    private final int[] ints;
    private final int candidatesAt;
    private final int factorsAt;
    private final int wordsAt;
    private final int factorCount;

    private WindowConfirmTable(int slotBits, int[] ints, int candidatesAt, int factorsAt, int wordsAt,
            int factorCount) {
        this.slotBits = slotBits;
        this.ints = ints;
        this.candidatesAt = candidatesAt;
        this.factorsAt = factorsAt;
        this.wordsAt = wordsAt;
        this.factorCount = factorCount;
    }

    /**
     * The table of windows {@code keys[i]} where {@code used[i]}, each with its candidates {@code candidates[i]}
     * ({@code factor << 8 | offset}), over factors of {@code lengths} with word triples {@code words} (null: none).
     */
    static WindowConfirmTable of(int[] keys, boolean[] used, int[][] candidates, int[] lengths, long[][] words) {
        int windows = 0;
        int cands = 0;
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                windows++;
                cands += candidates[i].length;
            }
        }
        int slotBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, 2 * windows - 1)));
        int size = 1 << slotBits;
        int triples = 0;
        for (long[] w : words) {
            triples += w == null ? 0 : w.length / TRIPLE_LONGS;
        }
        int candidatesAt = (size + 1) * SLOT_INTS;
        int factorsAt = candidatesAt + cands;
        int wordsAt = (factorsAt + (lengths.length + 1) * FACTOR_INTS + 1) & ~1;
        int[] t = new int[wordsAt + triples * TRIPLE_LONGS * 2];
        int[] rowLength = new int[size];
        int[] key = new int[size];
        int[][] rows = new int[size][];
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                int s = home(keys[i], slotBits);
                while (rows[s] != null) {
                    s = (s + 1) & (size - 1);
                }
                key[s] = keys[i];
                rows[s] = candidates[i];
                rowLength[s] = candidates[i].length;
            }
        }
        int row = 0;
        for (int s = 0; s <= size; s++) {
            t[s * SLOT_INTS + SLOT_KEY] = s < size ? key[s] : 0;
            t[s * SLOT_INTS + SLOT_ROW] = row;
            if (s < size && rows[s] != null) {
                System.arraycopy(rows[s], 0, t, candidatesAt + row, rowLength[s]);
                row += rowLength[s];
            }
        }
        int triple = 0;
        for (int f = 0; f <= lengths.length; f++) {
            t[factorsAt + f * FACTOR_INTS + FACTOR_WORDS] = triple;
            if (f == lengths.length) {
                break;
            }
            t[factorsAt + f * FACTOR_INTS + FACTOR_LENGTH] = lengths[f];
            long[] w = words[f];
            for (int k = 0; w != null && k < w.length; k++) {
                int at = wordsAt + (triple * TRIPLE_LONGS + k) * 2;
                t[at] = (int) w[k];
                t[at + 1] = (int) (w[k] >>> 32);
            }
            triple += w == null ? 0 : w.length / TRIPLE_LONGS;
        }
        return new WindowConfirmTable(slotBits, t, candidatesAt, factorsAt, wordsAt, lengths.length);
    }

    private static int home(int w, int slotBits) {
        return (w * WindowBitmap.MULTIPLIER) >>> (32 - slotBits);
    }

    /** Bits of a slot index: the table has {@code 2^slotBits} slots (and one closing entry). */
    public int slotBits() {
        return slotBits;
    }

    /** Int offset of the slots section (0). */
    public int slotsAt() {
        return 0;
    }

    /** Int offset of the candidates section. */
    public int candidatesAt() {
        return candidatesAt;
    }

    /** Int offset of the factors section. */
    public int factorsAt() {
        return factorsAt;
    }

    /** Int offset of the words section (even). */
    public int wordsAt() {
        return wordsAt;
    }

    /** Factors the table describes. */
    public int factorCount() {
        return factorCount;
    }

    /** The table's ints (a copy), as uploaded to a device (little-endian). */
    public int[] ints() {
        return ints.clone();
    }

    /** Bytes of the table. */
    public long byteSize() {
        return (long) ints.length * Integer.BYTES;
    }

    /**
     * The device's test of the window at {@code data[q .. q+4)} of a batch of {@code bytes} bytes: true where the
     * window is registered and some candidate factor {@code f} at {@code start = q - offset} is undecidable, is not
     * wholly inside {@code [keepFrom, bytes)} ({@code start < keepFrom} or {@code start + length > bytes}: its bytes
     * are not all in this batch's piece, so only the host can tell), or matches all its word triples there. A window
     * that holds an occurrence of a factor whose bytes lie in {@code [keepFrom, bytes)} is therefore always kept.
     */
    public boolean keep(MemorySegment data, long bytes, long q, long keepFrom) {
        int w = data.get(INT_BE, q);
        int mask = (1 << slotBits) - 1;
        int s = home(w, slotBits);
        int from;
        int to;
        while (true) {
            from = ints[s * SLOT_INTS + SLOT_ROW];
            to = ints[(s + 1) * SLOT_INTS + SLOT_ROW];
            if (from == to) {
                return false;
            }
            if (ints[s * SLOT_INTS + SLOT_KEY] == w) {
                break;
            }
            s = (s + 1) & mask;
        }
        for (int c = from; c < to; c++) {
            int cand = ints[candidatesAt + c];
            int f = cand >>> OFFSET_BITS;
            long start = q - (cand & ((1 << OFFSET_BITS) - 1));
            int entry = factorsAt + f * FACTOR_INTS;
            int length = ints[entry + FACTOR_LENGTH];
            int first = ints[entry + FACTOR_WORDS];
            int last = ints[entry + FACTOR_INTS + FACTOR_WORDS];
            if (start < keepFrom || start + length > bytes || first == last || matches(data, start, first, last)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(MemorySegment data, long start, int first, int last) {
        for (int t = first; t < last; t++) {
            int at = wordsAt + t * TRIPLE_LONGS * 2;
            if ((data.get(LONG_LE, start + longAt(at + TRIPLE_OFFSET * 2)) & longAt(at + TRIPLE_MASK * 2))
                    != longAt(at + TRIPLE_VALUE * 2)) {
                return false;
            }
        }
        return true;
    }

    private long longAt(int i) {
        return Integer.toUnsignedLong(ints[i]) | (long) ints[i + 1] << 32;
    }

    /**
     * The candidates of one chunk (absolute offsets {@code windows[0 .. count-1]}, as {@link
     * WindowBitmap#chunkCandidates} finds them) that {@link #keep} keeps with the chunk as the batch and its start as
     * {@code keepFrom} (a factor that starts before the chunk or ends after it is kept); returns them (a new array of
     * their count).
     */
    public long[] chunkKept(MemorySegment chunk, long chunkStart, long[] windows, int count) {
        long[] out = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (keep(chunk, chunk.byteSize(), windows[i] - chunkStart, 0)) {
                out[n++] = windows[i];
            }
        }
        return Arrays.copyOf(out, n);
    }
}
