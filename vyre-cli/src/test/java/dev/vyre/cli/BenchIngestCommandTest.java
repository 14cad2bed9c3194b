package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vyre bench ingest}: reader rows, verified end-to-end rows, JSON evidence, and refused options. */
class BenchIngestCommandTest {
    @TempDir
    Path dir;

    @Test
    void aSmallRunPrintsReaderAndEndToEndRowsAndWritesEvidence() throws IOException {
        Path json = dir.resolve("out/ingest.json");
        CliRun r = CliRun.of("bench", "ingest", "--files", "2", "--size", "40k", "--buffer", "16k", "--buffers", "4",
                "--depth", "4", "--repeat", "1", "--handlers", "wordsum,fnv,nop", "--overlap", "64", "--json",
                json.toString());
        assertEquals(0, r.exit(), r::toString);
        for (String s : new String[] {"FileChannel", "mmap + copy", "end to end", "wordsum", "fnv", "nop"}) {
            assertTrue(r.out().contains(s), s + " in\n" + r);
        }
        String evidence = Files.readString(json);
        assertTrue(evidence.contains("\"endToEnd\":[") && evidence.contains("\"readers\":{"), evidence);
        assertEquals(3, evidence.split("\"verified\":true", -1).length - 1, evidence);
        assertTrue(evidence.contains("\"bytes\":81920"), evidence);
    }

    @Test
    void existingFilesAndEndToEndOnly() throws IOException {
        Files.write(dir.resolve("a"), new byte[70_001]);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/b"), new byte[3]);
        CliRun r = CliRun.of("bench", "ingest", "--dir", dir.toString(), "--no-readers", "--buffer", "8k",
                "--buffers", "2", "--repeat", "1", "--handlers", "wordsum", "--backends", "cpu");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(!r.out().contains("mmap") && r.out().contains("yes"), r::toString);
    }

    @Test
    void badOptionsExitTwoWithAFix() {
        for (String[] args : new String[][] {{"--handlers", "crc"}, {"--backends", "tpu"}, {"--buffer", "lots"},
                {"--buffers", "0"}, {"--dir", "/no/such/dir"}, {"--overlap", "-1"}}) {
            String[] all = new String[args.length + 3];
            all[0] = "bench";
            all[1] = "ingest";
            all[2] = "--no-readers";
            System.arraycopy(args, 0, all, 3, args.length);
            CliRun r = CliRun.of(all);
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().contains("Fix:"), r::toString);
        }
    }

    @Test
    void sizesParse() {
        assertEquals(4096, BenchIngestCommand.bytes("4096", "--size"));
        assertEquals(64 << 10, BenchIngestCommand.bytes("64K", "--size"));
        assertEquals(1 << 30, BenchIngestCommand.bytes("1g", "--size"));
        assertThrows(CliException.class, () -> BenchIngestCommand.bytes("2g", "--size"));
        assertThrows(CliException.class, () -> BenchIngestCommand.bytes("0", "--size"));
    }
}
