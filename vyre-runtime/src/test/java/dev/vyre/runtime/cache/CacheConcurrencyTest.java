package dev.vyre.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers and readers sharing one cache directory, as threads and as separate JVMs, on the same and on different
 * keys: no read ever sees a partial or corrupt entry (the temporary file and atomic rename), and the directory ends
 * with exactly one valid file per key and no temporary files.
 */
class CacheConcurrencyTest {
    private static final int ROUNDS = 25;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void threadsWithTheirOwnStoresNeverReadAPartialEntry() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                String id = "t" + t;
                results.add(pool.submit(() -> CacheWriterChild.run(DiskStore.open(dir), id, ROUNDS)));
            }
            for (Future<Integer> f : results) {
                assertEquals(0, f.get(), "bad reads in a writer thread");
            }
        } finally {
            pool.shutdownNow();
        }
        assertDirectoryConsistent(6, "t");
    }

    @Test
    @Timeout(120)
    void childProcessesAndThisProcessShareTheDirectory() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                    CacheWriterChild.class.getName(), dir.toString(), "p" + c, Integer.toString(ROUNDS))
                    .redirectErrorStream(true).start());
        }
        int bad = CacheWriterChild.run(DiskStore.open(dir), "p2", ROUNDS);
        for (Process p : children) {
            assertTrue(p.waitFor(100, TimeUnit.SECONDS), "child JVM did not finish");
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), "child JVM reported bad reads:\n" + out);
        }
        assertEquals(0, bad, "bad reads in this process");
        assertDirectoryConsistent(3, "p");
    }

    private void assertDirectoryConsistent(int writers, String prefix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertTrue(all.stream().noneMatch(p -> p.toString().endsWith(".tmp")), "temporary files left: " + all);
            assertEquals(6 + writers * 10, all.size(), "one file per key: " + all);
        }
        DiskStore store = DiskStore.open(dir);
        for (int s = 0; s < 6; s++) {
            assertFound(store, CacheFixtures.key("shared-" + s), EntryKind.CUBIN);
        }
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < 10; i++) {
                assertFound(store, CacheFixtures.key("own-" + prefix + w + "-" + i), EntryKind.PTX);
            }
        }
    }

    private static void assertFound(DiskStore store, Fingerprint k, EntryKind kind) throws Exception {
        if (!(store.read(k, kind) instanceof DiskStore.Read.Found(CacheEntry e))) {
            throw new AssertionError("entry " + k + " " + kind + " is not a valid file");
        }
        assertArrayEquals(CacheFixtures.payload(k), e.payload());
    }
}
