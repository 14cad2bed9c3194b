package dev.vyre.automata.nfa;

import dev.vyre.automata.regex.ByteSet;
import dev.vyre.automata.regex.Regex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Thompson construction of one {@link Nfa} for a list of parsed patterns. */
public final class NfaBuilder {
    /** A parsed pattern and its id. */
    public record Entry(int id, Regex regex) {
    }

    private final List<Integer> kind = new ArrayList<>();
    private final List<Integer> next = new ArrayList<>();
    private final List<Integer> arg = new ArrayList<>();
    private final List<int[]> targets = new ArrayList<>();
    private final Map<ByteSet, Integer> setIds = new LinkedHashMap<>();
    private final Map<Integer, Integer> matchStates = new HashMap<>();

    private NfaBuilder() {
    }

    /** Builds the NFA of all patterns; patterns with equal ids share one {@link Nfa#MATCH} state. */
    public static Nfa build(List<Entry> patterns) {
        NfaBuilder b = new NfaBuilder();
        int[] entries = new int[patterns.size()];
        for (int i = 0; i < entries.length; i++) {
            Entry e = patterns.get(i);
            int match = b.matchStates.computeIfAbsent(e.id(), id -> b.add(Nfa.MATCH, -1, id, null));
            entries[i] = b.compile(e.regex(), match);
        }
        int start = b.add(Nfa.SPLIT, -1, 0, entries);
        int n = b.kind.size();
        int[] k = new int[n];
        int[] nx = new int[n];
        int[] a = new int[n];
        int[][] t = new int[n][];
        for (int s = 0; s < n; s++) {
            k[s] = b.kind.get(s);
            nx[s] = b.next.get(s);
            a[s] = b.arg.get(s);
            t[s] = b.targets.get(s);
        }
        return new Nfa(k, nx, a, t, b.setIds.keySet().toArray(ByteSet[]::new), start);
    }

    private int add(int k, int nx, int a, int[] t) {
        kind.add(k);
        next.add(nx);
        arg.add(a);
        targets.add(t);
        return kind.size() - 1;
    }

    /** Compiles {@code r} so that it continues at {@code cont}; returns its entry state. */
    private int compile(Regex r, int cont) {
        return switch (r) {
            case Regex.Bytes b -> add(Nfa.BYTES, cont, setIds.computeIfAbsent(b.set(), s -> setIds.size()), null);
            case Regex.Empty e -> cont;
            case Regex.Assertion a -> add(Nfa.ASSERT, cont, a.anchor().ordinal(), null);
            case Regex.Concat c -> {
                int entry = cont;
                for (int i = c.items().size() - 1; i >= 0; i--) {
                    entry = compile(c.items().get(i), entry);
                }
                yield entry;
            }
            case Regex.Alternation a -> {
                int[] t = new int[a.branches().size()];
                for (int i = 0; i < t.length; i++) {
                    t[i] = compile(a.branches().get(i), cont);
                }
                yield add(Nfa.SPLIT, -1, 0, t);
            }
            case Regex.Repeat rep -> repeat(rep, cont);
        };
    }

    private int repeat(Regex.Repeat rep, int cont) {
        int entry = cont;
        int copies = rep.min();
        if (rep.max() == Regex.UNBOUNDED) {
            // A loop: split -> (child -> split | cont). With min >= 1 the loop's child is one of the min copies.
            int split = add(Nfa.SPLIT, -1, 0, null);
            int body = compile(rep.child(), split);
            targets.set(split, new int[] {body, cont});
            if (copies > 0) {
                entry = body;
                copies--;
            } else {
                entry = split;
            }
        } else {
            for (int i = 0; i < rep.max() - rep.min(); i++) {
                entry = add(Nfa.SPLIT, -1, 0, new int[] {compile(rep.child(), entry), cont});
            }
        }
        for (int i = 0; i < copies; i++) {
            entry = compile(rep.child(), entry);
        }
        return entry;
    }
}
