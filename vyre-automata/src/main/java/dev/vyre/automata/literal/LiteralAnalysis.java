package dev.vyre.automata.literal;

import dev.vyre.automata.regex.ByteSet;
import dev.vyre.automata.regex.Regex;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Literal facts about a pattern, for the multi-literal prefilter: its exact language when that is a small set of
 * literals, and a set of "required factors" (every match contains at least one of them).
 */
public final class LiteralAnalysis {
    /** The most literals a set may hold. */
    public static final int MAX_LITERALS = 64;
    /** The most distinct folded bytes one class may expand into. */
    public static final int MAX_CLASS_EXPANSION = 8;
    /** The longest literal kept. */
    public static final int MAX_LITERAL_LENGTH = 256;

    /** Bytes of factors one analysis may build; beyond it the analysis answers "unknown" (null). */
    public static final long WORK_BUDGET = 1L << 20;

    private final Map<Regex, List<Factor>> exactMemo = new IdentityHashMap<>();
    private long work;

    /**
     * The exact language of {@code r} as at most {@link #MAX_LITERALS} factors (anchors count as the empty string),
     * or null when it is infinite or too large.
     */
    public List<Factor> exact(Regex r) {
        if (exactMemo.containsKey(r)) {
            return exactMemo.get(r);
        }
        List<Factor> result = switch (r) {
            case Regex.Bytes b -> expand(b.set());
            case Regex.Empty e -> List.of(new Factor(List.of()));
            case Regex.Assertion a -> List.of(new Factor(List.of()));
            case Regex.Concat c -> {
                List<Factor> acc = List.of(new Factor(List.of()));
                for (Regex item : c.items()) {
                    acc = product(acc, exact(item));
                    if (acc == null) {
                        break;
                    }
                }
                yield acc;
            }
            case Regex.Alternation a -> {
                Set<Factor> union = new LinkedHashSet<>();
                for (Regex branch : a.branches()) {
                    List<Factor> e = exact(branch);
                    if (e == null) {
                        union = null;
                        break;
                    }
                    union.addAll(e);
                }
                yield union == null || union.size() > MAX_LITERALS ? null : List.copyOf(union);
            }
            case Regex.Repeat rep -> repeat(rep);
        };
        exactMemo.put(r, result);
        return result;
    }

    /**
     * Factors such that every match of {@code r} contains at least one of them, none empty, at most
     * {@link #MAX_LITERALS}; the longest shortest factor wins. Null when no such set is known.
     */
    public List<Factor> required(Regex r) {
        List<Factor> best = usable(exact(r));
        switch (r) {
            case Regex.Concat c -> {
                for (Regex item : c.items()) {
                    best = better(best, required(item));
                }
                for (int i = 0; i < c.items().size(); i++) {
                    List<Factor> acc = List.of(new Factor(List.of()));
                    for (int j = i; j < c.items().size(); j++) {
                        acc = product(acc, exact(c.items().get(j)));
                        if (acc == null) {
                            break;
                        }
                        best = better(best, usable(acc));
                    }
                }
            }
            case Regex.Alternation a -> {
                Set<Factor> union = new LinkedHashSet<>();
                for (Regex branch : a.branches()) {
                    List<Factor> req = required(branch);
                    if (req == null) {
                        union = null;
                        break;
                    }
                    union.addAll(req);
                }
                if (union != null && union.size() <= MAX_LITERALS) {
                    best = better(best, List.copyOf(union));
                }
            }
            case Regex.Repeat rep when rep.min() >= 1 -> best = better(best, required(rep.child()));
            default -> {
            }
        }
        return best;
    }

    /** The shortest factor's length in {@code set}. */
    public static int shortest(List<Factor> set) {
        return set.stream().mapToInt(Factor::length).min().orElse(0);
    }

    private static List<Factor> usable(List<Factor> set) {
        return set == null || set.isEmpty() || shortest(set) == 0 ? null : set;
    }

    private static List<Factor> better(List<Factor> a, List<Factor> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int sa = shortest(a);
        int sb = shortest(b);
        if (sa != sb) {
            return sa > sb ? a : b;
        }
        return b.size() < a.size() ? b : a;
    }

    private List<Factor> repeat(Regex.Repeat rep) {
        if (rep.max() == Regex.UNBOUNDED) {
            return null;
        }
        List<Factor> child = exact(rep.child());
        if (child == null) {
            return null;
        }
        Set<Factor> union = new LinkedHashSet<>();
        List<Factor> power = List.of(new Factor(List.of()));
        for (int count = 0; count <= rep.max(); count++) {
            if (count >= rep.min()) {
                union.addAll(power);
                if (union.size() > MAX_LITERALS) {
                    return null;
                }
            }
            if (count < rep.max()) {
                power = product(power, child);
                if (power == null) {
                    return null;
                }
            }
        }
        return List.copyOf(union);
    }

    /** Every {@code a} followed by every {@code b}, or null when too many, too long or over budget. */
    private List<Factor> product(List<Factor> a, List<Factor> b) {
        if (a == null || b == null || (long) a.size() * b.size() > MAX_LITERALS || work > WORK_BUDGET) {
            return null;
        }
        Set<Factor> out = new LinkedHashSet<>();
        for (Factor x : a) {
            for (Factor y : b) {
                if (x.length() + y.length() > MAX_LITERAL_LENGTH) {
                    return null;
                }
                work += x.length() + y.length() + 1;
                out.add(x.concat(y));
            }
        }
        return List.copyOf(out);
    }

    /** One single-byte factor per distinct folded byte of {@code set}, or null when there are too many. */
    private static List<Factor> expand(ByteSet set) {
        List<Factor> out = new ArrayList<>();
        ByteSet rest = set;
        while (!rest.isEmpty()) {
            int folded = ByteSet.fold(rest.next(0));
            ByteSet same = set.intersect(ByteSet.of(folded).caseFolded());
            out.add(new Factor(List.of(same)));
            if (out.size() > MAX_CLASS_EXPANSION) {
                return null;
            }
            rest = rest.intersect(same.complement());
        }
        return out;
    }
}
