package dev.vyre.automata.regex;

import dev.vyre.core.VyreException;

/**
 * A pattern the compiler refuses: bad syntax, an unsupported construct (back-references, look-around, ...), a
 * pattern that matches the empty string, or one too large to compile. The message names the pattern id and the
 * 1-based column, shows the pattern with a caret under that column, and ends with {@code Fix: ...}.
 */
public class RegexSyntaxException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final int patternId;
    private final int column;

    /**
     * @param patternId the id of the refused pattern
     * @param source the pattern text
     * @param column the 1-based column the problem starts at
     * @param problem what is wrong there
     * @param fix what to write instead
     */
    public RegexSyntaxException(int patternId, String source, int column, String problem, String fix) {
        super("pattern " + patternId + ", column " + column + ": " + problem + "\n  " + printable(source) + "\n  "
                + " ".repeat(Math.max(0, column - 1)) + "^ here", fix);
        this.patternId = patternId;
        this.column = column;
    }

    /** The refused pattern's id. */
    public int patternId() {
        return patternId;
    }

    /** The 1-based column of the problem. */
    public int column() {
        return column;
    }

    /** The source with control characters shown as {@code ?} so the caret lines up. */
    private static String printable(String source) {
        StringBuilder sb = new StringBuilder(source.length());
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            sb.append(c < 32 || c == 127 ? '?' : c);
        }
        return sb.toString();
    }
}
