package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.FaultCode;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.runtime.stream.StreamFixtures.Via;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.LinuxErrno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Per-file errors are reported against their file while the other files are streamed to the end. */
class GpuStreamErrorsTest {
    private static final int CHUNK = 4096;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Via.class)
    void badFilesFailAloneAndAShrinkingFileEndsAtItsNewSize(Via via) throws IOException {
        Kernels.assumeInterpreter();
        byte[] a = StreamFixtures.write(dir.resolve("a"), 9000, 1);
        Path missing = dir.resolve("missing");
        Path directory = Files.createDirectories(dir.resolve("a-directory"));
        Path shrinking = dir.resolve("shrinking");
        byte[] original = StreamFixtures.write(shrinking, 3 * CHUNK, 2);
        int newSize = 5000;
        byte[] b = StreamFixtures.write(dir.resolve("b"), CHUNK + 1, 3);
        List<IngestFile> files = List.of(new IngestFile(0, dir.resolve("a")), new IngestFile(1, missing),
                new IngestFile(2, directory), new IngestFile(3, shrinking), new IngestFile(4, dir.resolve("b")));
        Collector chunks = new Collector();
        // one buffer: the shrinking file's second chunk is read only after its first chunk's callback truncated it
        try (Megakernel k = StreamFixtures.kernel(8, 1, GpuStream.dataBytes(1, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(1)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(r -> {
                         if (r.file().id() == 3 && r.fileOffset() == 0) {
                             truncate(shrinking, newSize);
                         }
                         chunks.accept(r);
                     }).build()) {
            StreamReport report = s.streamFiles(files);
            assertTrue(report.file(0).ok());
            StreamFixtures.checkChunks(chunks.of(0), a, CHUNK, 0);
            assertTrue(report.file(4).ok());
            StreamFixtures.checkChunks(chunks.of(4), b, CHUNK, 0);

            assertFailed(report.file(1), missing, LinuxErrno.ENOENT);
            assertFailed(report.file(2), directory, LinuxErrno.EISDIR);

            FileReport shrunk = report.file(3);
            assertTrue(shrunk.ok() && shrunk.shrunk(), shrunk::toString);
            assertEquals(original.length, shrunk.expectedBytes());
            assertEquals(newSize, shrunk.bytes());
            StreamFixtures.checkChunks(chunks.of(3), Arrays.copyOf(original, newSize), CHUNK, 0);

            assertEquals(2, report.failed().size());
            assertEquals(s.pool().count(), s.pool().available());
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aFileWithoutReadPermissionFailsAlone(Via via) throws IOException {
        Kernels.assumeInterpreter();
        Path secret = dir.resolve("secret");
        StreamFixtures.write(secret, 100, 4);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(secret), "running as root: mode 000 does not stop reading");
        byte[] good = StreamFixtures.write(dir.resolve("good"), 5000, 5);
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(8, 1, GpuStream.dataBytes(2, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(2)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .build()) {
            StreamReport report = s.stream(List.of(secret, dir.resolve("good")));
            assertFailed(report.file(0), secret, LinuxErrno.EACCES);
            assertTrue(report.file(1).ok());
            StreamFixtures.checkChunks(chunks.of(1), good, CHUNK, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void rootsThatCannotBeListedFailAlone(Via via) throws IOException {
        Kernels.assumeInterpreter();
        Path root = dir.resolve("root");
        byte[] first = StreamFixtures.write(root.resolve("a"), 300, 8);
        byte[] second = StreamFixtures.write(root.resolve("x/y/b"), 9000, 9);
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("nowhere"));
        Path missingRoot = dir.resolve("no-such-root");
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(8, 1, GpuStream.dataBytes(4, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).buffers(4)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .build()) {
            StreamReport report = s.stream(List.of(root, missingRoot));
            // ids: the root's entries in path order (a, dangling, x/y/b), then the missing root
            assertEquals(4, report.files().size());
            StreamFixtures.checkChunks(chunks.of(0), first, CHUNK, 0);
            assertEquals(LinuxErrno.ENOENT, report.file(1).error().errno());
            assertEquals(root.resolve("dangling"), report.file(1).error().path());
            StreamFixtures.checkChunks(chunks.of(2), second, CHUNK, 0);
            assertEquals(LinuxErrno.ENOENT, report.file(3).error().errno());
            assertEquals(missingRoot, report.file(3).error().path());
            assertEquals(9300, report.bytes());
        }
    }

    @Test
    void handlerFaultsAreCountedAgainstTheirFile() throws IOException {
        Kernels.assumeInterpreter();
        int op = 0x300;
        // faults (step budget) on the chunks of file 1, succeeds elsewhere
        Program handler = Program.of(Program.WorkgroupSize.of(1), ChunkHandlers.buffers(ScalarType.BYTES), List.of(
                new Node.If(Expr.bin(BinaryOp.EQ, Expr.load(HandlerTable.ARGS, Expr.u32(ChunkSlot.FILE_ID)),
                        Expr.u32(1)), List.of(new Node.Loop(List.of())), List.of()),
                new Node.Store(HandlerTable.ARGS, Expr.u32(ChunkSlot.RESULT_FIRST), Expr.u32(7))));
        StreamFixtures.write(dir.resolve("ok"), 3 * CHUNK, 1);
        StreamFixtures.write(dir.resolve("faulting"), 2 * CHUNK + 1, 2);
        try (Megakernel k = StreamFixtures.kernelWith(op, handler, GpuStream.dataBytes(4, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(op).chunkSize(CHUNK).buffers(4)
                     .notices(StreamFixtures.quiet()).build()) {
            StreamReport report = s.streamFiles(List.of(new IngestFile(0, dir.resolve("ok")),
                    new IngestFile(1, dir.resolve("faulting"))));
            assertTrue(report.file(0).ok());
            assertEquals(3, report.file(0).chunks());
            FileReport bad = report.file(1);
            assertFalse(bad.ok());
            assertNull(bad.error(), "the file itself was read");
            assertEquals(3, bad.faults());
            assertEquals(3, bad.chunks());
            assertNotNull(bad.firstFault());
            assertEquals(FaultCode.STEP_BUDGET, bad.firstFault().fault());
            assertEquals(3, report.faults());
        }
    }

    private static void assertFailed(FileReport f, Path path, int errno) {
        assertTrue(f.failed() && f.ended() && !f.ok(), f::toString);
        assertEquals(0, f.chunks());
        assertEquals(0, f.bytes());
        assertEquals(path, f.error().path());
        assertEquals(errno, f.error().errno());
        assertTrue(f.error().getMessage().contains(path.toString()) && f.error().getMessage().contains("Fix:"),
                f.error().getMessage());
    }

    private static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
