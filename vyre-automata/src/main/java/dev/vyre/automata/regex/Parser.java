package dev.vyre.automata.regex;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses one pattern into a {@link Regex}. Supported: literal bytes (pattern characters {@code U+0000..U+00FF}),
 * {@code .}, classes {@code [...]} and {@code [^...]} with ranges and escapes, {@code \d \w \s \D \W \S},
 * {@code \t \n \r \f \a \e}, {@code \xHH}, escaped punctuation, groups {@code (...)}, {@code (?:...)},
 * {@code (?<name>...)}, alternation, {@code * + ?} and {@code {m} {m,} {m,n}} (greedy or lazy, which match the
 * same end offsets), anchors {@code ^ $ \A \z}. Everything else is refused with a {@link RegexSyntaxException}
 * that points at the column.
 */
public final class Parser {
    /** The largest count allowed in {@code {m,n}}. */
    public static final int MAX_REPEAT = 1000;
    /** The deepest group nesting allowed. */
    public static final int MAX_NESTING = 256;

    private final PatternSpec spec;
    private final String src;
    private final boolean caseless;
    private final boolean dotall;
    private final boolean multiline;
    private int pos;
    private int depth;

    private Parser(PatternSpec spec) {
        this.spec = spec;
        this.src = spec.source();
        this.caseless = spec.has(PatternFlag.CASELESS);
        this.dotall = spec.has(PatternFlag.DOTALL);
        this.multiline = spec.has(PatternFlag.MULTILINE);
    }

    /** Parses {@code spec}; throws {@link RegexSyntaxException} for anything unsupported or malformed. */
    public static Regex parse(PatternSpec spec) {
        Parser p = new Parser(spec);
        Regex r = p.alternation();
        if (p.pos < p.src.length()) {
            throw p.error(p.pos + 1, "unmatched ')'", "remove it, or write \\) for a literal ')'");
        }
        return r;
    }

    private Regex alternation() {
        List<Regex> branches = new ArrayList<>();
        branches.add(concat());
        while (more() && peek() == '|') {
            pos++;
            branches.add(concat());
        }
        return branches.size() == 1 ? branches.getFirst() : new Regex.Alternation(branches);
    }

    private Regex concat() {
        int column = pos + 1;
        List<Regex> items = new ArrayList<>();
        while (more() && peek() != '|' && peek() != ')') {
            items.add(quantified());
        }
        return switch (items.size()) {
            case 0 -> new Regex.Empty(column);
            case 1 -> items.getFirst();
            default -> new Regex.Concat(items);
        };
    }

    private Regex quantified() {
        Regex atom = atom();
        if (!more() || !isQuantifier(peek())) {
            return atom;
        }
        int column = pos + 1;
        if (atom instanceof Regex.Assertion) {
            throw error(column, "an anchor cannot be repeated", "remove the quantifier after the anchor");
        }
        int min;
        int max;
        char q = src.charAt(pos++);
        switch (q) {
            case '*' -> {
                min = 0;
                max = Regex.UNBOUNDED;
            }
            case '+' -> {
                min = 1;
                max = Regex.UNBOUNDED;
            }
            case '?' -> {
                min = 0;
                max = 1;
            }
            default -> {
                int[] bounds = braces(column);
                min = bounds[0];
                max = bounds[1];
            }
        }
        if (more() && peek() == '?') {
            pos++; // lazy: the same set of end offsets as greedy
        } else if (more() && peek() == '+') {
            throw error(pos + 1, "possessive quantifiers are not supported",
                    "drop the '+' after the quantifier (automata report every match, so possessive has no meaning)");
        }
        if (more() && isQuantifier(peek())) {
            throw error(pos + 1, "a quantifier cannot follow another quantifier",
                    "wrap the repeated part in a group first, e.g. (?:a{2})*");
        }
        return new Regex.Repeat(atom, min, max, column);
    }

    /** Parses {@code {m}}, {@code {m,}} or {@code {m,n}}; {@code pos} is just after the '{'. */
    private int[] braces(int column) {
        if (more() && peek() == ',') {
            throw error(column, "a repeat {,n} needs a minimum", "write {0,n}");
        }
        int min = number(column);
        int max = min;
        if (more() && peek() == ',') {
            pos++;
            max = more() && Character.isDigit(peek()) ? number(column) : Regex.UNBOUNDED;
        }
        if (!more() || peek() != '}') {
            throw error(column, "'{' does not start a repeat {m}, {m,} or {m,n}",
                    "write \\{ for a literal '{', or complete the repeat");
        }
        pos++;
        if (max != Regex.UNBOUNDED && min > max) {
            throw error(column, "repeat {" + min + "," + max + "} has its minimum above its maximum",
                    "write the smaller count first");
        }
        return new int[] {min, max};
    }

    private int number(int column) {
        int start = pos;
        long value = 0;
        while (more() && peek() >= '0' && peek() <= '9') {
            value = Math.min(value * 10 + (peek() - '0'), Integer.MAX_VALUE);
            pos++;
        }
        if (pos == start) {
            throw error(column, "'{' does not start a repeat {m}, {m,} or {m,n}",
                    "write \\{ for a literal '{', or complete the repeat");
        }
        if (value > MAX_REPEAT) {
            throw error(start + 1, "repeat count " + src.substring(start, pos) + " exceeds " + MAX_REPEAT,
                    "use counts up to " + MAX_REPEAT + ", or an unbounded repeat such as {m,}");
        }
        return (int) value;
    }

    private Regex atom() {
        int column = pos + 1;
        char c = src.charAt(pos++);
        return switch (c) {
            case '(' -> group(column);
            case '[' -> charClass(column);
            case '.' -> new Regex.Bytes(dotall ? ByteSet.ALL : ByteSet.NEWLINE.complement(), column);
            case '^' -> new Regex.Assertion(multiline ? Anchor.BEGIN_LINE : Anchor.BEGIN_TEXT, column);
            case '$' -> new Regex.Assertion(multiline ? Anchor.END_LINE : Anchor.END_TEXT, column);
            case '\\' -> escape(column);
            case '*', '+', '?', '{' -> throw error(column, "nothing to repeat before '" + c + "'",
                    "put the quantifier after a byte, class or group, or write \\" + c + " for a literal");
            default -> literal(c, column);
        };
    }

    private Regex literal(int c, int column) {
        return new Regex.Bytes(fold(ByteSet.of(checkByte(c, column))), column);
    }

    private Regex group(int column) {
        if (++depth > MAX_NESTING) {
            throw error(column, "groups are nested deeper than " + MAX_NESTING, "flatten the pattern");
        }
        if (more() && peek() == '?') {
            groupPrefix(column);
        }
        Regex inner = alternation();
        if (!more()) {
            throw error(column, "group opened here is never closed", "add the matching ')'");
        }
        pos++; // ')'
        depth--;
        return inner;
    }

    /** Consumes {@code ?:} or {@code ?<name>}; refuses every other {@code (?...} form. */
    private void groupPrefix(int column) {
        String rest = src.substring(pos);
        if (rest.startsWith("?:")) {
            pos += 2;
        } else if (rest.startsWith("?=") || rest.startsWith("?!") || rest.startsWith("?<=")
                || rest.startsWith("?<!")) {
            throw error(column, "look-around " + src.substring(column - 1, Math.min(src.length(), pos + 3))
                    + "...) is not supported", "match the surrounding bytes as part of the pattern, or check the "
                    + "context after the match is reported");
        } else if (rest.startsWith("?<")) {
            int end = pos + 2;
            while (end < src.length() && (Character.isLetterOrDigit(src.charAt(end)) && src.charAt(end) < 128)) {
                end++;
            }
            if (end == pos + 2 || end >= src.length() || src.charAt(end) != '>'
                    || !Character.isLetter(src.charAt(pos + 2))) {
                throw error(column, "malformed group name", "write (?<name>...) with an ASCII letter first");
            }
            pos = end + 1;
        } else if (rest.startsWith("?>")) {
            throw error(column, "atomic groups (?>...) are not supported", "use a plain group (?:...)");
        } else {
            throw error(column, "inline flags and other (?...) groups are not supported",
                    "pass flags with the pattern (PatternFlag CASELESS, DOTALL, MULTILINE) and use (?:...) to group");
        }
    }

    private Regex escape(int column) {
        if (!more()) {
            throw error(column, "the pattern ends with a lone '\\'", "write \\\\ for a literal backslash");
        }
        char e = src.charAt(pos++);
        ByteSet set = classEscape(e);
        if (set != null) {
            return new Regex.Bytes(set, column);
        }
        return switch (e) {
            case 'A' -> new Regex.Assertion(Anchor.BEGIN_TEXT, column);
            case 'z' -> new Regex.Assertion(Anchor.END_TEXT, column);
            case 'Z' -> throw error(column, "\\Z is not supported",
                    "use \\z (end of input), or $ with the multiline flag to also match before a \\n");
            case 'b', 'B' -> throw error(column, "word boundaries \\" + e + " are not supported",
                    "match the neighbouring bytes explicitly, e.g. [^\\w] or ^ and $");
            case '1', '2', '3', '4', '5', '6', '7', '8', '9', 'k', 'g' -> throw error(column,
                    "back-references (\\" + e + ") are not supported",
                    "finite automata cannot compare a group with earlier text; spell out the repeated bytes or "
                            + "check the repetition after the match is reported");
            default -> literal(byteEscape(e, column), column);
        };
    }

    /** {@code \d \w \s} and their negations, or null. */
    private static ByteSet classEscape(char e) {
        return switch (e) {
            case 'd' -> ByteSet.DIGIT;
            case 'D' -> ByteSet.DIGIT.complement();
            case 'w' -> ByteSet.WORD;
            case 'W' -> ByteSet.WORD.complement();
            case 's' -> ByteSet.SPACE;
            case 'S' -> ByteSet.SPACE.complement();
            default -> null;
        };
    }

    /** The byte of a single-byte escape {@code \t \n \r \f \a \e \xHH} or escaped punctuation; refuses others. */
    private int byteEscape(char e, int column) {
        switch (e) {
            case 't':
                return '\t';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 'f':
                return '\f';
            case 'a':
                return 7;
            case 'e':
                return 27;
            case 'x':
                return hexByte(column);
            case '0':
                throw error(column, "octal escapes are not supported", "write the byte as \\xHH");
            case 'p', 'P':
                throw error(column, "Unicode property classes \\" + e + " are not supported",
                        "patterns match bytes: write an explicit class such as [a-zA-Z]");
            case 'u':
                throw error(column, "\\u escapes are not supported",
                        "patterns match bytes: write the character's UTF-8 encoding as \\xHH escapes");
            case 'Q', 'E':
                throw error(column, "\\Q...\\E quoting is not supported", "escape each metacharacter with '\\'");
            default:
                if (Character.isLetterOrDigit(e)) {
                    throw error(column, "unknown escape \\" + e, "write the byte as \\xHH, or drop the '\\'");
                }
                return checkByte(e, column + 1);
        }
    }

    private int hexByte(int column) {
        if (pos + 2 > src.length() || Character.digit(src.charAt(pos), 16) < 0
                || Character.digit(src.charAt(pos + 1), 16) < 0) {
            throw error(column, "\\x must be followed by exactly two hex digits", "write bytes as \\xHH, e.g. \\x0A");
        }
        int b = Character.digit(src.charAt(pos), 16) * 16 + Character.digit(src.charAt(pos + 1), 16);
        pos += 2;
        return b;
    }

    private Regex charClass(int column) {
        boolean negated = more() && peek() == '^';
        if (negated) {
            pos++;
        }
        if (more() && peek() == ']') {
            throw error(pos + 1, "empty character class", "write \\] for a literal ']' inside a class");
        }
        ByteSet set = ByteSet.EMPTY;
        while (true) {
            if (!more()) {
                throw error(column, "character class opened here is never closed", "add the matching ']'");
            }
            if (peek() == ']') {
                pos++;
                break;
            }
            int itemColumn = pos + 1;
            ByteSet item = classAtom();
            if (more() && peek() == '-' && pos + 1 < src.length() && src.charAt(pos + 1) != ']') {
                pos++;
                int hiColumn = pos + 1;
                ByteSet hi = classAtom();
                if (item.size() != 1 || hi.size() != 1) {
                    throw error(item.size() != 1 ? itemColumn : hiColumn, "a range endpoint must be a single byte",
                            "write \\- for a literal '-' next to a class escape");
                }
                int lo = item.next(0);
                int high = hi.next(0);
                if (lo > high) {
                    throw error(itemColumn, "range is reversed (" + describe(lo) + " > " + describe(high) + ")",
                            "write the smaller byte first");
                }
                item = ByteSet.range(lo, high);
            }
            set = set.union(item);
        }
        set = fold(set);
        return new Regex.Bytes(negated ? set.complement() : set, column);
    }

    /** One byte or escape class inside {@code [...]}. */
    private ByteSet classAtom() {
        int column = pos + 1;
        char c = src.charAt(pos++);
        if (c == '[') {
            throw error(column, "'[' inside a class (nested or POSIX classes) is not supported",
                    "write \\[ for a literal '['");
        }
        if (c == '&' && more() && peek() == '&') {
            throw error(column, "class intersection && is not supported", "write \\& for a literal '&'");
        }
        if (c != '\\') {
            return ByteSet.of(checkByte(c, column));
        }
        if (!more()) {
            throw error(column, "the pattern ends with a lone '\\'", "write \\\\ for a literal backslash");
        }
        char e = src.charAt(pos++);
        ByteSet set = classEscape(e);
        if (set != null) {
            return set;
        }
        if (e == 'b') {
            throw error(column, "\\b inside a class is not supported", "write \\x08 for the backspace byte");
        }
        return ByteSet.of(byteEscape(e, column));
    }

    private ByteSet fold(ByteSet set) {
        return caseless ? set.caseFolded() : set;
    }

    private int checkByte(int c, int column) {
        if (c > 0xFF) {
            throw error(column, String.format("character U+%04X is not a byte", c),
                    "patterns match bytes: write the character's UTF-8 encoding as \\xHH escapes");
        }
        return c;
    }

    private static String describe(int b) {
        return b > 32 && b < 127 ? "'" + (char) b + "'" : String.format("\\x%02X", b);
    }

    private static boolean isQuantifier(char c) {
        return c == '*' || c == '+' || c == '?' || c == '{';
    }

    private boolean more() {
        return pos < src.length();
    }

    private char peek() {
        return src.charAt(pos);
    }

    private RegexSyntaxException error(int column, String problem, String fix) {
        return new RegexSyntaxException(spec.id(), src, column, problem, fix);
    }
}
