package dev.vyre.automata;

import dev.vyre.automata.regex.PatternSpec;
import java.util.regex.Pattern;
import java.util.SplittableRandom;

/**
 * Random patterns in the supported syntax, each rendered twice: in our syntax and as an equivalent
 * java.util.regex pattern (anchors translated: {@code ^ $} become {@code \A \z}, or newline look-arounds under
 * the multiline flag). Generated independently of our parser, so the oracle does not share its bugs.
 */
public final class RegexGen {
    /** Input bytes the generator draws from (so that patterns actually match). */
    public static final byte[] ALPHABET = {'a', 'b', 'c', 'A', 'B', '1', '_', ' ', '\n', '.', (byte) 0xE9};

    private static final String[] LITERALS = {"a", "b", "c", "A", "B", "1", "_", " ", "\\n", "\\.", "\\xE9", "\\x61",
        "\\t"};
    private static final String[] CLASS_ITEMS = {"a", "b", "c", "A", "1", "_", " ", "\\n", "\\xE9", "a-c", "A-C",
        "0-9", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\.", "\\-"};
    private static final String[] ESCAPES = {"\\d", "\\w", "\\s", "\\D", "\\W", "\\S"};

    /** A generated pattern: our source, the Java source, whether it can match empty, its flags. */
    public record Gen(String ours, String java, boolean nullable, String flags) {
        /** Our pattern spec. */
        public PatternSpec spec(int id) {
            return PatternSpec.of(id, ours, flags);
        }

        /** The java.util.regex flags equivalent to ours. */
        public int javaFlags() {
            int f = Pattern.UNIX_LINES;
            if (flags.contains("i")) {
                f |= Pattern.CASE_INSENSITIVE;
            }
            if (flags.contains("s")) {
                f |= Pattern.DOTALL;
            }
            return f;
        }
    }

    private final SplittableRandom rnd;
    private final boolean multiline;

    private RegexGen(SplittableRandom rnd, boolean multiline) {
        this.rnd = rnd;
        this.multiline = multiline;
    }

    /** A random non-nullable pattern with random flags. */
    public static Gen pattern(SplittableRandom rnd) {
        String flags = (rnd.nextInt(4) == 0 ? "i" : "") + (rnd.nextInt(4) == 0 ? "s" : "")
                + (rnd.nextInt(4) == 0 ? "m" : "");
        Gen g = new RegexGen(rnd, flags.contains("m")).node(rnd.nextInt(1, 4), flags);
        if (g.nullable()) {
            String lit = LITERALS[rnd.nextInt(LITERALS.length)];
            return new Gen("(?:" + g.ours() + ")" + lit, "(?:" + g.java() + ")" + lit, false, flags);
        }
        return g;
    }

    /** A random pattern that may be nullable (for the refusal test). */
    public static Gen anyPattern(SplittableRandom rnd) {
        return new RegexGen(rnd, false).node(rnd.nextInt(1, 4), "");
    }

    /** Random input of length {@code 0..maxLength} over {@link #ALPHABET}. */
    public static byte[] input(SplittableRandom rnd, int maxLength) {
        byte[] b = new byte[rnd.nextInt(maxLength + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return b;
    }

    private Gen node(int depth, String flags) {
        int choice = depth <= 0 ? rnd.nextInt(4) : rnd.nextInt(9);
        return switch (choice) {
            case 0, 1 -> leaf(LITERALS[rnd.nextInt(LITERALS.length)], flags);
            case 2 -> charClass(flags);
            case 3 -> switch (rnd.nextInt(3)) {
                case 0 -> leaf(".", flags);
                case 1 -> leaf(ESCAPES[rnd.nextInt(ESCAPES.length)], flags);
                default -> anchor(flags);
            };
            case 4, 5 -> {
                Gen a = node(depth - 1, flags);
                Gen b = node(depth - 1, flags);
                yield new Gen(a.ours() + b.ours(), a.java() + b.java(), a.nullable() && b.nullable(), flags);
            }
            case 6 -> {
                Gen a = node(depth - 1, flags);
                Gen b = node(depth - 1, flags);
                yield new Gen("(?:" + a.ours() + "|" + b.ours() + ")", "(?:" + a.java() + "|" + b.java() + ")",
                        a.nullable() || b.nullable(), flags);
            }
            default -> quantified(node(depth - 1, flags), flags);
        };
    }

    private Gen leaf(String text, String flags) {
        return new Gen(text, text, false, flags);
    }

    private Gen anchor(String flags) {
        boolean begin = rnd.nextBoolean();
        if (rnd.nextInt(4) == 0) {
            String t = begin ? "\\A" : "\\z";
            return new Gen(t, t, true, flags);
        }
        String java = multiline ? (begin ? "(?<![^\\n])" : "(?![^\\n])") : (begin ? "\\A" : "\\z");
        return new Gen(begin ? "^" : "$", java, true, flags);
    }

    private Gen charClass(String flags) {
        StringBuilder sb = new StringBuilder("[");
        if (rnd.nextInt(3) == 0) {
            sb.append('^');
        }
        int items = rnd.nextInt(1, 4);
        for (int i = 0; i < items; i++) {
            sb.append(CLASS_ITEMS[rnd.nextInt(CLASS_ITEMS.length)]);
        }
        sb.append(']');
        return leaf(sb.toString(), flags);
    }

    private Gen quantified(Gen inner, String flags) {
        if (inner.java().contains("\\A") || inner.java().contains("\\z") || inner.java().contains("(?<!")
                || inner.java().contains("(?!")) {
            // Our parser refuses a quantifier on a bare anchor; keep anchors out of quantifiers altogether.
            return inner;
        }
        String q;
        int min;
        switch (rnd.nextInt(6)) {
            case 0 -> {
                q = "*";
                min = 0;
            }
            case 1 -> {
                q = "+";
                min = 1;
            }
            case 2 -> {
                q = "?";
                min = 0;
            }
            case 3 -> {
                min = rnd.nextInt(0, 3);
                q = "{" + min + "}";
            }
            case 4 -> {
                min = rnd.nextInt(0, 3);
                q = "{" + min + ",}";
            }
            default -> {
                min = rnd.nextInt(0, 3);
                q = "{" + min + "," + (min + rnd.nextInt(0, 3)) + "}";
            }
        }
        if (rnd.nextInt(5) == 0) {
            q += "?";
        }
        return new Gen("(?:" + inner.ours() + ")" + q, "(?:" + inner.java() + ")" + q,
                min == 0 || inner.nullable(), flags);
    }
}
