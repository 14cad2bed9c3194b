package dev.vyre.scanpeers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.Match;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.regex.ByteSet;
import dev.vyre.automata.regex.Parser;
import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.regex.Regex;
import dev.vyre.automata.scan.Engine;
import dev.vyre.automata.scan.ScanStream;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.cli.scan.FilteredPeer;
import dev.vyre.cli.scan.FilteredScan;
import dev.vyre.cli.scan.ScanBench;
import dev.vyre.cli.scan.ScanPeer;
import dev.vyre.cli.scan.VyrePeer;
import dev.vyre.cli.scan.VyreScan;
import dev.vyre.runtime.automata.RingScanOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sample of the real logcheck rules (bench/rules/logcheck.rules, flag m) on 1 MB of lines generated from the
 * rules themselves (a random member of each sampled rule, the same with one byte changed, and noise): vyre's ring
 * scan counts exactly what Hyperscan counts, pattern by pattern. The full rule set on a 1 GB corpus is
 * scripts/corpus/run-logcheck-bench.sh, not a test.
 */
class LogcheckRulesTest {
    private static final Path RULES = Path.of("..", "bench", "rules", "logcheck.rules");

    @Test
    void sampledRulesCountLikeHyperscanPatternByPattern(@TempDir Path dir) throws Exception {
        HyperscanPeer hs = new HyperscanPeer();
        Assumptions.assumeTrue(hs.unavailable().isEmpty(), () -> "hyperscan: " + hs.unavailable().orElse(""));
        List<PatternSpec> all = rules();
        assertTrue(all.size() >= 1800, "the committed rules file holds " + all.size() + " rules");
        List<PatternSpec> sample = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 24) {
            sample.add(all.get(i));
        }
        Path file = dir.resolve("lines.log");
        Files.write(file, lines(sample));
        VyreScan setup = new VyreScan("cpu", 2, RingScanOptions.defaults().withLanes(2), 256 * 1024, 8);
        ScanBench.Report r = ScanBench.run(List.of(new VyrePeer("cpu", setup), hs), sample, List.of(file), 1,
                line -> { });
        assertTrue(r.failures().isEmpty() && r.disagreements().isEmpty(), r.table().toString());
        assertEquals(List.of("vyre-cpu", "hyperscan"), r.perPatternPeers());
        assertEquals(List.of(), r.patternDisagreements(), r.table().toString());
        Map<Integer, Long> counts = r.rows().getFirst().perPattern();
        long matched = sample.stream().filter(p -> counts.getOrDefault(p.id(), 0L) > 0).count();
        assertTrue(matched >= sample.size() * 9 / 10, matched + " of " + sample.size() + " sampled rules matched");
    }

    /**
     * The line-prefiltered compilation the CPU scan uses (most sampled rules in a {@code LineEngine}) reports
     * exactly what the DFA-only compilation reports, in one piece and in chunks, on the same generated lines.
     */
    @Test
    void sampledRulesScanTheSameWithAndWithoutTheLinePrefilter() throws Exception {
        List<PatternSpec> sample = new ArrayList<>();
        List<PatternSpec> all = rules();
        for (int i = 0; i < all.size(); i += 24) {
            sample.add(all.get(i));
        }
        byte[] text = lines(sample);
        CompiledAutomaton lines = RegexCompiler.compile(sample, CompileOptions.defaults().withPrefilter(false)
                .withLinePrefilter(true));
        List<Engine> lineEngines = lines.engines(Engine.Kind.LINE);
        assertEquals(1, lineEngines.size());
        assertTrue(lineEngines.getFirst().patternIds().length >= sample.size() * 9 / 10,
                lineEngines.getFirst().patternIds().length + " of " + sample.size() + " rules are line-prefiltered");
        List<Match> expected = new Scanner(VyreScan.compile(sample)).scan(text);
        assertTrue(expected.size() > 1000, expected.size() + " matches");
        Scanner scanner = new Scanner(lines);
        assertEquals(expected, scanner.scan(text));
        List<Match> chunked = new ArrayList<>();
        ScanStream stream = scanner.stream();
        for (int off = 0; off < text.length; off += 4093) {
            stream.feed(text, off, Math.min(4093, text.length - off), (id, e) -> chunked.add(new Match(id, e)));
        }
        stream.finish((id, e) -> chunked.add(new Match(id, e)));
        assertEquals(expected, chunked);
    }

    /**
     * The filtered scan (the CPU model of the device prefilter, {@code vyre-cpu-filter}) counts exactly what the ring
     * scan and Hyperscan (when it loads here) count, pattern by pattern, for every 8th rule over the generated lines
     * and real files (this repository's docs and sources), in 64 KiB batches so files are split across batches.
     */
    @Test
    void sampledRulesFilteredScanCountsLikeTheRingPatternByPattern(@TempDir Path dir) throws Exception {
        List<PatternSpec> sample = new ArrayList<>();
        List<PatternSpec> all = rules();
        for (int i = 0; i < all.size(); i += 8) {
            sample.add(all.get(i));
        }
        Path file = dir.resolve("lines.log");
        Files.write(file, lines(sample));
        List<Path> files = new ArrayList<>(List.of(file));
        for (String root : List.of("docs", "vyre-automata/src/main", "scripts")) {
            try (var walk = Files.walk(Path.of("..", root))) {
                walk.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        VyreScan setup = new VyreScan("cpu", 2, RingScanOptions.defaults().withLanes(2), 256 * 1024, 8);
        List<ScanPeer> peers = new ArrayList<>(List.of(
                new FilteredPeer(new FilteredScan("cpu", 2, 64 * 1024, 2, WindowBitmap.DEFAULT_HASH_BITS)),
                new VyrePeer("cpu", setup)));
        HyperscanPeer hs = new HyperscanPeer();
        if (hs.unavailable().isEmpty()) {
            peers.add(hs);
        }
        ScanBench.Report r = ScanBench.run(peers, sample, files, 1, line -> { });
        assertTrue(r.failures().isEmpty() && r.disagreements().isEmpty(), r.table().toString());
        assertEquals(peers.stream().map(ScanPeer::name).toList(), r.perPatternPeers());
        assertEquals(List.of(), r.patternDisagreements(), r.table().toString());
        Map<String, Object> m = r.rows().getFirst().measurements();
        assertTrue((Long) m.get("batches") > 1, "the corpus spans several 64 KiB batches: " + m);
        assertTrue((Long) m.get("candidates") > 0, "the prefilter found candidate windows: " + m);
        assertTrue(r.rows().getFirst().count() > 1000, r.table().toString());
    }

    /** 1 MB of lines: members of the sampled rules, some with one byte changed, and noise. */
    static byte[] lines(List<PatternSpec> sample) {
        SplittableRandom rnd = new SplittableRandom(5);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        while (text.size() < 1_000_000) {
            PatternSpec p = sample.get(rnd.nextInt(sample.size()));
            byte[] line = member(Parser.parse(p), rnd);
            if (rnd.nextInt(3) == 0 && line.length > 0) {
                line[rnd.nextInt(line.length)] = (byte) (' ' + rnd.nextInt(95));
            }
            text.writeBytes(line);
            text.write('\n');
            if (rnd.nextInt(4) == 0) {
                for (int i = rnd.nextInt(80); i > 0; i--) {
                    text.write(rnd.nextInt(8) == 0 ? '\n' : ' ' + rnd.nextInt(95));
                }
                text.write('\n');
            }
        }
        return text.toByteArray();
    }

    /** The committed rules: ID:pattern lines, comments skipped, all with flag m (as the rules file says). */
    static List<PatternSpec> rules() throws Exception {
        List<PatternSpec> out = new ArrayList<>();
        for (String line : new String(Files.readAllBytes(RULES), StandardCharsets.ISO_8859_1).split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int colon = line.indexOf(':');
                out.add(new PatternSpec(Integer.parseInt(line.substring(0, colon)), line.substring(colon + 1),
                        Set.of(PatternFlag.MULTILINE)));
            }
        }
        return out;
    }

    /** A random string of {@code r}'s language without newlines (repeats take min..min+3 rounds). */
    static byte[] member(Regex r, SplittableRandom rnd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        emit(r, rnd, out);
        return out.toByteArray();
    }

    private static void emit(Regex r, SplittableRandom rnd, ByteArrayOutputStream out) {
        switch (r) {
            case Regex.Bytes b -> out.write(pick(b.set(), rnd));
            case Regex.Empty e -> { }
            case Regex.Concat c -> c.items().forEach(i -> emit(i, rnd, out));
            case Regex.Alternation a -> emit(a.branches().get(rnd.nextInt(a.branches().size())), rnd, out);
            case Regex.Repeat p -> {
                int hi = p.max() == Regex.UNBOUNDED ? p.min() + 3 : Math.min(p.max(), p.min() + 3);
                for (int i = p.min() + rnd.nextInt(hi - p.min() + 1); i > 0; i--) {
                    emit(p.child(), rnd, out);
                }
            }
            case Regex.Assertion a -> { }
        }
    }

    /** A printable byte of {@code set} when it has one (never a newline), else any byte of it but a newline. */
    private static int pick(ByteSet set, SplittableRandom rnd) {
        ByteSet printable = set.intersect(ByteSet.range(' ', '~'));
        ByteSet from = printable.isEmpty() ? set.intersect(ByteSet.NEWLINE.complement()) : printable;
        int k = rnd.nextInt(from.size());
        int b = from.next(0);
        for (int i = 0; i < k; i++) {
            b = from.next(b + 1);
        }
        return b;
    }
}
