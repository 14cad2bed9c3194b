package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The io_uring path returns exactly the bytes the FileChannel path returns, and both return exactly the bytes
 * that were written (CRC32C computed by the writer): files of 0, 1, 4095, 4096 and 4097 bytes, 64 MiB, and a tree
 * of 10,000 small files.
 */
class ReaderEquivalenceTest {

    @TempDir
    Path dir;

    private final List<String> notices = new ArrayList<>();

    @BeforeAll
    static void needsIoUring() {
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
    }

    private ChunkReader uring(BufferPool pool, ReaderOptions options) {
        return UringChunkReader.open(pool, options, Notices.to(notices::add));
    }

    private static ChunkReader channel(BufferPool pool) {
        return new ChannelChunkReader(pool, ReaderOptions.defaults(), "test");
    }

    private static CollectingSink read(ChunkReader reader, List<IngestFile> files) {
        CollectingSink sink = new CollectingSink();
        try (reader) {
            ReadSummary summary = reader.read(files, sink);
            assertEquals(files.size(), summary.files());
            assertEquals(sink.chunks, summary.chunks());
        }
        return sink;
    }

    static Stream<Arguments> configurations() {
        // buffer size, registered buffers, fixed files, O_DIRECT, queue depth
        return Stream.of(
                Arguments.of(4096, true, true, false, 64),
                Arguments.of(4096, false, false, false, 3),
                Arguments.of(65536, true, true, false, 64),
                Arguments.of(65536, false, true, true, 8),
                Arguments.of(8192, true, false, true, 1));
    }

    @ParameterizedTest(name = "buffer {0}, registered {1}, fixed files {2}, O_DIRECT {3}, depth {4}")
    @MethodSource("configurations")
    void edgeSizesReadTheSameOnBothPaths(int bufferSize, boolean register, boolean fixed, boolean direct, int depth)
            throws IOException {
        int[] sizes = {0, 1, 4095, 4096, 4097, 3 * bufferSize + 5};
        List<IngestFile> files = new ArrayList<>();
        long[] expected = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            Path p = dir.resolve("size-" + sizes[i]);
            expected[i] = TestFiles.write(p, sizes[i], 100 + i);
            files.add(new IngestFile(i, p));
        }
        ReaderOptions options = ReaderOptions.defaults().withRegisterBuffers(register).withFixedFiles(fixed)
                .withDirectIo(direct).withQueueDepth(depth);
        try (BufferPool pool = BufferPool.offHeap(8, bufferSize)) {
            CollectingSink viaUring = read(uring(pool, options), files);
            CollectingSink viaChannel = read(channel(pool), files);
            for (int i = 0; i < sizes.length; i++) {
                for (CollectingSink sink : List.of(viaUring, viaChannel)) {
                    CollectingSink.Outcome o = sink.outcome(i);
                    assertTrue(o.done(), () -> "failed: " + o.end());
                    assertEquals(sizes[i], o.length(), "size-" + sizes[i]);
                    assertEquals(expected[i], o.crc(), "size-" + sizes[i]);
                }
            }
            assertEquals(pool.count(), pool.available(), "every buffer came back");
        }
    }

    @Test
    void sixtyFourMebibytesReadTheSameOnBothPaths() throws IOException {
        Path big = dir.resolve("big");
        long size = 64L << 20;
        long expected = TestFiles.write(big, size, 64);
        List<IngestFile> files = List.of(new IngestFile(0, big));
        try (BufferPool pool = BufferPool.offHeap(16, 1 << 20)) {
            long t0 = System.nanoTime();
            CollectingSink viaUring = read(uring(pool, ReaderOptions.defaults()), files);
            long t1 = System.nanoTime();
            CollectingSink viaChannel = read(channel(pool), files);
            long t2 = System.nanoTime();
            for (CollectingSink sink : List.of(viaUring, viaChannel)) {
                assertTrue(sink.outcome(0).done());
                assertEquals(size, sink.outcome(0).length());
                assertEquals(expected, sink.outcome(0).crc());
            }
            assertEquals(64, viaUring.chunks);
            System.out.printf("64 MiB: io_uring %d ms, FileChannel %d ms (with copying and CRC)%n",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        }
    }

    @Test
    void aTreeOfTenThousandSmallFilesReadsTheSameOnBothPaths() throws IOException {
        Path root = dir.resolve("tree");
        Map<Path, Long> expected = new HashMap<>();
        Map<Path, Integer> sizes = new HashMap<>();
        SplittableRandom random = new SplittableRandom(10_000);
        for (int d = 0; d < 100; d++) {
            Path sub = Files.createDirectories(root.resolve("d" + d % 10).resolve("e" + d));
            for (int f = 0; f < 100; f++) {
                byte[] data = new byte[random.nextInt(3000)];
                random.nextBytes(data);
                Path p = sub.resolve("f" + f);
                Files.write(p, data);
                expected.put(p, TestFiles.crc(data));
                sizes.put(p, data.length);
            }
        }
        try (BufferPool pool = BufferPool.offHeap(32, 4096)) {
            for (ChunkReader reader : List.of(uring(pool, ReaderOptions.defaults()), channel(pool))) {
                CollectingSink sink = new CollectingSink();
                long t0 = System.nanoTime();
                ReadSummary summary;
                try (reader) {
                    summary = reader.readPaths(List.of(root), sink);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(new ReadSummary(10_000, 0, 0, summary.chunks(),
                        sizes.values().stream().mapToLong(Integer::longValue).sum()), summary);
                assertEquals(10_000, sink.outcomes.size());
                Map<Path, Long> seen = new HashMap<>();
                for (CollectingSink.Outcome o : sink.outcomes.values()) {
                    assertTrue(o.done(), () -> "failed: " + o.end());
                    seen.put(o.end().file().path(), o.crc());
                }
                assertEquals(expected, seen, reader.kind().toString());
                System.out.printf("10,000 files: %s %d ms%n", reader.kind(), ms);
            }
            assertEquals(pool.count(), pool.available());
        }
    }
}
