package dev.vyre.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Kernels;
import dev.vyre.uring.ReaderOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The end-to-end ingest benchmark measures and verifies each handler; a backend that cannot run becomes a note. */
class StreamBenchTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(StreamBench.Handler.class)
    void eachHandlerIsMeasuredAndVerified(StreamBench.Handler handler) throws IOException {
        Kernels.assumeInterpreter();
        StreamFixtures.write(dir.resolve("a"), 100_003, 1);
        StreamFixtures.write(dir.resolve("sub/b"), 4096, 2);
        StreamFixtures.write(dir.resolve("sub/c"), 0, 3);
        StreamBench.Row row = StreamBench.run(new StreamBench.Config(dir, BackendKind.CPU, handler, 8192, 4,
                handler == StreamBench.Handler.FNV ? 100 : 0, 16, 2, ReaderOptions.defaults(), 2));
        assertTrue(row.verified(), row::toString);
        assertEquals(104_099, row.bytes());
        assertEquals(13 + 1, row.chunks());
        assertTrue(row.nanos() > 0 && row.gbPerSecond() > 0, row::toString);
        assertEquals("cpu", row.backend());
        assertEquals(handler.label(), row.handler());
    }

    @Test
    void parallelReadersGiveTheSameChunkResultsAsOneReader() throws IOException {
        Kernels.assumeInterpreter();
        for (int i = 0; i < 6; i++) {
            StreamFixtures.write(dir.resolve("f" + i), 30_000 + 1000 * i, 10 + i);
        }
        ReaderOptions one = ReaderOptions.defaults().withReaders(1);
        StreamBench.Row single = StreamBench.run(new StreamBench.Config(dir, BackendKind.CPU,
                StreamBench.Handler.WORD_SUM, 8192, 8, 0, 16, 2, one, 1));
        List<String> lines = new ArrayList<>();
        StreamBench.Row parallel = StreamBench.run(new StreamBench.Config(dir, BackendKind.CPU,
                StreamBench.Handler.WORD_SUM, 8192, 8, 0, 16, 2, one.withReaders(3), 2), lines::add);
        assertTrue(single.verified() && parallel.verified(), () -> single + "\n" + parallel);
        assertEquals(1, single.readers());
        assertEquals(3, parallel.readers());
        assertTrue(single.digest() != 0);
        assertEquals(single.digest(), parallel.digest(), "the same chunk checksums whoever read them");
        assertTrue(lines.isEmpty(), "a pass shorter than the progress interval prints nothing: " + lines);
        StreamBench.Row other = StreamBench.run(new StreamBench.Config(dir, BackendKind.CPU,
                StreamBench.Handler.FNV, 8192, 8, 0, 16, 2, one, 1));
        assertTrue(other.verified() && other.digest() != single.digest(), "another checksum, another digest");
    }

    @Test
    void theDigestMixSeparatesFilesOffsetsAndResults() {
        long base = StreamBench.mix(1, 4096, 7, 9);
        assertEquals(base, StreamBench.mix(1, 4096, 7, 9));
        for (long other : new long[] {StreamBench.mix(2, 4096, 7, 9), StreamBench.mix(1, 8192, 7, 9),
            StreamBench.mix(1, 4096, 8, 9), StreamBench.mix(1, 4096, 7, 10), StreamBench.mix(1, 4096, 9, 7)}) {
            assertTrue(other != base, "mix collides");
        }
    }

    @Test
    void aBackendThatCannotRunIsANoteNotAFailure() throws IOException {
        Assumptions.assumeFalse(CudaProbe.run().available(), "a CUDA device is present: the row would run");
        StreamFixtures.write(dir.resolve("a"), 10, 1);
        // the CUDA backend runs no user handlers yet (and may have no device here): either way a row with a note
        StreamBench.Row row = StreamBench.run(new StreamBench.Config(dir, BackendKind.CUDA,
                StreamBench.Handler.WORD_SUM, 4096, 2, 0, 16, 0, ReaderOptions.defaults(), 1));
        assertFalse(row.verified());
        assertEquals(-1, row.nanos());
        assertTrue(row.note().contains("Fix:"), row.note());
    }

    @Test
    void handlerLabelsParse() {
        assertEquals(StreamBench.Handler.WORD_SUM, StreamBench.Handler.of(" WordSum "));
        assertEquals(StreamBench.Handler.NOP, StreamBench.Handler.of("nop"));
        assertEquals(StreamBench.Handler.WARP_SUM, StreamBench.Handler.of("warpsum"));
        assertEquals(StreamBench.Handler.WARP_VEC8, StreamBench.Handler.of("warpvec8"));
        assertEquals(List.of("nop", "wordsum", "warpsum", "warpvec4", "warpvec8", "warpvec16", "fnv"),
                java.util.Arrays.stream(StreamBench.Handler.values()).map(StreamBench.Handler::label).toList());
        assertThrows(GpuStreamException.class, () -> StreamBench.Handler.of("crc"));
    }
}
