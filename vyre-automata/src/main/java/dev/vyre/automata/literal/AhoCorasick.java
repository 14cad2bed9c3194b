package dev.vyre.automata.literal;

import dev.vyre.automata.regex.ByteSet;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Aho-Corasick automaton over case-folded bytes, compiled to a dense table over byte classes (like the DFA
 * tables). It finds every end offset of every factor in one pass: candidates by folded key, then each candidate
 * is confirmed against the factor's exact byte sets.
 */
public final class AhoCorasick {
    /** Called for every confirmed factor occurrence. */
    @FunctionalInterface
    public interface HitSink {
        /**
         * @param factor index of the factor in the list given to {@link #AhoCorasick(List)}
         * @param end absolute offset just past the occurrence
         */
        void onHit(int factor, long end);
    }

    /** Gives the byte at an absolute offset already scanned (used to confirm candidates). */
    @FunctionalInterface
    public interface History {
        /** The byte at absolute offset {@code p}. */
        int byteAt(long p);
    }

    private final List<Factor> factors;
    private final byte[] classMap = new byte[256];
    private final int classCount;
    private final int[] table;
    /** Bytes that keep the root state where it is (the scan skips them without a table walk). */
    private final boolean[] rootStays = new boolean[256];
    private final int[] outStart;
    private final int[] outFactors;
    private final int maxLength;

    /** Builds the automaton for {@code factors} (each non-empty). */
    public AhoCorasick(List<Factor> factors) {
        this.factors = List.copyOf(factors);
        // Byte classes: one per folded byte used by some key, plus one for every other byte.
        boolean[] used = new boolean[256];
        int longest = 0;
        for (Factor f : factors) {
            longest = Math.max(longest, f.length());
            for (int i = 0; i < f.length(); i++) {
                used[f.key(i)] = true;
            }
        }
        this.maxLength = longest;
        int[] keyClass = new int[256];
        int k = 1;
        for (int b = 0; b < 256; b++) {
            keyClass[b] = used[b] ? k++ : 0;
        }
        for (int b = 0; b < 256; b++) {
            classMap[b] = (byte) keyClass[ByteSet.fold(b)];
        }
        this.classCount = k;
        // Trie.
        List<int[]> trie = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        trie.add(newRow(k));
        out.add(new ArrayList<>());
        for (int fi = 0; fi < factors.size(); fi++) {
            Factor f = factors.get(fi);
            int s = 0;
            for (int i = 0; i < f.length(); i++) {
                int c = keyClass[f.key(i)];
                if (trie.get(s)[c] < 0) {
                    trie.get(s)[c] = trie.size();
                    trie.add(newRow(k));
                    out.add(new ArrayList<>());
                }
                s = trie.get(s)[c];
            }
            out.get(s).add(fi);
        }
        // Failure links by breadth-first search, completing the table into a DFA as we go.
        int n = trie.size();
        int[] fail = new int[n];
        int[] tab = new int[n * k];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < k; c++) {
            int t = trie.get(0)[c];
            tab[c] = t < 0 ? 0 : t;
            if (t > 0) {
                fail[t] = 0;
                queue.add(t);
            }
        }
        List<int[]> outputs = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            outputs.add(null);
        }
        outputs.set(0, out.get(0).stream().mapToInt(Integer::intValue).toArray());
        while (!queue.isEmpty()) {
            int s = queue.poll();
            int[] own = out.get(s).stream().mapToInt(Integer::intValue).toArray();
            int[] inherited = outputs.get(fail[s]);
            int[] merged = Arrays.copyOf(own, own.length + inherited.length);
            System.arraycopy(inherited, 0, merged, own.length, inherited.length);
            outputs.set(s, merged);
            for (int c = 0; c < k; c++) {
                int t = trie.get(s)[c];
                if (t < 0) {
                    tab[s * k + c] = tab[fail[s] * k + c];
                } else {
                    tab[s * k + c] = t;
                    fail[t] = tab[fail[s] * k + c];
                    queue.add(t);
                }
            }
        }
        // Entries hold the target's row offset (state * k), complemented when the target has outputs, so the scan
        // loop needs one load and one sign test per byte.
        for (int i = 0; i < tab.length; i++) {
            int t = tab[i];
            tab[i] = outputs.get(t).length > 0 ? ~(t * k) : t * k;
        }
        this.table = tab;
        for (int b = 0; b < 256; b++) {
            rootStays[b] = tab[classMap[b] & 0xFF] == 0;
        }
        this.outStart = new int[n + 1];
        int total = 0;
        for (int s = 0; s < n; s++) {
            outStart[s] = total;
            total += outputs.get(s).length;
        }
        outStart[n] = total;
        this.outFactors = new int[total];
        for (int s = 0; s < n; s++) {
            System.arraycopy(outputs.get(s), 0, outFactors, outStart[s], outputs.get(s).length);
        }
    }

    private static int[] newRow(int k) {
        int[] row = new int[k];
        Arrays.fill(row, -1);
        return row;
    }

    /** The state before any byte. */
    public int initialState() {
        return 0;
    }

    /** The longest factor's length (how much history {@link #scan} may look back). */
    public int maxLength() {
        return maxLength;
    }

    /** The factors, in the order given. */
    public List<Factor> factors() {
        return factors;
    }

    /**
     * Scans the bytes at absolute offsets {@code from .. to-1} ({@code chunk} starts at {@code chunkStart}) from
     * {@code state}, reporting every confirmed occurrence ending within the range; returns the state after.
     * Confirmation reads bytes before {@code from} through {@code history}.
     */
    public int scan(MemorySegment chunk, long chunkStart, long from, long to, int state, History history,
            HitSink sink) {
        int k = classCount;
        int[] tab = table;
        byte[] map = classMap;
        int row = state * k;
        if (chunk.heapBase().orElse(null) instanceof byte[] array) {
            long shift = chunk.address() - chunkStart;
            int end = (int) (to + shift);
            boolean[] stays = rootStays;
            for (int i = (int) (from + shift); i < end; i++) {
                if (row == 0) {
                    // At the root most bytes lead back to it: a loop without a dependency on the state.
                    while (i < end && stays[array[i] & 0xFF]) {
                        i++;
                    }
                    if (i == end) {
                        break;
                    }
                }
                int e = tab[row + (map[array[i] & 0xFF] & 0xFF)];
                if (e < 0) {
                    row = ~e;
                    report(row / k, i - shift + 1, history, sink);
                } else {
                    row = e;
                }
            }
            return row / k;
        }
        boolean[] stays = rootStays;
        for (long p = from; p < to; p++) {
            if (row == 0) {
                while (p < to && stays[chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) & 0xFF]) {
                    p++;
                }
                if (p == to) {
                    break;
                }
            }
            int e = tab[row + (map[chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) & 0xFF] & 0xFF)];
            if (e < 0) {
                row = ~e;
                report(row / k, p + 1, history, sink);
            } else {
                row = e;
            }
        }
        return row / k;
    }

    private void report(int s, long end, History history, HitSink sink) {
        for (int j = outStart[s]; j < outStart[s + 1]; j++) {
            int f = outFactors[j];
            if (confirm(factors.get(f), end, history)) {
                sink.onHit(f, end);
            }
        }
    }

    private static boolean confirm(Factor f, long end, History history) {
        long start = end - f.length();
        for (int i = 0; i < f.length(); i++) {
            if (!f.positions().get(i).contains(history.byteAt(start + i))) {
                return false;
            }
        }
        return true;
    }
}
