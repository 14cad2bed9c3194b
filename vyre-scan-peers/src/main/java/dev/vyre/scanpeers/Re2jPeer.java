package dev.vyre.scanpeers;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.ScanPeer;
import java.util.List;
import java.util.Optional;

/** RE2J (com.google.re2j): one alternation of all patterns, {@code find()} over each file as ISO-8859-1 text. */
public final class Re2jPeer implements ScanPeer {
    @Override
    public String name() {
        return "re2j";
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
        Pattern p = Pattern.compile(ScanPeer.alternation(patterns));
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
