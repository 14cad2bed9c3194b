package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.regex.PatternFlag;
import dev.vyre.automata.regex.PatternSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesTest {
    @Test
    void commentsBlankLinesIdsAndCrlf() {
        String text = "# header\n\nfoo\r\n  # indented comment\n7:ba+r\n12:34:56\n  spaced\n";
        List<PatternSpec> p = Rules.parse("r", text, 3, Set.of());
        assertEquals(List.of(PatternSpec.of(3, "foo"), PatternSpec.of(7, "ba+r"), PatternSpec.of(12, "34:56"),
                PatternSpec.of(6, "  spaced")), p);
    }

    @Test
    void badLinesAreRefusedWithTheirLineNumber() {
        CliException e = assertThrows(CliException.class, () -> Rules.parse("rules.txt", "a\n5:\n", 0, Set.of()));
        assertTrue(e.getMessage().contains("rules.txt line 2"), e.getMessage());
        e = assertThrows(CliException.class, () -> Rules.parse("r", "99999999999:x", 0, Set.of()));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void commandLinePatternsAreUtf8BytesAndFilesFollowThem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.txt");
        Files.write(f, "caf\u00c3\u00a9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        List<PatternSpec> p = Rules.of(List.of("\u00e9t\u00e9", "x"), List.of(f), true);
        assertEquals("\u00c3\u00a9t\u00c3\u00a9", p.get(0).source());
        assertEquals(List.of(0, 1, 2), p.stream().map(PatternSpec::id).toList());
        assertEquals("caf\u00c3\u00a9", p.get(2).source());
        assertTrue(p.stream().allMatch(s -> s.has(PatternFlag.CASELESS)));
        assertThrows(CliException.class, () -> Rules.of(List.of(), List.of(), false));
    }
}
