package dev.vyre.automata.regex;

import dev.vyre.core.VyreException;
import java.util.EnumSet;
import java.util.Set;

/** Per-pattern flags, each with the letter used by {@link #parse(String)}. */
public enum PatternFlag {
    /** {@code i}: ASCII letters match both cases. */
    CASELESS('i'),
    /** {@code s}: {@code .} also matches {@code \n}. */
    DOTALL('s'),
    /** {@code m}: {@code ^} also holds after every {@code \n}, {@code $} also before every {@code \n}. */
    MULTILINE('m');

    private final char letter;

    PatternFlag(char letter) {
        this.letter = letter;
    }

    /** The flag's letter. */
    public char letter() {
        return letter;
    }

    /** The flags named by {@code letters}, e.g. {@code "is"}; refuses unknown letters. */
    public static Set<PatternFlag> parse(String letters) {
        EnumSet<PatternFlag> flags = EnumSet.noneOf(PatternFlag.class);
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            PatternFlag found = null;
            for (PatternFlag f : values()) {
                if (f.letter == c) {
                    found = f;
                }
            }
            if (found == null) {
                throw new VyreException("pattern flags \"" + letters + "\": unknown flag letter '" + c + "'",
                        "use only i (caseless), s (dot matches \\n) and m (multiline ^ and $)");
            }
            flags.add(found);
        }
        return flags;
    }
}
