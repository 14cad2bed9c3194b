package dev.vyre.cli.scan;

import dev.vyre.automata.regex.PatternSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A matcher that {@code vyre bench scan} runs on the same corpus and rule set as vyre. Built-in peers: vyre on
 * each backend, java.util.regex and ripgrep; others (RE2J, hyperscan-java) come from the {@code vyre-scan-peers}
 * module through {@link java.util.ServiceLoader} when it is on the class path.
 */
public interface ScanPeer {
    /** What a peer's match count counts. */
    enum Counting {
        /** Distinct (pattern id, end offset) pairs: vyre and Hyperscan semantics. */
        END_OFFSETS,
        /** Non-overlapping leftmost matches of the alternation of all patterns: java.util.regex, RE2J, ripgrep. */
        LEFTMOST,
        /** Nothing: the peer only reads (an I/O ceiling); its rows take no part in the agreement of counts. */
        NONE
    }

    /** A short name for tables and evidence. */
    String name();

    /** Why the peer cannot run here (not installed, no device), or empty. */
    Optional<String> unavailable();

    /** What {@link Prepared#scan} counts. */
    Counting counting();

    /** Compiles {@code patterns} (sources are bytes as ISO-8859-1 characters). */
    Prepared prepare(List<PatternSpec> patterns) throws Exception;

    /** Compiled patterns, ready to scan files repeatedly. */
    interface Prepared extends AutoCloseable {
        /** Scans {@code files} (all of each) and returns the match count. */
        long scan(List<Path> files) throws Exception;

        /**
         * Matches per pattern id of the last {@link #scan} (ids without matches may be absent), for peers that
         * count (pattern id, end offset) pairs; empty for peers that cannot tell patterns apart.
         */
        default Optional<java.util.Map<Integer, Long>> lastCountsById() {
            return Optional.empty();
        }

        /**
         * Measurements of the peer's own stages over the runs so far (kernel rates over resident data, batch counts),
         * asked once after the timed runs; empty for most peers.
         */
        default java.util.Map<String, Object> measurements() {
            return java.util.Map.of();
        }

        @Override
        default void close() {
        }
    }

    /**
     * {@code spec}'s source with its flags as an inline group, for engines that read PCRE-like syntax: {@code i},
     * {@code s}, {@code m}.
     */
    static String inline(PatternSpec spec) {
        StringBuilder f = new StringBuilder();
        for (dev.vyre.automata.regex.PatternFlag flag : spec.flags()) {
            f.append(switch (flag) {
                case CASELESS -> 'i';
                case DOTALL -> 's';
                case MULTILINE -> 'm';
            });
        }
        return f.isEmpty() ? spec.source() : "(?" + f + ")" + spec.source();
    }

    /**
     * A {@link Prepared} for text-regex peers: each file is decoded as ISO-8859-1 (one char per byte) and
     * {@code counter} returns its match count; the counts are summed.
     */
    static Prepared countingText(java.util.function.ToLongFunction<String> counter) {
        return files -> {
            long n = 0;
            for (Path f : files) {
                n += counter.applyAsLong(new String(java.nio.file.Files.readAllBytes(f),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
            }
            return n;
        };
    }

    /** The alternation of every pattern, each in a non-capturing group with its flags. */
    static String alternation(List<PatternSpec> patterns) {
        StringBuilder sb = new StringBuilder();
        for (PatternSpec p : patterns) {
            sb.append(sb.isEmpty() ? "" : "|").append("(?:").append(inline(p)).append(')');
        }
        return sb.toString();
    }
}
