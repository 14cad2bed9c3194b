package dev.vyre.automata.regex;

import java.util.List;

/**
 * The parsed form of one pattern, with flags already applied: case-insensitive letters are folded into
 * {@link Bytes} sets, {@code .} is a set, and {@code ^ $} are {@link Anchor}s of the right kind. Columns are
 * 1-based positions in the pattern source.
 */
public sealed interface Regex {
    /** Marker for a repeat without upper bound. */
    int UNBOUNDED = -1;

    /** One byte from {@code set}. */
    record Bytes(ByteSet set, int column) implements Regex {
    }

    /** The empty string (an empty pattern, group or alternative). */
    record Empty(int column) implements Regex {
    }

    /** The items one after another (at least two). */
    record Concat(List<Regex> items) implements Regex {
        public Concat {
            items = List.copyOf(items);
        }
    }

    /** Any one of the branches (at least two). */
    record Alternation(List<Regex> branches) implements Regex {
        public Alternation {
            branches = List.copyOf(branches);
        }
    }

    /** {@code child} repeated {@code min..max} times; {@code max} is {@link #UNBOUNDED} for no limit. */
    record Repeat(Regex child, int min, int max, int column) implements Regex {
    }

    /** A zero-width assertion. */
    record Assertion(Anchor anchor, int column) implements Regex {
    }
}
