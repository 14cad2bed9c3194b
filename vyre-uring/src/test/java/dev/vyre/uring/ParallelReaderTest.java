package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several readers over one pool ({@link ReaderOptions#readers()} above 1) return exactly the bytes a single
 * FileChannel reader returns and the writer wrote (CRC32C), deliver events one at a time with each file's events
 * from one thread, keep per-file errors, stop together when one fails, and leak nothing over open/close cycles.
 * Every behaviour test runs on both paths (io_uring tests skip where the probe refuses).
 */
class ParallelReaderTest {

    @TempDir
    Path dir;

    private static final Notices QUIET = Notices.to(m -> { });

    private static ReaderOptions options(ReaderKind kind, int readers) {
        return ReaderOptions.defaults().withReaders(readers).withMode(kind == ReaderKind.IO_URING
                ? ReaderOptions.Mode.URING : ReaderOptions.Mode.FILE_CHANNEL);
    }

    private static ChunkReader open(ReaderKind kind, BufferPool pool, ReaderOptions options) {
        if (kind == ReaderKind.IO_URING) {
            UringProbe probe = UringProbe.run();
            assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
        }
        ChunkReader reader = ChunkReaders.open(pool, options, QUIET, UringProbe::run);
        assertEquals(kind, reader.kind());
        return reader;
    }

    /** A sink that checks no two events overlap and that each file's events all come from one thread. */
    private static final class SerialCheckingSink implements ChunkSink {
        final CollectingSink collect = new CollectingSink();
        final AtomicBoolean inside = new AtomicBoolean();
        final Map<Integer, Thread> threadOf = new HashMap<>();

        @Override
        public void accept(IngestEvent event) {
            assertTrue(inside.compareAndSet(false, true), "two events were delivered at once");
            try {
                Thread t = Thread.currentThread();
                assertSame(threadOf.computeIfAbsent(event.file().id(), k -> t), t,
                        () -> event.file() + " has events from two threads");
                collect.accept(event);
            } finally {
                inside.set(false);
            }
        }
    }

    static Stream<Arguments> configurations() {
        return Stream.of(ReaderKind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, 2, 4096, 8),
                Arguments.of(kind, 3, 65536, 8),
                Arguments.of(kind, 4, 8192, 16)));
    }

    @ParameterizedTest(name = "{0}, {1} readers, buffer {2}, {3} buffers")
    @MethodSource("configurations")
    void parallelReadersReturnTheBytesFileChannelReturns(ReaderKind kind, int readers, int bufferSize, int buffers)
            throws IOException {
        int[] sizes = {0, 1, 4095, 4096, 4097, 3 * bufferSize + 5};
        List<IngestFile> files = new ArrayList<>();
        Map<Integer, Long> written = new HashMap<>();
        for (int copy = 0; copy < 4; copy++) {
            for (int size : sizes) {
                int id = files.size();
                Path p = dir.resolve("c" + copy + "-size-" + size);
                written.put(id, TestFiles.write(p, size, 1000 + id));
                files.add(new IngestFile(id, p));
            }
        }
        try (BufferPool pool = BufferPool.offHeap(buffers, bufferSize)) {
            SerialCheckingSink parallel = new SerialCheckingSink();
            ReadSummary summary;
            try (ChunkReader reader = open(kind, pool, options(kind, readers))) {
                assertInstanceOf(ParallelChunkReader.class, reader);
                assertEquals(readers, ((ParallelChunkReader) reader).size());
                assertTrue(reader.description().startsWith(readers + " parallel readers"), reader.description());
                summary = reader.read(files, parallel);
            }
            CollectingSink single = new CollectingSink();
            try (ChunkReader reader = new ChannelChunkReader(pool, ReaderOptions.defaults(), "reference")) {
                reader.read(files, single);
            }
            assertEquals(files.size(), summary.files());
            assertEquals(0, summary.failed());
            assertEquals(parallel.collect.chunks, summary.chunks());
            for (IngestFile f : files) {
                CollectingSink.Outcome got = parallel.collect.outcome(f.id());
                assertTrue(got.done(), () -> "failed: " + got.end());
                assertEquals(single.outcome(f.id()).length(), got.length(), f.toString());
                assertEquals(single.outcome(f.id()).crc(), got.crc(), f.toString());
                assertEquals(written.get(f.id()), got.crc(), f.toString());
            }
            assertEquals(pool.count(), pool.available(), "every buffer came back");
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aTreeReadsTheSameWithFourReaders(ReaderKind kind) throws IOException {
        Path root = dir.resolve("tree");
        Map<Path, Long> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(2_000);
        for (int d = 0; d < 20; d++) {
            Path sub = Files.createDirectories(root.resolve("d" + d % 4).resolve("e" + d));
            for (int f = 0; f < 100; f++) {
                byte[] data = new byte[random.nextInt(3000)];
                random.nextBytes(data);
                Path p = sub.resolve("f" + f);
                Files.write(p, data);
                expected.put(p, TestFiles.crc(data));
            }
        }
        try (BufferPool pool = BufferPool.offHeap(16, 4096);
             ChunkReader reader = open(kind, pool, options(kind, 4))) {
            SerialCheckingSink sink = new SerialCheckingSink();
            ReadSummary summary = reader.readPaths(List.of(root), sink);
            assertEquals(2_000, summary.files());
            assertEquals(0, summary.failed());
            Map<Path, Long> seen = new HashMap<>();
            for (CollectingSink.Outcome o : sink.collect.outcomes.values()) {
                assertTrue(o.done(), () -> "failed: " + o.end());
                seen.put(o.end().file().path(), o.crc());
            }
            assertEquals(expected, seen);
            assertEquals(pool.count(), pool.available());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void perFileErrorsStayPerFileWithParallelReaders(ReaderKind kind) throws IOException {
        List<IngestFile> files = new ArrayList<>();
        Map<Integer, Long> good = new HashMap<>();
        Path missing = dir.resolve("missing");
        Path subdir = Files.createDirectory(dir.resolve("sub"));
        for (int i = 0; i < 12; i++) {
            int id = files.size();
            Path p = dir.resolve("good" + i);
            good.put(id, TestFiles.write(p, 20_000 + 1000L * i, i));
            files.add(new IngestFile(id, p));
            if (i % 4 == 1) {
                files.add(new IngestFile(files.size(), missing));
            } else if (i % 4 == 3) {
                files.add(new IngestFile(files.size(), subdir));
            }
        }
        try (BufferPool pool = BufferPool.offHeap(8, 4096); ChunkReader reader = open(kind, pool, options(kind, 3))) {
            SerialCheckingSink sink = new SerialCheckingSink();
            ReadSummary summary = reader.read(files, sink);
            assertEquals(files.size(), summary.files());
            assertEquals(6, summary.failed());
            for (IngestFile f : files) {
                CollectingSink.Outcome o = sink.collect.outcome(f.id());
                if (good.containsKey(f.id())) {
                    assertEquals(good.get(f.id()), o.crc(), f.toString());
                } else {
                    IngestFileException e = o.error();
                    assertEquals(f.path(), e.path());
                    int errno = f.path().equals(missing) ? LinuxErrno.ENOENT : LinuxErrno.EISDIR;
                    assertEquals(errno, e.errno(), e.getMessage());
                    assertTrue(e.getMessage().contains("file " + f.id()) && e.getMessage().contains("Fix: "),
                            e.getMessage());
                }
            }
            assertEquals(pool.count(), pool.available());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aThrowingSinkStopsEveryReaderAndTheReaderIsReusable(ReaderKind kind) throws IOException {
        List<IngestFile> files = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Path p = dir.resolve("f" + i);
            TestFiles.write(p, 5 * 4096 + i, i);
            files.add(new IngestFile(i, p));
        }
        try (BufferPool pool = BufferPool.offHeap(12, 4096); ChunkReader reader = open(kind, pool, options(kind, 4))) {
            long fdsBefore = TestFiles.openFds();
            RuntimeException boom = new IllegalStateException("consumer failed");
            int[] seen = {0};
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> reader.read(files, event -> {
                if (event instanceof IngestEvent.Chunk c) {
                    c.release();
                    if (++seen[0] == 9) {
                        throw boom;
                    }
                }
            }));
            assertSame(boom, thrown, "the sink's own exception comes out, not the readers' stop signal");
            assertTrue(seen[0] < 40 * 6, "the readers stopped early: " + seen[0] + " chunks");
            assertEquals(pool.count(), pool.available(), "in-flight reads were waited for and their buffers freed");
            assertEquals(fdsBefore, TestFiles.openFds(), "every file opened for the read was closed");
            SerialCheckingSink sink = new SerialCheckingSink();
            assertEquals(40, reader.read(files, sink).files());
            for (IngestFile f : files) {
                assertEquals(5 * 4096 + f.id(), sink.collect.outcome(f.id()).length());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aConsumerThatKeepsEveryBufferGetsATimeoutFromEveryReader(ReaderKind kind) throws IOException {
        List<IngestFile> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path p = dir.resolve("long" + i);
            TestFiles.write(p, 10 * 4096, i);
            files.add(new IngestFile(i, p));
        }
        try (BufferPool pool = BufferPool.offHeap(4, 4096); ChunkReader reader = open(kind, pool,
                options(kind, 2).withBufferWait(Duration.ofMillis(200)))) {
            List<IngestEvent.Chunk> kept = new ArrayList<>();
            long t0 = System.nanoTime();
            IngestException e = assertThrows(IngestException.class, () -> reader.read(files, event -> {
                if (event instanceof IngestEvent.Chunk c) {
                    kept.add(c);
                }
            }));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "gave up within seconds");
            assertTrue(e.getMessage().contains("release"), e.getMessage());
            assertEquals(4, kept.size());
            assertEquals(0, pool.available());
            kept.forEach(IngestEvent.Chunk::release);
            assertEquals(4, pool.available());
        }
    }

    @Test
    void openCloseCyclesWithParallelRingsLeakNothing() throws IOException {
        assumeTrue(TestFiles.isLinux() && Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self");
        UringProbe probe = UringProbe.run();
        assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
        List<IngestFile> files = new ArrayList<>();
        Map<Integer, Long> crcs = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            Path p = dir.resolve("f" + i);
            crcs.put(i, TestFiles.write(p, 3 * 4096 - i, 30 + i));
            files.add(new IngestFile(i, p));
        }
        files.add(new IngestFile(6, dir.resolve("missing")));
        for (int i = 0; i < 10; i++) {
            cycle(files, crcs); // warm up class loading, JIT, malloc arenas and thread stacks
        }
        long fds = TestFiles.openFds();
        long maps = TestFiles.mappings();
        for (int i = 0; i < 200; i++) {
            cycle(files, crcs);
        }
        long fdsAfter = TestFiles.openFds();
        long mapsAfter = TestFiles.mappings();
        // a leak per cycle would add at least 200 (a ring per reader, a file) entries
        assertTrue(fdsAfter <= fds + 2, "descriptors grew from " + fds + " to " + fdsAfter);
        assertTrue(mapsAfter <= maps + 30, "mappings grew from " + maps + " to " + mapsAfter);
    }

    private static void cycle(List<IngestFile> files, Map<Integer, Long> crcs) {
        try (BufferPool pool = BufferPool.offHeap(6, 4096)) {
            ChunkReader reader = ChunkReaders.open(pool, ReaderOptions.defaults().withReaders(3)
                    .withMode(ReaderOptions.Mode.URING), QUIET, UringProbe::run);
            try {
                assertEquals(3, ((ParallelChunkReader) reader).size());
                assertTrue(reader.description().contains("registered buffers (READ_FIXED)"), reader.description());
                CollectingSink sink = new CollectingSink();
                ReadSummary summary = reader.read(files, sink);
                assertEquals(1, summary.failed());
                crcs.forEach((id, crc) -> assertEquals(crc, sink.outcome(id).crc()));
                assertEquals(pool.count(), pool.available(), "a buffer was not given back");
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void readerCountsAreCheckedAndBoundedByThePool() {
        assertThrows(IngestException.class, () -> ReaderOptions.defaults().withReaders(0));
        IngestException tooMany = assertThrows(IngestException.class,
                () -> ReaderOptions.defaults().withReaders(ReaderOptions.MAX_READERS + 1));
        assertTrue(tooMany.getMessage().contains("Fix: "), tooMany.getMessage());
        int cores = Runtime.getRuntime().availableProcessors();
        int def = ReaderOptions.defaultReaders();
        assertEquals(Math.max(1, Math.min(ReaderOptions.DEFAULT_READERS_CAP, cores / 2)), def);
        assertEquals(def, ReaderOptions.defaults().readers());
        try (BufferPool three = BufferPool.offHeap(3, 64); BufferPool eight = BufferPool.offHeap(8, 64)) {
            assertEquals(1, ChunkReaders.readers(ReaderOptions.defaults().withReaders(8), three));
            assertEquals(4, ChunkReaders.readers(ReaderOptions.defaults().withReaders(8), eight));
            assertEquals(2, ChunkReaders.readers(ReaderOptions.defaults().withReaders(2), eight));
            ChunkReader single = ChunkReaders.open(three, options(ReaderKind.FILE_CHANNEL, 8), QUIET,
                    UringProbe::run);
            assertFalse(single instanceof ParallelChunkReader, "a pool of 3 buffers is read by one reader");
            single.close();
        }
    }

    @Test
    void aParallelReaderRefusesAReadWhileReadingAndAfterClose() throws IOException {
        Path p = dir.resolve("one");
        TestFiles.write(p, 3 * 4096, 9);
        List<IngestFile> files = List.of(new IngestFile(0, p));
        try (BufferPool pool = BufferPool.offHeap(4, 4096)) {
            ChunkReader reader = ChunkReaders.open(pool, options(ReaderKind.FILE_CHANNEL, 2), QUIET, UringProbe::run);
            IngestException nested = assertThrows(IngestException.class, () -> reader.read(files, event -> {
                if (event instanceof IngestEvent.Chunk c) {
                    c.release();
                }
                reader.read(files, e -> { });
            }));
            assertTrue(nested.getMessage().contains("already reading"), nested.getMessage());
            assertEquals(pool.count(), pool.available());
            reader.close();
            reader.close();
            assertThrows(IngestException.class, () -> reader.read(files, e -> { }));
        }
    }
}
