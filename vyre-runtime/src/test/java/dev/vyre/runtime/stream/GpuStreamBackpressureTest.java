package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.runtime.stream.StreamFixtures.Via;
import dev.vyre.uring.IngestFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A tiny pool and a tiny ring: the reader waits for buffers, the publisher for ring slots, and still every chunk's
 * bytes are intact when its handler runs (a buffer reused too early would change a checksum).
 */
class GpuStreamBackpressureTest {
    private static final int CHUNK = 512;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {1} buffers, {2} ring slots, overlap {3}")
    @CsvSource({"FILE_CHANNEL, 2, 2, 0", "FILE_CHANNEL, 2, 2, 64", "URING, 2, 2, 64", "URING, 2, 16, 512",
            "URING, 16, 2, 0", "FILE_CHANNEL, 1, 1, 0", "URING, 1, 1, 0"})
    void tinyPoolAndRingStillDeliverEveryByte(Via via, int buffers, int slots, int overlap) throws IOException {
        Kernels.assumeInterpreter();
        int[] sizes = {300 * CHUNK + 7, 0, 5 * CHUNK, 1, 40 * CHUNK - 1};
        List<byte[]> contents = new ArrayList<>();
        List<IngestFile> files = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            Path p = dir.resolve("f" + i);
            contents.add(StreamFixtures.write(p, sizes[i], 1000L * buffers + 10L * slots + i));
            files.add(new IngestFile(i, p));
        }
        Collector chunks = new Collector();
        try (Megakernel k = StreamFixtures.kernel(slots, 1, GpuStream.dataBytes(buffers, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(overlap).buffers(buffers)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .build()) {
            StreamReport report = s.stream(files.stream().map(IngestFile::path).toList());
            for (int i = 0; i < sizes.length; i++) {
                assertTrue(report.file(i).ok(), report.file(i)::toString);
                StreamFixtures.checkChunks(chunks.of(i), contents.get(i), CHUNK, overlap);
            }
            Set<Integer> used = new HashSet<>();
            chunks.results.forEach(r -> used.add(r.slot().buffer()));
            assertTrue(used.stream().allMatch(b -> b >= 0 && b < buffers), "only the pool's buffers: " + used);
            assertTrue(report.chunks() > 10L * buffers, "every buffer was reused many times");
            assertEquals(buffers, s.pool().available(), "every buffer is back");
        }
    }
}
