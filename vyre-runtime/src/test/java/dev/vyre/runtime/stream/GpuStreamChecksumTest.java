package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.runtime.stream.StreamFixtures.Via;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.ReaderKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bytes each slot's handler sees, checksummed by a VIR0 handler in the megakernel, equal the files' bytes:
 * through io_uring and through the FileChannel fallback, with and without overlap.
 */
class GpuStreamChecksumTest {
    private static final int CHUNK = 4096;
    private static final int[] SIZES = {0, 1, 4095, 4096, 4097, 3 * 4096 + 5, (3 << 20) + 5};

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Via.class)
    void everyChunkHashesToTheFilesBytes(Via via) throws IOException {
        Kernels.assumeInterpreter();
        run(via, 0);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void overlapCarriesTheNextChunksFirstBytes(Via via) throws IOException {
        Kernels.assumeInterpreter();
        run(via, 100);
        run(via, CHUNK);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void wordSumHandlerAddsEachChunksLittleEndianWords(Via via) throws IOException {
        Kernels.assumeInterpreter();
        int[] sizes = {0, 1, 2, 3, 4, 5, 7, 4095, 4096, 4097, (1 << 20) + 3};
        List<IngestFile> files = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            Path p = dir.resolve("w" + i);
            contents.add(StreamFixtures.write(p, sizes[i], 77 + i));
            files.add(new IngestFile(i, p));
        }
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(64, 2, GpuStream.dataBytes(8, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(StreamFixtures.WORD_SUM).chunkSize(CHUNK).buffers(8)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .build()) {
            StreamReport report = s.streamFiles(files);
            for (int i = 0; i < sizes.length; i++) {
                assertTrue(report.file(i).ok());
                byte[] data = contents.get(i);
                List<ChunkResult> of = chunks.of(i);
                assertEquals((sizes[i] + CHUNK - 1) / CHUNK, of.size());
                for (ChunkResult r : of) {
                    int sum = 0;
                    for (int b = 0; b < r.length(); b++) {
                        sum += (data[(int) r.fileOffset() + b] & 0xFF) << (8 * (b % 4));
                    }
                    assertEquals(sum, r.result(0), "word sum of the chunk at " + r.fileOffset() + " of file " + i);
                    assertEquals(r.length(), r.result(1));
                }
            }
        }
    }

    private void run(Via via, int overlap) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        List<IngestFile> files = new ArrayList<>();
        for (int i = 0; i < SIZES.length; i++) {
            Path p = dir.resolve("o" + overlap + "-f" + i);
            contents.add(StreamFixtures.write(p, SIZES[i], 31L * i + overlap));
            files.add(new IngestFile(i, p));
        }
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(64, 2, GpuStream.dataBytes(16, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(overlap).buffers(16)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .build()) {
            assertEquals(via == Via.URING ? ReaderKind.IO_URING : ReaderKind.FILE_CHANNEL, s.readerKind());
            StreamReport report = s.streamFiles(files);
            assertEquals(s.pool().count(), s.pool().available(), "every buffer is back after the run");
            assertTrue(!report.stopped());
            long total = 0;
            for (int i = 0; i < SIZES.length; i++) {
                FileReport f = report.file(i);
                assertTrue(f.ok(), f::toString);
                assertEquals(SIZES[i], f.bytes());
                assertEquals(SIZES[i], f.expectedBytes());
                assertEquals((SIZES[i] + CHUNK - 1) / CHUNK, f.chunks());
                StreamFixtures.checkChunks(chunks.of(i), contents.get(i), CHUNK, overlap);
                total += SIZES[i];
            }
            assertEquals(total, report.bytes());
            assertEquals(report.chunks(), chunks.results.size());
        }
    }
}
