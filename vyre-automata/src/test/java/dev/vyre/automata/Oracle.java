package dev.vyre.automata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parity oracle: java.util.regex over the input decoded as ISO-8859-1 (bytes map 1:1 to chars). A pattern
 * matches at end offset e when {@code (?s:.*)(?:P)} matches the region {@code [0, e)} exactly, with transparent
 * bounds and without anchoring bounds (so anchors and look-arounds see the whole input).
 */
public final class Oracle {
    private Oracle() {
    }

    /** Every (id, end offset) of the generated patterns on {@code input}, sorted by offset then id. */
    public static List<Match> matches(List<RegexGen.Gen> patterns, List<Integer> ids, byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        List<Match> out = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            RegexGen.Gen g = patterns.get(i);
            Pattern p = Pattern.compile("(?s:.*)(?:" + g.java() + ")", g.javaFlags());
            Matcher m = p.matcher(text);
            m.useAnchoringBounds(false);
            m.useTransparentBounds(true);
            for (int e = 0; e <= text.length(); e++) {
                m.region(0, e);
                if (m.matches()) {
                    out.add(new Match(ids.get(i), e));
                }
            }
        }
        Collections.sort(out);
        List<Match> unique = new ArrayList<>();
        for (Match x : out) {
            if (unique.isEmpty() || !unique.getLast().equals(x)) {
                unique.add(x);
            }
        }
        return unique;
    }
}
