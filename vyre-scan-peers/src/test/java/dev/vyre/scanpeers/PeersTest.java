package dev.vyre.scanpeers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.cli.scan.JdkRegexPeer;
import dev.vyre.cli.scan.ScanBench;
import dev.vyre.cli.scan.ScanCorpus;
import dev.vyre.cli.scan.ScanPeer;
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
        assertEquals(List.of("hyperscan", "re2j"), names);
    }

    @Test
    void countsAgreeWithJavaRegex(@TempDir Path dir) throws Exception {
        List<Path> files = ScanCorpus.generate(dir, 150_000, 2, 9);
        HyperscanPeer hs = new HyperscanPeer();
        Assumptions.assumeTrue(hs.unavailable().isEmpty(), () -> "hyperscan: " + hs.unavailable().orElse(""));
        ScanBench.Report r = ScanBench.run(List.of(new JdkRegexPeer(), new Re2jPeer(), hs), ScanCorpus.RULES, files, 1,
                line -> { });
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
}
