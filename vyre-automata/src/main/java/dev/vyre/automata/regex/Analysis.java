package dev.vyre.automata.regex;

/** Structural facts about a parsed pattern, used by the compiler and the scanners. */
public final class Analysis {
    /** Returned by {@link #maxLength(Regex)} for patterns whose matches can be arbitrarily long. */
    public static final long UNBOUNDED = -1;

    private Analysis() {
    }

    /**
     * Whether the pattern can match the empty string, ignoring what its anchors require (so {@code ^} alone and
     * {@code a*} are nullable). The compiler refuses nullable patterns, as Hyperscan does.
     */
    public static boolean nullable(Regex r) {
        return switch (r) {
            case Regex.Bytes b -> false;
            case Regex.Empty e -> true;
            case Regex.Assertion a -> true;
            case Regex.Concat c -> c.items().stream().allMatch(Analysis::nullable);
            case Regex.Alternation a -> a.branches().stream().anyMatch(Analysis::nullable);
            case Regex.Repeat rep -> rep.min() == 0 || nullable(rep.child());
        };
    }

    /** The most bytes one match can span, or {@link #UNBOUNDED}; saturates at {@code Long.MAX_VALUE / 4}. */
    public static long maxLength(Regex r) {
        return switch (r) {
            case Regex.Bytes b -> 1;
            case Regex.Empty e -> 0;
            case Regex.Assertion a -> 0;
            case Regex.Concat c -> {
                long sum = 0;
                for (Regex item : c.items()) {
                    long m = maxLength(item);
                    if (m == UNBOUNDED) {
                        yield UNBOUNDED;
                    }
                    sum = saturate(sum + m);
                }
                yield sum;
            }
            case Regex.Alternation a -> {
                long max = 0;
                for (Regex branch : a.branches()) {
                    long m = maxLength(branch);
                    if (m == UNBOUNDED) {
                        yield UNBOUNDED;
                    }
                    max = Math.max(max, m);
                }
                yield max;
            }
            case Regex.Repeat rep -> {
                long m = maxLength(rep.child());
                if (m == 0) {
                    yield 0;
                }
                if (m == UNBOUNDED || rep.max() == Regex.UNBOUNDED) {
                    yield UNBOUNDED;
                }
                yield saturate(Math.multiplyHigh(m, rep.max()) != 0 ? Long.MAX_VALUE : m * rep.max());
            }
        };
    }

    /**
     * The number of NFA states the Thompson construction makes for the pattern (saturating), so that huge
     * nested repeats are refused before any memory is spent on them.
     */
    public static long nfaSize(Regex r) {
        return switch (r) {
            case Regex.Bytes b -> 1;
            case Regex.Empty e -> 0;
            case Regex.Assertion a -> 1;
            case Regex.Concat c -> {
                long sum = 0;
                for (Regex item : c.items()) {
                    sum = saturate(sum + nfaSize(item));
                }
                yield sum;
            }
            case Regex.Alternation a -> {
                long sum = 1;
                for (Regex branch : a.branches()) {
                    sum = saturate(sum + nfaSize(branch));
                }
                yield sum;
            }
            case Regex.Repeat rep -> {
                long child = nfaSize(rep.child()) + 1;
                long copies = rep.max() == Regex.UNBOUNDED ? rep.min() + 1L : rep.max();
                yield saturate(Math.multiplyHigh(child, copies) != 0 ? Long.MAX_VALUE : child * copies);
            }
        };
    }

    /** Whether the pattern contains an anchor of the given kind. */
    public static boolean contains(Regex r, Anchor anchor) {
        return switch (r) {
            case Regex.Bytes b -> false;
            case Regex.Empty e -> false;
            case Regex.Assertion a -> a.anchor() == anchor;
            case Regex.Concat c -> c.items().stream().anyMatch(i -> contains(i, anchor));
            case Regex.Alternation a -> a.branches().stream().anyMatch(i -> contains(i, anchor));
            case Regex.Repeat rep -> contains(rep.child(), anchor);
        };
    }

    private static long saturate(long v) {
        return v < 0 || v > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : v;
    }
}
