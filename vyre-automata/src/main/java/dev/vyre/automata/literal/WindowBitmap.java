package dev.vyre.automata.literal;

import dev.vyre.automata.AutomataException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The device prefilter's table and its CPU model (docs/SCAN.md "Filtered scan"): a bit per hash of a 4-byte window
 * ({@link WindowFilter#WINDOW}), set for every window a {@link WindowFilter} registered. A window whose bit is clear
 * is not registered, so the positions whose bit is set are a superset of those {@link WindowFilter.Cursor#scan}
 * looks up, and {@link WindowFilter.Cursor#scanWindows} given them finds exactly the same occurrences.
 *
 * <p>Layout (what the kernel reads): {@code 2^hashBits} bits in 32-bit little-endian words, bit {@code h} is bit
 * {@code h % 32} of word {@code h / 32}; {@code h = (w * }{@link #MULTIPLIER}{@code ) >>> (32 - hashBits)} for the
 * window {@code w} read big-endian (its first byte most significant).
 */
public final class WindowBitmap {
    /** The hash multiplier (odd; Knuth's golden-ratio constant). */
    public static final int MULTIPLIER = 0x9E37_79B1;
    /** Smallest and largest table size, in bits of hash. */
    public static final int MIN_HASH_BITS = 5;
    public static final int MAX_HASH_BITS = 28;
    /** Default: 2^22 bits (512 KiB, held by a GPU's L2 cache), few false positives for thousands of windows. */
    public static final int DEFAULT_HASH_BITS = 22;
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int hashBits;
    private final int[] words;

    private WindowBitmap(int hashBits, int[] words) {
        this.hashBits = hashBits;
        this.words = words;
    }

    /** The table of {@code filter}'s registered windows with {@code 2^hashBits} bits. */
    public static WindowBitmap of(WindowFilter filter, int hashBits) {
        return of(filter.windows(), hashBits);
    }

    /** The table of the windows {@code windows} (big-endian ints) with {@code 2^hashBits} bits. */
    public static WindowBitmap of(int[] windows, int hashBits) {
        if (hashBits < MIN_HASH_BITS || hashBits > MAX_HASH_BITS) {
            throw new AutomataException("window bitmap: " + hashBits + " hash bits",
                    "use " + MIN_HASH_BITS + " to " + MAX_HASH_BITS + " hash bits");
        }
        int[] words = new int[1 << (hashBits - 5)];
        for (int w : windows) {
            int h = hash(w, hashBits);
            words[h >>> 5] |= 1 << (h & 31);
        }
        return new WindowBitmap(hashBits, words);
    }

    static int hash(int window, int hashBits) {
        return (window * MULTIPLIER) >>> (32 - hashBits);
    }

    /** Bits of hash. */
    public int hashBits() {
        return hashBits;
    }

    /** The table words (a copy), as uploaded to the device. */
    public int[] words() {
        return words.clone();
    }

    /** Whether the bit of window {@code w} is set. */
    public boolean test(int w) {
        int h = hash(w, hashBits);
        return (words[h >>> 5] >>> (h & 31) & 1) != 0;
    }

    /** Share of set bits, in 1/10,000 (how often a random window passes). */
    public int fillBps() {
        long set = 0;
        for (int w : words) {
            set += Integer.bitCount(w);
        }
        return (int) (set * 10_000 / ((long) words.length * 32));
    }

    /**
     * The kernel's contract, run on the CPU: of the windows {@code k = 0 .. windowCount-1}, each the 4 bytes at
     * {@code data[k * stride ..]} read big-endian, the indices {@code k} whose bit is set, ascending, into
     * {@code out} (grown as needed); returns the array and sets {@code count[0]}. {@code data} must hold
     * {@code (windowCount - 1) * stride + 4} bytes.
     */
    public long[] candidates(MemorySegment data, long windowCount, int stride, long[] out, int[] count) {
        if (stride < 1 || windowCount < 0 || (windowCount > 0
                && (windowCount - 1) * stride + WindowFilter.WINDOW > data.byteSize())) {
            throw new AutomataException("window bitmap: " + windowCount + " windows of stride " + stride + " over "
                    + data.byteSize() + " bytes", "pass windows that lie inside the data");
        }
        long[] o = out;
        int n = 0;
        for (long k = 0; k < windowCount; k++) {
            int w = data.get(INT_BE, k * stride);
            int h = (w * MULTIPLIER) >>> (32 - hashBits);
            if ((words[h >>> 5] >>> (h & 31) & 1) != 0) {
                if (n == o.length) {
                    o = Arrays.copyOf(o, Math.max(16, n * 2));
                }
                o[n++] = k;
            }
        }
        count[0] = n;
        return o;
    }

    /**
     * The candidate windows of one chunk as absolute offsets, ascending: every {@code q} divisible by
     * {@code stride} with {@code chunkStart <= q}, {@code q + 4 <= chunkStart + chunk size} and its bit set (what a
     * device pass over the chunk alone finds). Returns the array and sets {@code count[0]}.
     */
    public long[] chunkCandidates(MemorySegment chunk, long chunkStart, int stride, int[] count) {
        long first = (chunkStart + stride - 1) / stride * stride;
        long lastStart = chunkStart + chunk.byteSize() - WindowFilter.WINDOW;
        if (lastStart < first) {
            count[0] = 0;
            return new long[0];
        }
        long windows = (lastStart - first) / stride + 1;
        long[] out = candidates(chunk.asSlice(first - chunkStart), windows, stride, new long[64], count);
        for (int i = 0; i < count[0]; i++) {
            out[i] = first + out[i] * stride;
        }
        return out;
    }
}
