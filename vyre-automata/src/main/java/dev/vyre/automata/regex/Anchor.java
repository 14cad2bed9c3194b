package dev.vyre.automata.regex;

/**
 * A zero-width assertion. "Text" anchors look at the whole input ({@code ^} and {@code $} without the multiline
 * flag, {@code \A}, {@code \z}); "line" anchors also hold next to a {@code \n} byte ({@code ^} and {@code $} with
 * the multiline flag).
 */
public enum Anchor {
    /** Holds at offset 0 only. */
    BEGIN_TEXT,
    /** Holds at the end of the input only. */
    END_TEXT,
    /** Holds at offset 0 and right after every {@code \n}. */
    BEGIN_LINE,
    /** Holds at the end of the input and right before every {@code \n}. */
    END_LINE;

    /** Whether the anchor looks at the next byte (an end anchor) rather than the previous one. */
    public boolean looksAhead() {
        return this == END_TEXT || this == END_LINE;
    }
}
