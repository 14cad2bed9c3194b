package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 cycles of pool + io_uring reader (registered buffers, fixed files) + a read + close leave no descriptor,
 * no mapping and no buffer behind.
 */
class LeakTest {

    @TempDir
    Path dir;

    private static final int CYCLES = 1000;

    @Test
    void thousandOpenReadCloseCyclesLeakNothing() throws IOException {
        assumeTrue(TestFiles.isLinux() && Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
        Path file = dir.resolve("three-chunks");
        long crc = TestFiles.write(file, 3 * 4096 - 1, 12);
        List<IngestFile> files = List.of(new IngestFile(0, file), new IngestFile(1, dir.resolve("missing")));
        Notices quiet = Notices.to(m -> { });

        cycle(files, crc, quiet, true); // warm up class loading, JIT and malloc arenas
        for (int i = 0; i < 20; i++) {
            cycle(files, crc, quiet, false);
        }
        long fds = TestFiles.openFds();
        long maps = TestFiles.mappings();
        long t0 = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            cycle(files, crc, quiet, i % 100 == 0);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long fdsAfter = TestFiles.openFds();
        long mapsAfter = TestFiles.mappings();
        System.out.printf("%d cycles in %d ms; fds %d -> %d, mappings %d -> %d%n", CYCLES, ms, fds, fdsAfter, maps,
                mapsAfter);
        // a leak per cycle would add 1,000 (a ring fd, a file fd) or 2,000 (two ring mappings) entries
        assertTrue(fdsAfter <= fds + 2, "descriptors grew from " + fds + " to " + fdsAfter);
        assertTrue(mapsAfter <= maps + 20, "mappings grew from " + maps + " to " + mapsAfter);
    }

    private static void cycle(List<IngestFile> files, long crc, Notices notices, boolean inspect)
            throws IOException {
        try (BufferPool pool = BufferPool.offHeap(4, 4096)) {
            UringChunkReader reader = UringChunkReader.open(pool, ReaderOptions.defaults(), notices);
            try {
                CollectingSink sink = new CollectingSink();
                reader.read(files, sink);
                assertEquals(crc, sink.outcome(0).crc());
                assertEquals(pool.count(), pool.available(), "a buffer was not given back");
                if (inspect) {
                    // the fixed-file table is emptied after each read: fdinfo lists no file in any slot
                    List<String> info = Files.readAllLines(Path.of("/proc/self/fdinfo/" + reader.ring().fd()));
                    int from = indexOfPrefix(info, "UserFiles:");
                    int to = indexOfPrefix(info, "UserBufs:");
                    if (from >= 0 && to > from) {
                        assertEquals(List.of(), info.subList(from + 1, to), "fixed slots still hold files");
                    }
                    assertTrue(pool.isRegisteredWith(reader.ring()));
                }
            } finally {
                reader.close();
            }
            assertTrue(!reader.ring().isOpen() && !pool.isRegisteredWith(reader.ring()));
        }
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
