package dev.vyre.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Kernels;
import dev.vyre.uring.ReaderOptions;
import java.io.IOException;
import java.nio.file.Path;
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
    void aBackendThatCannotRunIsANoteNotAFailure() throws IOException {
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
        assertThrows(GpuStreamException.class, () -> StreamBench.Handler.of("crc"));
    }
}
