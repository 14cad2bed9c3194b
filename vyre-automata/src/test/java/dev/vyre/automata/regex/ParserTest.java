package dev.vyre.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every supported construct parses to the expected tree; every refused one names its column and a fix. */
class ParserTest {
    private static Regex parse(String source) {
        return Parser.parse(PatternSpec.of(1, source));
    }

    private static Regex parse(String source, String flags) {
        return Parser.parse(PatternSpec.of(1, source, flags));
    }

    /** The set of bytes a one-byte pattern matches, computed by brute force over its parse. */
    private static ByteSet bytesOf(Regex r) {
        return ((Regex.Bytes) r).set();
    }

    private static ByteSet set(String chars) {
        ByteSet s = ByteSet.EMPTY;
        for (char c : chars.toCharArray()) {
            s = s.union(ByteSet.of(c));
        }
        return s;
    }

    private static ByteSet where(java.util.function.IntPredicate p) {
        ByteSet s = ByteSet.EMPTY;
        for (int b = 0; b < 256; b++) {
            if (p.test(b)) {
                s = s.union(ByteSet.of(b));
            }
        }
        return s;
    }

    @Test
    void literalsBecomeOneByteSetPerCharacterWithColumns() {
        Regex r = parse("ab\u00e9");
        assertEquals(new Regex.Concat(List.of(new Regex.Bytes(set("a"), 1), new Regex.Bytes(set("b"), 2),
                new Regex.Bytes(ByteSet.of(0xE9), 3))), r);
    }

    @Test
    void escapesAreSingleBytes() {
        String[][] cases = {{"\\t", "\t"}, {"\\n", "\n"}, {"\\r", "\r"}, {"\\f", "\f"}, {"\\a", "\u0007"},
            {"\\e", "\u001b"}, {"\\x41", "A"}, {"\\xfF", "\u00ff"}, {"\\.", "."}, {"\\\\", "\\"}, {"\\*", "*"},
            {"\\[", "["}, {"\\{", "{"}, {"\\$", "$"}, {"\\^", "^"}, {"\\|", "|"}, {"\\/", "/"}};
        for (String[] c : cases) {
            assertEquals(ByteSet.of(c[1].charAt(0)), bytesOf(parse(c[0])), c[0]);
        }
    }

    @Test
    void classEscapesAreAsciiSets() {
        assertEquals(where(b -> b >= '0' && b <= '9'), bytesOf(parse("\\d")));
        assertEquals(where(b -> !(b >= '0' && b <= '9')), bytesOf(parse("\\D")));
        ByteSet word = where(b -> Character.isLetterOrDigit(b) && b < 128 || b == '_');
        assertEquals(word, bytesOf(parse("\\w")));
        assertEquals(word.complement(), bytesOf(parse("\\W")));
        ByteSet space = set(" \t\n\u000b\f\r");
        assertEquals(space, bytesOf(parse("\\s")));
        assertEquals(space.complement(), bytesOf(parse("\\S")));
    }

    @Test
    void dotExcludesNewlineUnlessDotall() {
        assertEquals(where(b -> b != '\n'), bytesOf(parse(".")));
        assertEquals(ByteSet.ALL, bytesOf(parse(".", "s")));
    }

    @Test
    void classesWithRangesEscapesAndNegation() {
        assertEquals(set("abc"), bytesOf(parse("[abc]")));
        assertEquals(set("abc").complement(), bytesOf(parse("[^abc]")));
        assertEquals(where(b -> b >= 'a' && b <= 'z'), bytesOf(parse("[a-z]")));
        assertEquals(where(b -> b >= '0' && b <= '9' || b == '_'), bytesOf(parse("[\\d_]")));
        assertEquals(set("]-"), bytesOf(parse("[\\]\\-]")));
        assertEquals(set("-a"), bytesOf(parse("[-a]")));
        assertEquals(set("a-"), bytesOf(parse("[a-]")));
        assertEquals(where(b -> b < 0x20), bytesOf(parse("[\\x00-\\x1F]")));
        assertEquals(set("\t\n"), bytesOf(parse("[\\t\\n]")));
        assertEquals(set("^a"), bytesOf(parse("[a^]")));
        assertEquals(set("."), bytesOf(parse("[.]")));
        assertEquals(where(b -> !(Character.isLetterOrDigit(b) && b < 128 || b == '_') || b == 'x'),
                bytesOf(parse("[\\Wx]")));
    }

    @Test
    void caselessFoldsAsciiLettersOnly() {
        assertEquals(set("aA"), bytesOf(parse("a", "i")));
        assertEquals(set("aA"), bytesOf(parse("\\x41", "i")));
        assertEquals(where(b -> b >= 'a' && b <= 'c' || b >= 'A' && b <= 'C'), bytesOf(parse("[a-c]", "i")));
        assertEquals(set("aA").complement(), bytesOf(parse("[^a]", "i")));
        assertEquals(ByteSet.of(0xE9), bytesOf(parse("\u00e9", "i")));
        assertEquals(set("1"), bytesOf(parse("1", "i")));
    }

    @Test
    void alternationGroupsAndEmptyBranches() {
        assertEquals(new Regex.Alternation(List.of(new Regex.Bytes(set("a"), 1), new Regex.Bytes(set("b"), 3),
                new Regex.Bytes(set("c"), 5))), parse("a|b|c"));
        assertEquals(new Regex.Alternation(List.of(new Regex.Bytes(set("a"), 1), new Regex.Empty(3))), parse("a|"));
        Regex ab = new Regex.Concat(List.of(new Regex.Bytes(set("a"), 2), new Regex.Bytes(set("b"), 3)));
        assertEquals(ab, parse("(ab)"));
        Regex ab4 = new Regex.Concat(List.of(new Regex.Bytes(set("a"), 4), new Regex.Bytes(set("b"), 5)));
        assertEquals(ab4, parse("(?:ab)"));
        Regex ab9 = new Regex.Concat(List.of(new Regex.Bytes(set("a"), 9), new Regex.Bytes(set("b"), 10)));
        assertEquals(ab9, parse("(?<name>ab)"));
        assertEquals(new Regex.Empty(2), parse("()"));
    }

    @Test
    void quantifiersIncludingLazyForms() {
        Regex a = new Regex.Bytes(set("a"), 1);
        assertEquals(new Regex.Repeat(a, 0, Regex.UNBOUNDED, 2), parse("a*"));
        assertEquals(new Regex.Repeat(a, 1, Regex.UNBOUNDED, 2), parse("a+"));
        assertEquals(new Regex.Repeat(a, 0, 1, 2), parse("a?"));
        assertEquals(new Regex.Repeat(a, 3, 3, 2), parse("a{3}"));
        assertEquals(new Regex.Repeat(a, 2, Regex.UNBOUNDED, 2), parse("a{2,}"));
        assertEquals(new Regex.Repeat(a, 2, 5, 2), parse("a{2,5}"));
        assertEquals(new Regex.Repeat(a, 0, 1000, 2), parse("a{0,1000}"));
        assertEquals(parse("a*"), parse("a*?"));
        assertEquals(parse("a{2,5}"), parse("a{2,5}?"));
        assertEquals(new Regex.Concat(List.of(new Regex.Bytes(set("a"), 1), new Regex.Bytes(set("}"), 2))),
                parse("a}"));
    }

    @Test
    void anchorsDependOnTheMultilineFlag() {
        assertEquals(new Regex.Assertion(Anchor.BEGIN_TEXT, 1), parse("^"));
        assertEquals(new Regex.Assertion(Anchor.END_TEXT, 1), parse("$"));
        assertEquals(new Regex.Assertion(Anchor.BEGIN_LINE, 1), parse("^", "m"));
        assertEquals(new Regex.Assertion(Anchor.END_LINE, 1), parse("$", "m"));
        assertEquals(new Regex.Assertion(Anchor.BEGIN_TEXT, 1), parse("\\A", "m"));
        assertEquals(new Regex.Assertion(Anchor.END_TEXT, 1), parse("\\z", "m"));
    }

    @ParameterizedTest(name = "{0} -> column {1}")
    @CsvSource(delimiter = ' ', quoteCharacter = '\'', value = {
        "'(a)\\1' 4 back-references",
        "'\\k<n>' 1 back-references",
        "'a(?=b)' 2 look-around",
        "'a(?!b)' 2 look-around",
        "'(?<=a)b' 1 look-around",
        "'(?<!a)b' 1 look-around",
        "'x\\bfoo' 2 'word boundaries'",
        "'a(?>b)' 2 atomic",
        "'(?i)abc' 1 'inline flags'",
        "'a**' 3 'cannot follow another quantifier'",
        "'a*+' 3 possessive",
        "'*a' 1 'nothing to repeat'",
        "'a|*' 3 'nothing to repeat'",
        "'x(ab' 2 'never closed'",
        "'ab)' 3 unmatched",
        "'x[ab' 2 'never closed'",
        "'[]a]' 2 'empty character class'",
        "'[^]a]' 3 'empty character class'",
        "'[z-a]' 2 reversed",
        "'[\\d-z]' 2 'single byte'",
        "'a{2,1}' 2 'minimum above its maximum'",
        "'a{1001}' 3 exceeds",
        "'a{,3}' 2 'needs a minimum'",
        "'a{x}' 2 'does not start a repeat'",
        "'a{2' 2 'does not start a repeat'",
        "'\\xZZ' 1 'two hex digits'",
        "'\\x4' 1 'two hex digits'",
        "'\\q' 1 'unknown escape'",
        "'\\p{L}' 1 Unicode",
        "'\\u00e9' 1 '\\u escapes'",
        "'\\0' 1 octal",
        "'\\Z' 1 '\\Z'",
        "'a\\' 2 'lone'",
        "'[[:alpha:]]' 2 nested",
        "'[a&&b]' 3 intersection",
        "'^*' 2 'anchor cannot be repeated'",
        "'a\u03bb' 2 'not a byte'",
        "'(?<1x>a)' 1 'malformed group name'",
        "'(?#c)a' 1 'inline flags'",
        "'\\Qa\\E' 1 quoting",
        "'[\\b]' 2 'inside a class'",
    })
    void unsupportedOrMalformedSyntaxIsRefusedAtItsColumn(String source, int column, String words) {
        RegexSyntaxException e = assertThrows(RegexSyntaxException.class,
                () -> Parser.parse(PatternSpec.of(42, source)));
        assertEquals(column, e.column(), e.getMessage());
        assertEquals(42, e.patternId());
        assertTrue(e.problem().contains(words), e.getMessage());
        assertTrue(e.getMessage().startsWith("pattern 42, column " + column + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("\n  " + " ".repeat(column - 1) + "^ here"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: ") && !e.fix().isBlank(), e.getMessage());
    }

    @Test
    void nestingIsBounded() {
        String deep = "(".repeat(Parser.MAX_NESTING + 1) + "a" + ")".repeat(Parser.MAX_NESTING + 1);
        RegexSyntaxException e = assertThrows(RegexSyntaxException.class, () -> parse(deep));
        assertEquals(Parser.MAX_NESTING + 1, e.column());
        String ok = "(".repeat(Parser.MAX_NESTING) + "a" + ")".repeat(Parser.MAX_NESTING);
        assertEquals(new Regex.Bytes(set("a"), Parser.MAX_NESTING + 1), parse(ok));
    }

    @Test
    void flagLettersAreChecked() {
        assertEquals(java.util.Set.of(PatternFlag.CASELESS, PatternFlag.DOTALL, PatternFlag.MULTILINE),
                PatternFlag.parse("ism"));
        assertThrows(dev.vyre.core.VyreException.class, () -> PatternFlag.parse("x"));
        assertThrows(dev.vyre.core.VyreException.class, () -> PatternSpec.of(-1, "a"));
    }
}
