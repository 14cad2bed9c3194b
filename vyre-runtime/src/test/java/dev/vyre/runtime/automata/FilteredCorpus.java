package dev.vyre.runtime.automata;

import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** Patterns and random log-like files for the filtered-scan tests (CPU model and GPU). */
public final class FilteredCorpus {
    private static final String[] KEYWORDS = {"kernel: usb ", "Failed password for ", "needle_haystack", "DISK FULL"};
    /** Line-engine patterns (long factors, anchors, caseless, a repeated id) and patterns without a long factor. */
    public static final List<PatternSpec> PATTERNS = List.of(
            new PatternSpec(0, "^[a-z]+ kernel: usb [0-9]+-[0-9]+: new", Set.of(PatternFlag.MULTILINE)),
            new PatternSpec(1, "sshd\\[[0-9]+\\]: Failed password for .* from [0-9.]+", Set.of()),
            new PatternSpec(2, "needle_haystack[0-9]{2,5}", Set.of()),
            new PatternSpec(3, "disk full on /[a-z]+$", EnumSet.of(PatternFlag.CASELESS, PatternFlag.MULTILINE)),
            new PatternSpec(4, "[0-9]{3}x", Set.of()),
            new PatternSpec(5, "ab+c$", Set.of(PatternFlag.MULTILINE)),
            new PatternSpec(2, "Failed password for root", Set.of()),
            new PatternSpec(6, "\\x00\\x01", Set.of()),
            new PatternSpec(7, "c[0-9 ]*x", Set.of()),
            new PatternSpec(8, "b[^\\n]{20,60}\\]", Set.of()),
            new PatternSpec(9, "\\{[^}]*\\}", Set.of()));

    private FilteredCorpus() {
    }

    /** Random log-like bytes: keywords, digits, brackets, newlines, some binary. */
    public static byte[] content(SplittableRandom rnd, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String alphabet = "abcx0123456789 []:./\n-_";
        while (out.size() < length) {
            switch (rnd.nextInt(10)) {
                case 0 -> out.writeBytes(KEYWORDS[rnd.nextInt(KEYWORDS.length)].getBytes(StandardCharsets.ISO_8859_1));
                case 1 -> out.writeBytes(("host kernel: usb " + rnd.nextInt(9) + "-" + rnd.nextInt(9) + ": new\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                case 2 -> out.writeBytes(("sshd[" + rnd.nextInt(99_999) + "]: Failed password for root from 10.0.0."
                        + rnd.nextInt(255)).getBytes(StandardCharsets.ISO_8859_1));
                case 3 -> out.write(rnd.nextInt(256));
                // Rare braces: matches of pattern 9 span hundreds of bytes, across batch pieces and segments.
                default -> out.write(rnd.nextInt(200) == 0 ? '{' : rnd.nextInt(200) == 0 ? '}'
                        : alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
        }
        return java.util.Arrays.copyOf(out.toByteArray(), length);
    }
}
