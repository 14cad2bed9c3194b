package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.stream.HostCopyBench;
import dev.vyre.runtime.stream.StreamBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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
        assertTrue(r.err().contains("generating 2 files") && r.err().contains("end to end: wordsum on cpu"),
                r::toString);
        String evidence = Files.readString(json);
        assertTrue(evidence.contains("\"endToEnd\":[") && evidence.contains("\"readers\":{"), evidence);
        assertTrue(evidence.contains("\"checksumsAgreeAcrossBackends\":true") && evidence.contains("\"ratioToH2d\":null")
                && evidence.contains("\"checksumDigest\":"), evidence);
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
    void parallelReaderRowsAndTheStreamUseTheGivenReaderThreads() throws IOException {
        Path json = dir.resolve("parallel.json");
        CliRun r = CliRun.of("bench", "ingest", "--files", "5", "--size", "30k", "--buffer", "8k", "--buffers", "8",
                "--depth", "4", "--repeat", "1", "--readers", "3", "--handlers", "wordsum", "--json", json.toString());
        assertEquals(0, r.exit(), r::toString);
        for (String s : new String[] {"io_uring x 3", "FileChannel x 3", "mmap + copy x 3", "(3 reader threads)"}) {
            assertTrue(r.out().contains(s) || (s.startsWith("io_uring") && r.out().contains("unavailable")),
                    s + " in\n" + r);
        }
        String evidence = Files.readString(json);
        assertTrue(evidence.contains("\"readerThreads\":3") && evidence.contains("\"method\":\"FileChannel x 3\""),
                evidence);
    }

    @Test
    void chunkSizesAndReaderCountsSweepTheEndToEndRows() throws IOException {
        Path json = dir.resolve("sweep.json");
        CliRun r = CliRun.of("bench", "ingest", "--files", "3", "--size", "50k", "--buffer", "8k,16k", "--buffers",
                "8,4", "--depth", "4", "--repeat", "1", "--readers", "1,2", "--handlers", "warpvec8,wordsum",
                "--no-readers", "--json", json.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("(1,2 reader threads)") && r.out().contains("chunks of 8,16 KiB")
                && r.out().contains("8,4 buffers"), r::toString);
        String evidence = Files.readString(json);
        assertEquals(16, evidence.split("\"verified\":true", -1).length - 1, evidence);
        assertEquals(8, evidence.split("\"chunkBytes\":8192", -1).length - 1, evidence);
        assertEquals(8, evidence.split("\"chunkBytes\":16384", -1).length - 1, evidence);
        assertEquals(8, evidence.split("\"buffers\":4", -1).length - 1, evidence);
        assertTrue(evidence.contains("\"checksumsAgreeAcrossBackends\":true") && !evidence.contains("kernelOnly"),
                evidence);
    }

    @Test
    void withoutAGpuTheCudaRowsSayWhyAndTheRunExitsTwo() throws IOException {
        Assumptions.assumeFalse(CudaProbe.run().available(), "a CUDA device is present: the rows would run");
        Path json = dir.resolve("cuda.json");
        CliRun r = CliRun.of("bench", "ingest", "--files", "1", "--size", "20k", "--buffer", "8k", "--buffers", "2",
                "--repeat", "1", "--no-readers", "--handlers", "nop", "--backends", "cuda,cpu", "--h2d-transfer",
                "1m", "--json", json.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.out().contains("pinned H2D copy rate") && r.out().contains("could not run"), r::toString);
        String evidence = Files.readString(json);
        assertTrue(evidence.contains("\"referenceRates\":[") && evidence.contains("\"targets\":[]"), evidence);
        assertTrue(r.out().contains("kernel only") && evidence.contains("\"kernelOnly\":[{"), evidence);
    }

    @Test
    void ratiosTargetsAndBackendAgreement() {
        HostCopyBench.Rate h2d = new HostCopyBench.Rate(HostCopyBench.PINNED_H2D, "m", 50_000, 1_000, true, "");
        StreamBench.Row fast = row("wordsum", "cuda", 40_000, 1_000, true, 7);
        StreamBench.Row slow = row("nop", "cuda", 20_000, 1_000, true, 9);
        StreamBench.Row cpu = row("wordsum", "cpu", 5_000, 1_000, true, 7);
        assertEquals(0.8, BenchIngestCommand.ratio(fast, h2d), 1e-9);
        assertNull(BenchIngestCommand.ratio(fast, null));
        assertNull(BenchIngestCommand.ratio(row("nop", "cuda", 0, -1, false, 0), h2d));
        List<Map<String, Object>> targets = BenchIngestCommand.targets(List.of(fast, slow, cpu), h2d);
        assertEquals(2, targets.size(), "only CUDA rows are held to the copy rate");
        assertEquals(true, targets.get(0).get("met"));
        assertEquals(false, targets.get(1).get("met"));
        assertEquals(List.of(), BenchIngestCommand.disagreements(List.of(fast, slow, cpu)));
        StreamBench.Row wrong = row("wordsum", "cpu", 5_000, 1_000, true, 8);
        List<String> differ = BenchIngestCommand.disagreements(List.of(fast, wrong));
        assertEquals(1, differ.size());
        assertTrue(differ.getFirst().startsWith("wordsum (4 KiB chunks): cuda digest 7, cpu digest 8"),
                differ.getFirst());
        assertEquals(List.of(), BenchIngestCommand.disagreements(List.of(fast,
                row("wordsum", "cpu", 0, -1, false, 0))), "a row that did not verify is not compared");
    }

    private static StreamBench.Row row(String handler, String backend, long bytes, long nanos, boolean verified,
            long digest) {
        return new StreamBench.Row(handler, backend, "IO_URING", bytes, 1, nanos, verified, "", 1, digest, 4096,
                2);
    }

    @Test
    void badOptionsExitTwoWithAFix() {
        for (String[] args : new String[][] {{"--handlers", "crc"}, {"--backends", "tpu"}, {"--buffer", "lots"},
                {"--buffers", "0"}, {"--buffers", "8,0"}, {"--dir", "/no/such/dir"}, {"--overlap", "-1"}, {"--readers", "0"},
                {"--readers", "65"}, {"--readers", "2,0"}, {"--kernel-region", "1k"}, {"--h2d-transfer", "100"},
                {"--h2d-streams", "0"}, {"--device", "-1"}}) {
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
