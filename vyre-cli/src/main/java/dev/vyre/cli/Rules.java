package dev.vyre.cli;

import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The patterns of {@code vyre scan}: {@code -e} patterns first, then the lines of {@code -f} files (docs/SCAN.md
 * "Rules files"). A pattern without an explicit id gets its 0-based position in that list. Patterns are bytes:
 * text from the command line is encoded as UTF-8 and each byte becomes one pattern character, so {@code é}
 * matches the UTF-8 bytes of é; a rules file is read byte for byte.
 */
final class Rules {
    private Rules() {
    }

    /**
     * Parses rules-file text (bytes as ISO-8859-1 characters): one pattern per line; a trailing CR is dropped;
     * blank lines and lines whose first non-blank character is {@code #} are skipped; a line {@code DIGITS:rest}
     * is pattern {@code rest} with id {@code DIGITS}.
     *
     * @param firstId the id of the first pattern without an explicit id (its position in the whole list)
     */
    static List<PatternSpec> parse(String name, String text, int firstId, Set<PatternFlag> flags) {
        List<PatternSpec> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int id = firstId + out.size();
            String pattern = line;
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    id = Integer.parseInt(line.substring(0, colon));
                } catch (NumberFormatException e) {
                    throw new CliException(name + " line " + (n + 1) + ": id " + line.substring(0, colon)
                            + " is larger than 2147483647", "use ids 0..2147483647");
                }
                pattern = line.substring(colon + 1);
            }
            if (pattern.isEmpty()) {
                throw new CliException(name + " line " + (n + 1) + ": the id " + id + " has an empty pattern",
                        "write a pattern after the colon, or remove the line");
            }
            out.add(new PatternSpec(id, pattern, flags));
        }
        return out;
    }

    /** {@code -e} patterns (UTF-8 bytes as characters), then every rules file, with {@code flags} on each. */
    static List<PatternSpec> of(List<String> expressions, List<Path> files, boolean ignoreCase) {
        Set<PatternFlag> flags = ignoreCase ? EnumSet.of(PatternFlag.CASELESS) : Set.of();
        List<PatternSpec> out = new ArrayList<>();
        for (String e : expressions) {
            out.add(new PatternSpec(out.size(), bytesAsChars(e), flags));
        }
        for (Path f : files) {
            String text;
            try {
                text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            } catch (IOException ex) {
                throw new CliException("cannot read rules file " + f + ": " + ex, "check the -f path", ex);
            }
            out.addAll(parse(f.toString(), text, out.size(), flags));
        }
        if (out.isEmpty()) {
            throw new CliException("no patterns: " + (files.isEmpty() ? "none given"
                    : "the rules files hold only comments and blank lines"), "give -e PATTERN or -f RULES_FILE");
        }
        return out;
    }

    /** {@code s} encoded as UTF-8, one character per byte. */
    static String bytesAsChars(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
