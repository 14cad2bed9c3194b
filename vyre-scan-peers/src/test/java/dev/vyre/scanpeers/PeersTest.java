package dev.vyre.scanpeers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.JdkRegexPeer;
import dev.vyre.cli.scan.ScanBench;
import dev.vyre.cli.scan.ScanCorpus;
import dev.vyre.cli.scan.ScanPeer;
import dev.vyre.cli.scan.VyrePeer;
import dev.vyre.cli.scan.VyreScan;
import dev.vyre.runtime.automata.RingScanOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hyperscan-java and RE2J count what java.util.regex counts on the synthetic corpus and its rules. */
class PeersTest {
    @Test
    void serviceLoaderFindsBothPeers() {
        List<String> names = ServiceLoader.load(ScanPeer.class).stream().map(p -> p.get().name()).toList();
        assertEquals(List.of("hyperscan", "hyperscan-all-cores", "re2j"), names);
    }

    @Test
    void countsAgreeWithJavaRegex(@TempDir Path dir) throws Exception {
        List<Path> files = ScanCorpus.generate(dir, 150_000, 5, 9);
        HyperscanPeer hs = new HyperscanPeer();
        Assumptions.assumeTrue(hs.unavailable().isEmpty(), () -> "hyperscan: " + hs.unavailable().orElse(""));
        ScanBench.Report r = ScanBench.run(List.of(new JdkRegexPeer(), new Re2jPeer(), hs,
                new HyperscanAllCoresPeer(3)), ScanCorpus.RULES, files, 1, line -> { });
        assertTrue(r.rows().getFirst().count() > 500, r.table().toString());
        assertTrue(r.disagreements().isEmpty() && r.failures().isEmpty(), r.table().toString());
    }

    @Test
    void hyperscanReportsEveryEndOffsetWithItsId(@TempDir Path dir) throws Exception {
        HyperscanPeer hs = new HyperscanPeer();
        Assumptions.assumeTrue(hs.unavailable().isEmpty());
        Path f = dir.resolve("x.txt");
        Files.writeString(f, "aaa b AA\n");
        try (ScanPeer.Prepared p = hs.prepare(List.of(PatternSpec.of(3, "a+"), PatternSpec.of(4, "b", "i")))) {
            assertEquals(4, p.scan(List.of(f)), "a+ ends at 1, 2, 3; b at 5");
        }
        try (ScanPeer.Prepared p = hs.prepare(List.of(PatternSpec.of(0, "a+", "i")))) {
            assertEquals(5, p.scan(List.of(f)));
        }
    }

    @Test
    void anchorsMeanWhatVyreMeans(@TempDir Path dir) throws Exception {
        HyperscanPeer hs = new HyperscanPeer();
        Assumptions.assumeTrue(hs.unavailable().isEmpty());
        assertEquals("a\\z|[$\\]$]x\\$\\z", HyperscanPeer.source(PatternSpec.of(0, "a$|[$\\]$]x\\$$")));
        assertEquals("[^$]$", HyperscanPeer.source(PatternSpec.of(0, "[^$]$", "m")));
        Path f = dir.resolve("x.txt");
        Files.writeString(f, "ab\nab\n");
        List<PatternSpec> rules = List.of(PatternSpec.of(1, "b$"), PatternSpec.of(2, "b$", "m"),
                PatternSpec.of(3, "^a"), PatternSpec.of(4, "^a", "m"), PatternSpec.of(5, "\\n$"),
                PatternSpec.of(6, "[^$]$", "s"), PatternSpec.of(7, "b\\z", "m"));
        VyreScan setup = new VyreScan("cpu", 1, RingScanOptions.defaults(), 4096, 2);
        ScanBench.Report r = ScanBench.run(List.of(new VyrePeer("cpu", setup), hs), rules, List.of(f), 1,
                line -> { });
        assertEquals(List.of(), r.patternDisagreements(), r.table().toString());
        assertEquals(java.util.Map.of(2, 2L, 3, 1L, 4, 2L, 5, 1L, 6, 1L), r.rows().get(1).perPattern(),
                "b$ without m never matches before the final newline; \\n$ and [^$]$ end the input");
    }
}
