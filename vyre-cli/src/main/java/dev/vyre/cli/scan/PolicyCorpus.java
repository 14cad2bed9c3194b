package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A log corpus for checking the worklist policy against measurement (docs/SCAN.md, "Choosing the mode per corpus
 * slice"): files of four kinds, each kind a different cost for the two lane modes, and two line-anchored rules.
 * <ul>
 *   <li>{@link Kind#SYSLOG_SPARSE}, {@link Kind#SYSLOG_DENSE}: syslog lines of 60 to 160 bytes, 1% or 50% of them
 *   failed sshd logins (matches). Every lane's warm-up crosses a newline, so every guessed start state is exact.</li>
 *   <li>{@link Kind#JSON_SPARSE}, {@link Kind#JSON_DENSE}: JSON log records of 1 to 6 KiB per line, 2% or 90% of
 *   them at level error. An error line keeps the rule's DFA inside a partial match until its newline, longer than
 *   the warm-up, so a lane starting inside one guesses wrong; the true run and the guess meet at the next
 *   newline.</li>
 * </ul>
 * Files are written in the order of {@link Kind}, kinds interleaved ({@code files} per kind).
 */
public final class PolicyCorpus {
    /**
     * The rules, with flag {@code m} (line anchors). Their literal runs are shorter than the line engine's 8-byte
     * factors ({@code .} stands for a quote or a blank), so on every backend they run as DFAs on the ring, where the
     * policy chooses the lane mode.
     */
    public static final List<PatternSpec> RULES = List.of(
            PatternSpec.of(0, "^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [a-z0-9-]+ sshd\\[[0-9]+\\]:.Failed.[a-z]+"
                    + " [^\\n]*.from.[0-9.]+", "m"),
            PatternSpec.of(1, "^\\{.level.:.error.[^\\n]*.msg.:.[^\"\\n]*timeout", "m"));

    /** What a file holds. */
    public enum Kind {
        SYSLOG_SPARSE, SYSLOG_DENSE, JSON_SPARSE, JSON_DENSE
    }

    private static final String[] HOSTS = {"web-1", "web-2", "db-main", "cache-7", "edge-03"};
    private static final String[] DAEMONS = {"cron", "systemd", "kernel", "postfix/smtpd", "dhclient"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"};
    private static final String PAYLOAD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private PolicyCorpus() {
    }

    /** Writes {@code files} files of {@code bytes} bytes per kind under {@code dir}; returns them in write order. */
    public static List<Path> generate(Path dir, int files, int bytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (int f = 0; f < files; f++) {
                for (Kind k : Kind.values()) {
                    Path p = dir.resolve(String.format(Locale.ROOT, "%03d-%s.log", f, k.name().toLowerCase(
                            Locale.ROOT)));
                    ScanCorpus.writeLines(p, bytes, () -> line(k, rnd));
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the policy corpus under " + dir, e);
        }
        return out;
    }

    /** The kind of a file {@link #generate} wrote, from its name. */
    public static Kind kindOf(Path file) {
        String name = file.getFileName().toString();
        return Kind.valueOf(name.substring(name.indexOf('-') + 1, name.length() - 4).toUpperCase(Locale.ROOT));
    }

    static String line(Kind k, SplittableRandom r) {
        return switch (k) {
            case SYSLOG_SPARSE -> syslog(r, r.nextInt(100) == 0);
            case SYSLOG_DENSE -> syslog(r, r.nextBoolean());
            case JSON_SPARSE -> json(r, r.nextInt(50) == 0);
            case JSON_DENSE -> json(r, r.nextInt(10) != 0);
        };
    }

    private static String syslog(SplittableRandom r, boolean failed) {
        String head = String.format(Locale.ROOT, "%s %2d %02d:%02d:%02d %s ", MONTHS[r.nextInt(MONTHS.length)],
                1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), HOSTS[r.nextInt(HOSTS.length)]);
        if (failed) {
            return head + "sshd[" + r.nextInt(99_999) + "]: Failed password for " + (r.nextBoolean() ? "invalid user "
                    : "") + "user" + r.nextInt(500) + " from 10." + r.nextInt(256) + "." + r.nextInt(256) + "."
                    + r.nextInt(256) + " port " + (1024 + r.nextInt(60_000)) + " ssh2\n";
        }
        StringBuilder b = new StringBuilder(head).append(DAEMONS[r.nextInt(DAEMONS.length)]).append('[')
                .append(r.nextInt(99_999)).append("]: ");
        for (int i = 0, n = 3 + r.nextInt(12); i < n; i++) {
            b.append(i == 0 ? "" : " ").append(Long.toString(r.nextLong(1L << 40), 36));
        }
        return b.append('\n').toString();
    }

    private static String json(SplittableRandom r, boolean error) {
        StringBuilder b = new StringBuilder(6200).append("{\"level\":\"").append(error ? "error" : "info")
                .append("\",\"ts\":").append(1_700_000_000_000L + r.nextLong(1L << 32)).append(",\"payload\":\"");
        for (int i = 0, n = 1024 + r.nextInt(5 * 1024); i < n; i++) {
            b.append(PAYLOAD.charAt(r.nextInt(PAYLOAD.length())));
        }
        return b.append("\",\"msg\":\"").append(r.nextInt(3) == 0 ? "upstream timeout" : "request served")
                .append("\"}\n").toString();
    }
}
