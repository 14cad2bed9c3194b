package dev.vyre.automata.regex;

import dev.vyre.core.VyreException;
import java.util.EnumSet;
import java.util.Set;

/**
 * One pattern of a set: its id (reported with every match, {@code >= 0}; several patterns may share an id and
 * their matches are then reported once per id and offset), its source and its flags.
 */
public record PatternSpec(int id, String source, Set<PatternFlag> flags) {
    public PatternSpec {
        if (id < 0) {
            throw new VyreException("pattern id " + id + " is negative", "use ids 0..2^31-1");
        }
        if (source == null) {
            throw new VyreException("pattern " + id + " has no source", "pass the regex text");
        }
        flags = flags == null || flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /** A pattern without flags. */
    public static PatternSpec of(int id, String source) {
        return new PatternSpec(id, source, Set.of());
    }

    /** A pattern with the flags named by {@code flagLetters} (see {@link PatternFlag#parse(String)}). */
    public static PatternSpec of(int id, String source, String flagLetters) {
        return new PatternSpec(id, source, PatternFlag.parse(flagLetters));
    }

    /** Whether {@code flag} is set. */
    public boolean has(PatternFlag flag) {
        return flags.contains(flag);
    }
}
