package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** java.util.regex: one alternation of all patterns, {@code find()} over each file decoded as ISO-8859-1. */
public final class JdkRegexPeer implements ScanPeer {
    @Override
    public String name() {
        return "java.util.regex";
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public Counting counting() {
        return Counting.LEFTMOST;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) {
        Pattern p = Pattern.compile(ScanPeer.alternation(patterns), Pattern.UNIX_LINES);
        return ScanPeer.countingText(text -> {
            Matcher m = p.matcher(text);
            long n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        });
    }
}
