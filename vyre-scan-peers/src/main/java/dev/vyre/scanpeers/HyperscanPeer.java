package dev.vyre.scanpeers;

import com.gliwka.hyperscan.wrapper.Database;
import com.gliwka.hyperscan.wrapper.Expression;
import com.gliwka.hyperscan.wrapper.ExpressionFlag;
import com.gliwka.hyperscan.wrapper.Match;
import com.gliwka.hyperscan.wrapper.Scanner;
import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.ScanPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * hyperscan-java (com.gliwka.hyperscan, block mode): one database of all patterns with their ids and flags, each
 * file scanned as one block. Counts distinct (pattern id, end offset) pairs, as vyre does. The wrapper scans
 * Strings (it encodes them as UTF-8), so files are decoded as ISO-8859-1: offsets agree with vyre's on ASCII text.
 */
public final class HyperscanPeer implements ScanPeer {
    @Override
    public String name() {
        return "hyperscan";
    }

    @Override
    public Optional<String> unavailable() {
        try {
            return Scanner.getIsValidPlatform() ? Optional.empty()
                    : Optional.of("hyperscan does not support this CPU (it needs SSSE3)");
        } catch (Throwable t) {
            return Optional.of("hyperscan's native library did not load: " + t);
        }
    }

    @Override
    public Counting counting() {
        return Counting.END_OFFSETS;
    }

    @Override
    public Prepared prepare(List<PatternSpec> patterns) throws Exception {
        List<Expression> expressions = new ArrayList<>();
        for (PatternSpec p : patterns) {
            EnumSet<ExpressionFlag> flags = EnumSet.noneOf(ExpressionFlag.class);
            if (p.has(PatternFlag.CASELESS)) {
                flags.add(ExpressionFlag.CASELESS);
            }
            if (p.has(PatternFlag.DOTALL)) {
                flags.add(ExpressionFlag.DOTALL);
            }
            if (p.has(PatternFlag.MULTILINE)) {
                flags.add(ExpressionFlag.MULTILINE);
            }
            expressions.add(flags.isEmpty() ? new Expression(p.source(), p.id())
                    : new Expression(p.source(), flags, p.id()));
        }
        Database db = Database.compile(expressions);
        Scanner scanner = new Scanner();
        scanner.allocScratch(db);
        return new Prepared() {
            @Override
            public long scan(List<Path> files) throws Exception {
                long n = 0;
                for (Path f : files) {
                    List<Match> found = scanner.scan(db, new String(Files.readAllBytes(f),
                            StandardCharsets.ISO_8859_1));
                    Set<Long> seen = new HashSet<>();
                    for (Match m : found) {
                        if (seen.add(m.getEndPosition() << 20 ^ m.getMatchedExpression().getId())) {
                            n++;
                        }
                    }
                }
                return n;
            }

            @Override
            public void close() {
                scanner.close();
                db.close();
            }
        };
    }
}
