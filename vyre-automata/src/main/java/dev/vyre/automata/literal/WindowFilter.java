package dev.vyre.automata.literal;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.regex.ByteSet;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A multi-literal matcher for long factors that looks at one input position in {@link #stride()}: every factor is at
 * least {@code WINDOW + stride - 1} bytes long, so each of its occurrences holds exactly one {@link #WINDOW}-byte
 * window that starts at an absolute offset divisible by the stride. Each factor registers the {@code stride}
 * consecutive windows at its rarest place (by the {@link ByteFrequency} prior, less a penalty for windows other
 * factors registered), expanded to the exact bytes its positions allow; the scan reads the window at every
 * stride-th offset, tests a hashed bit table, and only on a set bit looks the window up and confirms its factors
 * byte by byte (bytes before the chunk through {@link AhoCorasick.History}). A factor that would end past the
 * scanned range is confirmed by the next scan of the stream's {@link Cursor}. Every occurrence is reported once, by
 * the scan whose range holds its end.
 */
public final class WindowFilter {
    /** Bytes of a window. */
    public static final int WINDOW = 4;
    /** The largest stride. */
    public static final int MAX_STRIDE = 8;
    /** The most exact byte strings one window of a factor may expand into. */
    public static final int MAX_EXPANSION = 16;
    private static final int HASH_BITS = 18;
    private static final int HASH_MULTIPLIER = 0x9E37_79B1;
    /** Rarity a window loses for each factor already registered under it. */
    private static final int SHARED_PENALTY = 8;
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt SEGMENT_INT_BE = ValueLayout.JAVA_INT_UNALIGNED
            .withOrder(ByteOrder.BIG_ENDIAN);

    private final List<Factor> factors;
    /** Per factor and position: the allowed bytes as four 64-bit masks (confirmation without object lookups). */
    private final long[][] masks;
    private final int[] lengths;
    /**
     * Per factor, null unless every position allows one byte or one ASCII case pair (two bytes that differ in 0x20
     * only) and the factor has at least 8 bytes: the factor as 8-byte little-endian words at offsets 0, 8, ... and
     * a last word ending at its end, each as (offset, and-mask, value): the factor matches where every
     * {@code word(offset) & mask == value}. The same test as {@link #masks}, a word at a time.
     */
    private final long[][] words;
    private final int stride;
    private final int maxLength;
    private final long[] bits = new long[(1 << HASH_BITS) / 64];
    /** Open addressing: windows (with {@link #used}) and, per window, candidates packed as factor << 8 | offset. */
    private final int[] keys;
    private final boolean[] used;
    private final int[][] candidates;

    /**
     * Builds the matcher for {@code factors}, each {@link #usable} with {@code stride} (1 to {@link #MAX_STRIDE}).
     */
    public WindowFilter(List<Factor> factors, int stride) {
        if (stride < 1 || stride > MAX_STRIDE) {
            throw new AutomataException("window filter: stride " + stride, "use a stride of 1 to " + MAX_STRIDE);
        }
        this.factors = List.copyOf(factors);
        this.stride = stride;
        this.masks = new long[this.factors.size()][];
        this.lengths = new int[this.factors.size()];
        for (int i = 0; i < masks.length; i++) {
            Factor f = this.factors.get(i);
            lengths[i] = f.length();
            masks[i] = new long[f.length() * 4];
            for (int j = 0; j < f.length(); j++) {
                ByteSet set = f.positions().get(j);
                for (int b = set.next(0); b >= 0; b = b == 255 ? -1 : set.next(b + 1)) {
                    masks[i][j * 4 + (b >>> 6)] |= 1L << b;
                }
            }
        }
        this.words = new long[this.factors.size()][];
        for (int i = 0; i < words.length; i++) {
            words[i] = wordsOf(this.factors.get(i));
        }
        this.maxLength = this.factors.stream().mapToInt(Factor::length).max().orElse(WINDOW);
        Map<Integer, List<Integer>> lists = new HashMap<>();
        for (int i = 0; i < this.factors.size(); i++) {
            Factor f = this.factors.get(i);
            int at = place(f, stride, lists);
            if (at < 0) {
                throw new AutomataException("window filter: factor " + i + " (" + f.length() + " bytes) has no run of "
                        + stride + " windows of at most " + MAX_EXPANSION + " byte strings each",
                        "pass only factors that WindowFilter.usable accepts");
            }
            for (int t = 0; t < stride; t++) {
                for (int key : expand(f, at + t)) {
                    lists.computeIfAbsent(key, x -> new ArrayList<>()).add(i << 8 | (at + t));
                    int h = hash(key);
                    bits[h >>> 6] |= 1L << h;
                }
            }
        }
        int size = Integer.highestOneBit(Math.max(4, lists.size() * 4));
        this.keys = new int[size];
        this.used = new boolean[size];
        this.candidates = new int[size][];
        lists.forEach((k, v) -> {
            int slot = hash(k) & (size - 1);
            while (used[slot]) {
                slot = (slot + 1) & (size - 1);
            }
            used[slot] = true;
            keys[slot] = k;
            candidates[slot] = v.stream().mapToInt(Integer::intValue).toArray();
        });
    }

    /** Whether {@code f} can be searched with stride {@code stride} (it is long enough and expands little). */
    public static boolean usable(Factor f, int stride) {
        return f.length() <= 0xFF && place(f, stride, Map.of()) >= 0;
    }

    /** The start of the run of {@code stride} windows of {@code f} to register (rarest), or -1 when there is none. */
    private static int place(Factor f, int stride, Map<Integer, List<Integer>> taken) {
        int best = -1;
        long bestCost = Long.MIN_VALUE;
        for (int at = 0; at + stride - 1 + WINDOW <= f.length(); at++) {
            long cost = 0;
            boolean fits = true;
            for (int t = 0; t < stride && fits; t++) {
                long combos = 1;
                int rarity = 0;
                for (int i = at + t; i < at + t + WINDOW; i++) {
                    combos *= f.positions().get(i).size();
                    rarity += ByteFrequency.rarity(f.positions().get(i));
                }
                fits = combos <= MAX_EXPANSION;
                List<Integer> sharing = taken.get(f.key(at + t) << 24 | f.key(at + t + 1) << 16
                        | f.key(at + t + 2) << 8 | f.key(at + t + 3));
                // The most common window of the run decides how often the run is hit.
                cost = t == 0 ? rarity : Math.min(cost, rarity);
                cost -= SHARED_PENALTY * (sharing == null ? 0 : sharing.size()) / stride;
            }
            if (fits && cost > bestCost) {
                best = at;
                bestCost = cost;
            }
        }
        return best;
    }

    /** Every exact byte string (big-endian int) of the window of {@code f} at {@code at}. */
    private static int[] expand(Factor f, int at) {
        int[] keys = {0};
        for (int i = at; i < at + WINDOW; i++) {
            ByteSet set = f.positions().get(i);
            int[] next = new int[keys.length * set.size()];
            int n = 0;
            for (int k : keys) {
                for (int b = set.next(0); b >= 0; b = b == 255 ? -1 : set.next(b + 1)) {
                    next[n++] = k << 8 | b;
                }
            }
            keys = next;
        }
        return keys;
    }

    private static int hash(int window) {
        return (window * HASH_MULTIPLIER) >>> (32 - HASH_BITS);
    }

    /** Offsets between the windows the scan reads. */
    public int stride() {
        return stride;
    }

    /** The longest factor's length. */
    public int maxLength() {
        return maxLength;
    }

    /** How many bytes before a scanned range confirmation may read: the history a stream must keep. */
    public int lookBehind() {
        return maxLength + WINDOW;
    }

    /** Every registered window (exact byte strings as big-endian ints), ascending: what a prefilter must pass. */
    public int[] windows() {
        int n = 0;
        for (boolean u : used) {
            n += u ? 1 : 0;
        }
        int[] out = new int[n];
        for (int i = 0, j = 0; i < keys.length; i++) {
            if (used[i]) {
                out[j++] = keys[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** Whether the window {@code w} (big-endian) is registered by some factor. */
    public boolean registered(int w) {
        int mask = keys.length - 1;
        int slot = hash(w) & mask;
        while (used[slot] && keys[slot] != w) {
            slot = (slot + 1) & mask;
        }
        return used[slot];
    }

    /**
     * The registered windows, their candidates and the factors' word tests as the flat table a device prefilter
     * reads to confirm factors before the host does ({@link WindowConfirmTable}).
     */
    public WindowConfirmTable confirmTable() {
        return WindowConfirmTable.of(keys, used, candidates, lengths, words);
    }

    /** The factors, in the order given. */
    public List<Factor> factors() {
        return factors;
    }

    /** A scan position at offset 0 of a new stream. */
    public Cursor open() {
        return new Cursor();
    }

    /** One stream's candidates that end in later chunks. */
    /** {@link #words} of one factor, or null where it has a position of another shape or fewer than 8 bytes. */
    static long[] wordsOf(Factor f) {
        int n = f.length();
        if (n < Long.BYTES) {
            return null;
        }
        long[] and = new long[n];
        long[] val = new long[n];
        for (int j = 0; j < n; j++) {
            ByteSet set = f.positions().get(j);
            int x = set.next(0);
            int y = x < 0 || x == 255 ? -1 : set.next(x + 1);
            int z = y < 0 || y == 255 ? -1 : set.next(y + 1);
            if (x < 0 || z >= 0 || (y >= 0 && (x ^ y) != 0x20)) {
                return null;
            }
            and[j] = y < 0 ? 0xFF : 0xDF;
            val[j] = x & and[j];
        }
        int blocks = (n + Long.BYTES - 1) / Long.BYTES;
        long[] out = new long[blocks * 3];
        for (int k = 0; k < blocks; k++) {
            int off = Math.min(k * Long.BYTES, n - Long.BYTES);
            long m = 0;
            long v = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                m |= and[off + i] << (8 * i);
                v |= val[off + i] << (8 * i);
            }
            out[k * 3] = off;
            out[k * 3 + 1] = m;
            out[k * 3 + 2] = v;
        }
        return out;
    }

    public final class Cursor {
        private long[] pending = new long[8];
        private int pendingCount;

        private Cursor() {
        }

        /**
         * Scans the bytes at absolute offsets {@code from .. to-1} ({@code chunk} starts at {@code chunkStart} and
         * the previous scan of this cursor ended at {@code from}), reporting every confirmed occurrence ending
         * within the range (not in order); bytes before the chunk are read through {@code history}, at most
         * {@link #lookBehind()} of them.
         */
        public void scan(MemorySegment chunk, long chunkStart, long from, long to, AhoCorasick.History history,
                AhoCorasick.HitSink sink) {
            long q = prelude(chunk, chunkStart, from, to, history, sink);
            long last = to - WINDOW;
            long[] table = bits;
            int s = stride;
            if (chunk.heapBase().orElse(null) instanceof byte[] array) {
                long shift = chunk.address() - chunkStart;
                int lastIndex = (int) (last + shift);
                for (int i = (int) (q + shift); i <= lastIndex; i += s) {
                    int w = (int) INT_BE.get(array, i);
                    int h = (w * HASH_MULTIPLIER) >>> (32 - HASH_BITS);
                    if ((table[h >>> 6] & 1L << h) != 0) {
                        test(w, i - shift, to, chunk, chunkStart, history, sink);
                    }
                }
            } else {
                for (; q <= last; q += s) {
                    int w = chunk.get(SEGMENT_INT_BE, q - chunkStart);
                    int h = (w * HASH_MULTIPLIER) >>> (32 - HASH_BITS);
                    if ((table[h >>> 6] & 1L << h) != 0) {
                        test(w, q, to, chunk, chunkStart, history, sink);
                    }
                }
            }
        }

        /**
         * As {@link #scan}, but the windows inside the chunk are not read at every stride-th offset: only those at
         * the absolute offsets {@code windows[0 .. count-1]} (ascending) are looked up. The result equals
         * {@link #scan} when the list holds at least every offset {@code q} divisible by the stride with {@code
         * chunkStart <= q}, {@code q + WINDOW <= to} and {@link #registered(int)} true for its window (a device
         * prefilter's candidates, {@link WindowBitmap}); offsets outside that range, not divisible by the stride or
         * whose window is not registered are ignored, so a superset is fine.
         */
        public void scanWindows(MemorySegment chunk, long chunkStart, long from, long to,
                AhoCorasick.History history, long[] windows, int count, AhoCorasick.HitSink sink) {
            long q0 = prelude(chunk, chunkStart, from, to, history, sink);
            long last = to - WINDOW;
            for (int i = 0; i < count; i++) {
                long q = windows[i];
                if (q >= q0 && q <= last && q % stride == 0) {
                    test(chunk.get(SEGMENT_INT_BE, q - chunkStart), q, to, chunk, chunkStart, history, sink);
                }
            }
        }

        /**
         * Confirms the pending candidates that end by {@code to} and tests the windows that start before the chunk
         * (read through {@code history}); returns the first stride-aligned window offset inside the chunk.
         */
        private long prelude(MemorySegment chunk, long chunkStart, long from, long to, AhoCorasick.History history,
                AhoCorasick.HitSink sink) {
            int kept = 0;
            for (int i = 0; i < pendingCount; i++) {
                long start = pending[i] >>> 24;
                int f = (int) (pending[i] & 0xFF_FFFF);
                if (start + lengths[f] <= to) {
                    confirm(f, start, chunk, chunkStart, history, sink);
                } else {
                    pending[kept++] = pending[i];
                }
            }
            pendingCount = kept;
            // Windows ending in (from, to]: starts q in [from - WINDOW + 1, to - WINDOW], q divisible by the stride.
            long first = Math.max(0, from - WINDOW + 1);
            first = (first + stride - 1) / stride * stride;
            long last = to - WINDOW;
            long q = first;
            for (; q <= last && q < chunkStart; q += stride) {
                int w = 0;
                for (int i = 0; i < WINDOW; i++) {
                    long p = q + i;
                    w = w << 8 | (p < chunkStart ? history.byteAt(p)
                            : chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) & 0xFF);
                }
                test(w, q, to, chunk, chunkStart, history, sink);
            }
            return q;
        }

        /** The window {@code w} read at offset {@code q}: its candidates, confirmed now or kept for later. */
        private void test(int w, long q, long to, MemorySegment chunk, long chunkStart, AhoCorasick.History history,
                AhoCorasick.HitSink sink) {
            int mask = keys.length - 1;
            int slot = hash(w) & mask;
            while (used[slot] && keys[slot] != w) {
                slot = (slot + 1) & mask;
            }
            if (!used[slot]) {
                return;
            }
            for (int c : candidates[slot]) {
                int f = c >>> 8;
                long start = q - (c & 0xFF);
                if (start < 0) {
                    continue;
                }
                if (start + lengths[f] <= to) {
                    confirm(f, start, chunk, chunkStart, history, sink);
                } else {
                    if (pendingCount == pending.length) {
                        pending = Arrays.copyOf(pending, pendingCount * 2);
                    }
                    pending[pendingCount++] = start << 24 | f;
                }
            }
        }

        private void confirm(int f, long start, MemorySegment chunk, long chunkStart, AhoCorasick.History history,
                AhoCorasick.HitSink sink) {
            long[] m = masks[f];
            int n = lengths[f];
            long[] w = words[f];
            if (w != null && start >= chunkStart && start + n - chunkStart <= chunk.byteSize()) {
                long base = start - chunkStart;
                for (int k = 0; k < w.length; k += 3) {
                    if ((chunk.get(LONG_LE, base + w[k]) & w[k + 1]) != w[k + 2]) {
                        return;
                    }
                }
                sink.onHit(f, start + n);
                return;
            }
            for (int j = 0; j < n; j++) {
                long p = start + j;
                int b = p >= chunkStart ? chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) & 0xFF : history.byteAt(p);
                if ((m[j * 4 + (b >>> 6)] & 1L << b) == 0) {
                    return;
                }
            }
            sink.onHit(f, start + n);
        }
    }
}
