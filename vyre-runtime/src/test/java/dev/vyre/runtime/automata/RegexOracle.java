package dev.vyre.runtime.automata;

import dev.vyre.automata.Match;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The independent oracle of docs/AUTOMATA.md: pattern {@code P} matches at end offset {@code e} when
 * {@code (?s:.*)(?:P)} matches the region {@code [0, e)} of the input decoded as ISO-8859-1, with transparent and
 * non-anchoring bounds. For patterns without anchors, whose syntax java.util.regex reads the same way.
 */
public final class RegexOracle {
    private RegexOracle() {
    }

    /** Every {@code (ids[i], e)} where {@code patterns[i]} matches, sorted by offset then id, without repeats. */
    public static List<Match> matches(List<String> patterns, List<Integer> ids, byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        TreeSet<Match> out = new TreeSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            Matcher m = Pattern.compile("(?s:.*)(?:" + patterns.get(i) + ")", Pattern.UNIX_LINES).matcher(text);
            m.useAnchoringBounds(false);
            m.useTransparentBounds(true);
            for (int e = 1; e <= text.length(); e++) {
                m.region(0, e);
                if (m.matches()) {
                    out.add(new Match(ids.get(i), e));
                }
            }
        }
        return List.copyOf(out);
    }
}
