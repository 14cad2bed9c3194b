package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** O_DIRECT reads: used where the file system allows it, the same bytes as buffered reads, refused cleanly. */
class DirectIoTest {

    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();

    @BeforeEach
    void needsIoUring() {
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
    }

    /** Whether any open descriptor of this process has O_DIRECT set (fdinfo prints the flags in octal). */
    private static boolean someDescriptorIsDirect(int oDirect) {
        try (Stream<Path> infos = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (Path info : infos.toList()) {
                try {
                    for (String line : Files.readAllLines(info)) {
                        if (line.startsWith("flags:")
                                && (Integer.parseInt(line.substring(6).strip(), 8) & oDirect) != 0) {
                            return true;
                        }
                    }
                } catch (IOException gone) {
                    // the descriptor closed while listing
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void directReadsReturnTheWrittenBytesAndReallyUseODirect() throws IOException {
        int oDirect = UringAbi.oDirect(System.getProperty("os.arch")).orElse(0);
        assumeTrue(oDirect != 0, "unknown architecture");
        int[] sizes = {4096, 4097, 100_000, (1 << 20) + 5, 3 * 65536};
        List<IngestFile> files = new ArrayList<>();
        long[] crcs = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Path p = dir.resolve("d" + i);
            crcs[i] = TestFiles.write(p, sizes[i], 40 + i);
            files.add(new IngestFile(i, p));
        }
        boolean[] sawDirect = {false};
        CollectingSink collect = new CollectingSink();
        try (BufferPool pool = BufferPool.offHeap(8, 65536); ChunkReader reader = UringChunkReader.open(pool,
                ReaderOptions.defaults().withDirectIo(true), Notices.to(notices::add))) {
            reader.read(files, event -> {
                if (!sawDirect[0] && event instanceof IngestEvent.Chunk) {
                    sawDirect[0] = someDescriptorIsDirect(oDirect);
                }
                collect.accept(event);
            });
        }
        for (int i = 0; i < sizes.length; i++) {
            assertTrue(collect.outcome(i).done(), () -> collect.outcomes.toString());
            assertEquals(sizes[i], collect.outcome(i).length());
            assertEquals(crcs[i], collect.outcome(i).crc());
        }
        boolean refused = notices.stream().anyMatch(n -> n.contains("O_DIRECT"));
        assertTrue(sawDirect[0] || refused, "O_DIRECT was neither used nor reported as refused: " + notices);
        System.out.println("O_DIRECT " + (sawDirect[0] ? "used" : "refused: " + notices));
    }

    @Test
    void buffersThatDoNotFitDirectIoAreReadBufferedWithOneNotice() throws IOException {
        Path p = dir.resolve("odd");
        long crc = TestFiles.write(p, 50_000, 50);
        try (BufferPool pool = BufferPool.offHeap(4, 5000)) {
            for (int i = 0; i < 2; i++) {
                CollectingSink sink = new CollectingSink();
                Notices once = Notices.to(notices::add);
                try (ChunkReader reader = UringChunkReader.open(pool, ReaderOptions.defaults().withDirectIo(true),
                        once)) {
                    assertTrue(reader.description().contains("buffered"), reader.description());
                    reader.read(List.of(new IngestFile(0, p)), sink);
                }
                assertEquals(crc, sink.outcome(0).crc());
            }
        }
        assertEquals(2, notices.size(), "once per Notices instance: " + notices);
        assertTrue(notices.get(0).contains("O_DIRECT is not used") && notices.get(0).contains("5000"),
                notices.get(0));
    }
}
