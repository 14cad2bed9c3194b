package dev.vyre.runtime.stream;

import static dev.vyre.runtime.stream.StreamFixtures.FNV;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.stream.StreamFixtures.Collector;
import dev.vyre.runtime.stream.StreamFixtures.Via;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A directory tree of 1,000 small files streamed from its root: every file's bytes reach its handler. */
class GpuStreamTreeTest {
    private static final int FILES = 1000;
    private static final int CHUNK = 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Via.class)
    void aTreeOfSmallFilesStreamsFromItsRoot(Via via) throws IOException {
        Kernels.assumeInterpreter();
        Map<Path, byte[]> contents = new HashMap<>();
        SplittableRandom sizes = new SplittableRandom(7);
        for (int i = 0; i < FILES; i++) {
            Path p = dir.resolve("d" + i % 7).resolve("e" + i % 3).resolve("file-" + i);
            contents.put(p, StreamFixtures.write(p, sizes.nextInt(3001), i));
        }
        Collector chunks = new Collector();
        List<StreamProgress> progress = new ArrayList<>();
        try (Megakernel k = StreamFixtures.kernel(32, 2, GpuStream.dataBytes(8, CHUNK));
             GpuStream s = GpuStream.builder(k).opcode(FNV).chunkSize(CHUNK).overlap(32).buffers(8)
                     .readerOptions(StreamFixtures.reader(via)).notices(StreamFixtures.quiet()).onChunk(chunks)
                     .onProgress(progress::add).build()) {
            StreamReport report = s.stream(List.of(dir));
            assertEquals(FILES, report.files().size());
            assertFalse(report.stopped());
            long bytes = 0;
            for (FileReport f : report.files()) {
                byte[] data = contents.get(f.file().path());
                assertTrue(f.ok(), f::toString);
                assertEquals(data.length, f.bytes());
                StreamFixtures.checkChunks(chunks.of(f.file().id()), data, CHUNK, 32);
                bytes += data.length;
            }
            assertEquals(bytes, report.bytes());
            assertEquals(s.pool().count(), s.pool().available());
        }
        StreamProgress last = progress.getLast();
        assertEquals(new StreamProgress(FILES, FILES, chunks.results.size(), contents.values().stream()
                .mapToLong(b -> b.length).sum()), last, "the last progress report counts everything");
        for (int i = 1; i < progress.size(); i++) {
            StreamProgress a = progress.get(i - 1);
            StreamProgress b = progress.get(i);
            assertTrue(b.filesEnded() >= a.filesEnded() && b.chunks() >= a.chunks() && b.bytes() >= a.bytes(),
                    "progress never goes back: " + a + " then " + b);
        }
    }
}
