package dev.vyre.automata.dfa;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Hopcroft's DFA minimisation, O(n k log n), with the refinable-partition structure of Valmari and Lehtinen.
 * The initial partition groups states by their three accept-id lists, so merged states report the same pattern
 * ids for every lookahead. Each split queues the smaller half as a splitter for every class, which is Hopcroft's
 * "replace or add the smaller half" rule in one step.
 */
public final class Minimizer {
    private final int n;
    private final int[] elems;
    private final int[] loc;
    private final int[] setOf;
    private final int[] first;
    private final int[] past;
    private final int[] marked;
    private final int[] touched;
    private int touchedCount;
    private int sets;

    private Minimizer(int n) {
        this.n = n;
        elems = new int[n];
        loc = new int[n];
        setOf = new int[n];
        first = new int[n];
        past = new int[n];
        marked = new int[n];
        touched = new int[n];
    }

    /** The minimal DFA accepting the same (pattern id, offset) reports as {@code dfa}. */
    public static RawDfa minimise(RawDfa dfa) {
        int n = dfa.stateCount();
        int k = dfa.classCount();
        Minimizer m = new Minimizer(n);
        int[] block = m.partition(n, k, dfa.transitions(), signatures(dfa));
        int blocks = m.sets;
        int[] trans = new int[blocks * k];
        int[][][] accepts = new int[blocks][][];
        for (int s = 0; s < n; s++) {
            int b = block[s];
            if (accepts[b] == null) {
                accepts[b] = dfa.accepts()[s];
                for (int c = 0; c < k; c++) {
                    trans[b * k + c] = block[dfa.transitions()[s * k + c]];
                }
            }
        }
        int[] starts = Arrays.stream(dfa.startStates()).map(s -> block[s]).toArray();
        return new RawDfa(blocks, k, dfa.classMap(), trans, accepts, starts);
    }

    /** Initial block of each state: states with equal accept lists share a block. */
    private static int[] signatures(RawDfa dfa) {
        Map<Signature, Integer> ids = new HashMap<>();
        int[] sig = new int[dfa.stateCount()];
        for (int s = 0; s < sig.length; s++) {
            sig[s] = ids.computeIfAbsent(new Signature(dfa.accepts()[s]), x -> ids.size());
        }
        return sig;
    }

    /** The three accept lists of a state, compared by content. */
    private record Signature(int[][] accepts) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Signature other && Arrays.deepEquals(accepts, other.accepts);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(accepts);
        }
    }

    private int[] partition(int n, int k, int[] trans, int[] sig) {
        // Predecessors grouped by (target, class): preds[predStart[t*k+c] .. predStart[t*k+c+1]).
        int[] predStart = new int[n * k + 1];
        for (int i = 0; i < n * k; i++) {
            predStart[trans[i] * k + i % k + 1]++;
        }
        for (int i = 0; i < n * k; i++) {
            predStart[i + 1] += predStart[i];
        }
        int[] fill = Arrays.copyOf(predStart, n * k);
        int[] preds = new int[n * k];
        for (int i = 0; i < n * k; i++) {
            preds[fill[trans[i] * k + i % k]++] = i / k;
        }
        initialBlocks(sig);
        int[] queue = new int[Math.max(1, n * k)];
        int[] members = new int[n];
        int head = 0;
        int tail = 0;
        int largest = 0;
        for (int b = 1; b < sets; b++) {
            if (past[b] - first[b] > past[largest] - first[largest]) {
                largest = b;
            }
        }
        for (int b = 0; b < sets; b++) {
            if (b != largest) {
                for (int c = 0; c < k; c++) {
                    queue[tail++] = b * k + c;
                }
            }
        }
        while (head < tail) {
            int splitter = queue[head++];
            int a = splitter / k;
            int c = splitter % k;
            // Copy the splitter's members first: marking reorders elements inside their sets, this one included.
            int size = past[a] - first[a];
            System.arraycopy(elems, first[a], members, 0, size);
            for (int i = 0; i < size; i++) {
                int key = members[i] * k + c;
                for (int j = predStart[key]; j < predStart[key + 1]; j++) {
                    mark(preds[j]);
                }
            }
            while (touchedCount > 0) {
                int fresh = split(touched[--touchedCount]);
                if (fresh >= 0) {
                    for (int d = 0; d < k; d++) {
                        queue[tail++] = fresh * k + d;
                    }
                }
            }
        }
        return setOf.clone();
    }

    private void initialBlocks(int[] sig) {
        // Counting sort of states by signature: each signature's states form one block.
        int blocks = 0;
        for (int s : sig) {
            blocks = Math.max(blocks, s + 1);
        }
        int[] count = new int[blocks + 1];
        for (int s : sig) {
            count[s + 1]++;
        }
        for (int b = 0; b < blocks; b++) {
            count[b + 1] += count[b];
            first[b] = count[b];
            past[b] = count[b + 1];
        }
        int[] fill = Arrays.copyOf(count, blocks);
        for (int s = 0; s < n; s++) {
            int i = fill[sig[s]]++;
            elems[i] = s;
            loc[s] = i;
            setOf[s] = sig[s];
        }
        sets = blocks;
    }

    private void mark(int e) {
        int s = setOf[e];
        int i = loc[e];
        int j = first[s] + marked[s];
        if (i < j) {
            return; // already marked
        }
        elems[i] = elems[j];
        loc[elems[i]] = i;
        elems[j] = e;
        loc[e] = j;
        if (marked[s]++ == 0) {
            touched[touchedCount++] = s;
        }
    }

    /** Splits set {@code s} into its marked and unmarked parts; returns the new (smaller) set, or -1. */
    private int split(int s) {
        int j = first[s] + marked[s];
        if (j == past[s]) {
            marked[s] = 0;
            return -1;
        }
        int z = sets++;
        if (marked[s] <= past[s] - j) {
            first[z] = first[s];
            past[z] = j;
            first[s] = j;
        } else {
            past[z] = past[s];
            first[z] = j;
            past[s] = j;
        }
        for (int i = first[z]; i < past[z]; i++) {
            setOf[elems[i]] = z;
        }
        marked[s] = 0;
        marked[z] = 0;
        return z;
    }
}
