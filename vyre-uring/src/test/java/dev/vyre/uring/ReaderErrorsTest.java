package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad paths fail alone with clear, typed errors while the rest of the stream completes; a shrinking file ends at
 * its new size; a failing consumer stops the read without losing buffers or descriptors. Every test runs on both
 * paths.
 */
class ReaderErrorsTest {

    @TempDir
    Path dir;

    private ChunkReader open(ReaderKind kind, BufferPool pool, ReaderOptions options) {
        if (kind == ReaderKind.IO_URING) {
            UringProbe probe = UringProbe.run();
            assumeTrue(probe.available(), () -> "io_uring is not usable here: " + probe.reason());
            return UringChunkReader.open(pool, options, Notices.to(m -> { }));
        }
        return new ChannelChunkReader(pool, options, "test");
    }

    private static void assertClear(IngestFileException e, Path path, int errno) {
        assertEquals(path, e.path());
        assertEquals(errno, e.errno(), e.getMessage());
        String m = e.getMessage();
        assertTrue(m.contains(path.toString()), m);
        assertTrue(m.contains("file " + e.file().id()), m);
        assertTrue(m.contains(LinuxErrno.name(errno)), m);
        assertTrue(m.contains("Fix: ") && !e.fix().isBlank(), m);
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void badPathsFailAloneAndTheRestOfTheStreamCompletes(ReaderKind kind) throws IOException {
        Path good1 = dir.resolve("good1");
        Path good2 = dir.resolve("good2");
        long crc1 = TestFiles.write(good1, 10_000, 1);
        long crc2 = TestFiles.write(good2, 70_000, 2);
        Path missing = dir.resolve("missing");
        Path subdir = Files.createDirectory(dir.resolve("sub"));
        List<IngestFile> files = List.of(new IngestFile(0, good1), new IngestFile(1, missing),
                new IngestFile(2, subdir), new IngestFile(3, good2));
        try (BufferPool pool = BufferPool.offHeap(4, 8192); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults())) {
            CollectingSink sink = new CollectingSink();
            ReadSummary summary = reader.read(files, sink);
            assertEquals(4, summary.files());
            assertEquals(2, summary.failed());
            assertEquals(80_000, summary.bytes());
            assertEquals(crc1, sink.outcome(0).crc());
            assertEquals(crc2, sink.outcome(3).crc());
            assertClear(sink.outcome(1).error(), missing, LinuxErrno.ENOENT);
            IngestFileException isDir = sink.outcome(2).error();
            assertClear(isDir, subdir, LinuxErrno.EISDIR);
            assertTrue(isDir.getMessage().contains("is a directory"), isDir.getMessage());
            assertEquals(pool.count(), pool.available());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void anUnreadableFileFailsWithPermissionDenied(ReaderKind kind) throws IOException {
        Path secret = dir.resolve("secret");
        TestFiles.write(secret, 100, 3);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(secret), "running as root: mode 000 does not stop reading");
        Path good = dir.resolve("good");
        long crc = TestFiles.write(good, 5000, 4);
        try (BufferPool pool = BufferPool.offHeap(4, 4096); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults())) {
            CollectingSink sink = new CollectingSink();
            reader.read(List.of(new IngestFile(0, secret), new IngestFile(1, good)), sink);
            IngestFileException e = sink.outcome(0).error();
            assertClear(e, secret, LinuxErrno.EACCES);
            assertTrue(e.fix().contains("permission"), e.fix());
            assertEquals(crc, sink.outcome(1).crc());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aFileThatShrinksWhileReadEndsAtItsNewSize(ReaderKind kind) throws IOException {
        Path file = dir.resolve("shrinks");
        byte[] original = TestFiles.bytes(5, 8 * 4096);
        Files.write(file, original);
        int newSize = 10_000;
        try (BufferPool pool = BufferPool.offHeap(8, 4096); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults().withQueueDepth(2))) {
            CollectingSink collect = new CollectingSink();
            ChunkSink truncating = event -> {
                if (event instanceof IngestEvent.Chunk && collect.chunks == 0) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(newSize);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                collect.accept(event);
            };
            ReadSummary summary = reader.read(List.of(new IngestFile(0, file)), truncating);
            IngestEvent.FileDone done = (IngestEvent.FileDone) collect.outcome(0).end();
            assertTrue(done.shrunk());
            assertEquals(original.length, done.expectedBytes());
            assertEquals(newSize, done.bytes());
            assertEquals(TestFiles.crc(Arrays.copyOf(original, newSize)), collect.outcome(0).crc());
            assertEquals(1, summary.shrunk());
            assertEquals(0, summary.failed());
            assertEquals(pool.count(), pool.available());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aThrowingSinkStopsTheReadWithoutLosingBuffersOrDescriptors(ReaderKind kind) throws IOException {
        List<IngestFile> files = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Path p = dir.resolve("f" + i);
            TestFiles.write(p, 3 * 4096 + i, i);
            files.add(new IngestFile(i, p));
        }
        try (BufferPool pool = BufferPool.offHeap(6, 4096); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults())) {
            long fdsBefore = TestFiles.openFds();
            RuntimeException boom = new IllegalStateException("consumer failed");
            int[] seen = {0};
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> reader.read(files, event -> {
                if (event instanceof IngestEvent.Chunk c) {
                    c.release();
                    if (++seen[0] == 7) {
                        throw boom;
                    }
                }
            }));
            assertSame(boom, thrown);
            assertEquals(pool.count(), pool.available(), "in-flight reads were waited for and their buffers freed");
            assertEquals(fdsBefore, TestFiles.openFds(), "every file opened for the read was closed");
            // the reader is still usable
            CollectingSink sink = new CollectingSink();
            assertEquals(20, reader.read(files, sink).files());
            for (IngestFile f : files) {
                assertEquals(3 * 4096 + f.id(), sink.outcome(f.id()).length());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aConsumerThatKeepsEveryBufferGetsATimeoutNotAHang(ReaderKind kind) throws IOException {
        Path file = dir.resolve("long");
        TestFiles.write(file, 10 * 4096, 6);
        try (BufferPool pool = BufferPool.offHeap(2, 4096); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults().withBufferWait(Duration.ofMillis(200)))) {
            List<IngestEvent.Chunk> kept = new ArrayList<>();
            IngestException e = assertThrows(IngestException.class, () -> reader.read(
                    List.of(new IngestFile(0, file)), event -> {
                        if (event instanceof IngestEvent.Chunk c) {
                            kept.add(c);
                        }
                    }));
            assertTrue(e.getMessage().contains("release"), e.getMessage());
            assertEquals(2, kept.size());
            assertEquals(0, pool.available());
            kept.forEach(IngestEvent.Chunk::release);
            assertEquals(2, pool.available());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void aQueueConsumerOnAnotherThreadGetsBackpressureAndEveryByte(ReaderKind kind) throws Exception {
        Path file = dir.resolve("queued");
        long crc = TestFiles.write(file, 40 * 4096 + 17, 7);
        try (BufferPool pool = BufferPool.offHeap(3, 4096); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults())) {
            BlockingQueue<IngestEvent> queue = new ArrayBlockingQueue<>(2);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread consumer = Thread.ofPlatform().start(() -> {
                byte[] assembled = new byte[40 * 4096 + 17];
                try {
                    while (true) {
                        IngestEvent event = queue.take();
                        if (event instanceof IngestEvent.Chunk c) {
                            byte[] part = c.data().toArray(ValueLayout.JAVA_BYTE);
                            System.arraycopy(part, 0, assembled, (int) c.fileOffset(), part.length);
                            c.release();
                        } else {
                            CRC32C sum = new CRC32C();
                            sum.update(assembled);
                            result.set(sum.getValue());
                            return;
                        }
                    }
                } catch (InterruptedException | RuntimeException ex) {
                    result.set(ex);
                }
            });
            ReadSummary summary = reader.read(List.of(new IngestFile(0, file)), ChunkSink.into(queue));
            consumer.join(10_000);
            assertFalse(consumer.isAlive());
            assertEquals(crc, result.get());
            assertEquals(41, summary.chunks());
        }
    }

    @ParameterizedTest
    @EnumSource(ReaderKind.class)
    void directoriesAndBadRootsExpandWithPerPathErrors(ReaderKind kind) throws IOException {
        Path root = dir.resolve("root");
        long crcA = TestFiles.write(root.resolve("a"), 300, 8);
        long crcB = TestFiles.write(root.resolve("x/y/b"), 9000, 9);
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("nowhere"));
        Path missingRoot = dir.resolve("no-such-root");
        try (BufferPool pool = BufferPool.offHeap(4, 4096); ChunkReader reader = open(kind, pool,
                ReaderOptions.defaults())) {
            CollectingSink sink = new CollectingSink();
            ReadSummary summary = reader.readPaths(List.of(root, missingRoot), sink);
            assertEquals(4, summary.files());
            assertEquals(2, summary.failed());
            // ids: root's entries in path order (a, dangling, x/y/b), then the missing root
            assertEquals(crcA, sink.outcome(0).crc());
            assertClear(sink.outcome(1).error(), root.resolve("dangling"), LinuxErrno.ENOENT);
            assertEquals(crcB, sink.outcome(2).crc());
            assertClear(sink.outcome(3).error(), missingRoot, LinuxErrno.ENOENT);
        }
    }
}
