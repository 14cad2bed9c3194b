package dev.vyre.uring.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.uring.ReaderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestBenchTest {

    @TempDir
    Path dir;

    @Test
    void byteCountsAndOptionsParse() {
        assertEquals(32L << 20, IngestBench.bytes("32m"));
        assertEquals(3L << 30, IngestBench.bytes("3G"));
        assertEquals(4096, IngestBench.bytes("4k"));
        assertEquals(17, IngestBench.bytes("17"));
        assertThrows(IllegalArgumentException.class, () -> IngestBench.bytes("lots"));
        assertThrows(IllegalArgumentException.class, () -> IngestBench.bytes("99999999999g"));
        IngestBench.Config c = IngestBench.parse(new String[] {"--files", "3", "--size", "1m", "--buffer", "64k",
            "--depth", "4", "--json", "out.json"});
        assertEquals(new IngestBench.Config(null, 3, 1 << 20, 65536, 32, 4, 3, Path.of("out.json"),
                ReaderOptions.defaultReaders()), c);
        assertThrows(IllegalArgumentException.class, () -> IngestBench.parse(new String[] {"--files"}));
        assertThrows(IllegalArgumentException.class, () -> IngestBench.parse(new String[] {"--frobs", "1"}));
        assertThrows(IllegalArgumentException.class, () -> IngestBench.parse(new String[] {"--repeat", "0"}));
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", IngestBench.quote("a\"b\\c\nd\u0001"));
    }

    @Test
    void aSmallRunMeasuresEveryMethodOverTheGivenFiles() throws IOException {
        Files.write(dir.resolve("a"), new byte[300_000]);
        Files.write(dir.resolve("b"), new byte[5]);
        IngestBench.Report report = IngestBench.run(new IngestBench.Config(dir, 0, 0, 65536, 4, 4, 1, null, 1));
        assertEquals(2, report.files());
        assertEquals(300_005, report.bytes());
        assertEquals(List.of("io_uring", "io_uring O_DIRECT", "FileChannel", "mmap + copy"),
                report.rows().stream().map(IngestBench.Row::method).toList());
        for (IngestBench.Row r : report.rows()) {
            assertEquals(300_005, r.bytes());
            assertTrue(r.nanos() > 0 || r.note().contains("unavailable"), r.toString());
        }
        String json = report.json();
        assertTrue(json.contains("\"bytes\": 300005") && json.contains("\"method\": \"mmap + copy\""), json);
        assertTrue(report.table().contains("FileChannel"), report.table());
    }

    @Test
    void parallelRowsReadTheSameBytes() throws IOException {
        for (int i = 0; i < 5; i++) {
            Files.write(dir.resolve("f" + i), new byte[70_000 + i]);
        }
        IngestBench.Report report = IngestBench.run(new IngestBench.Config(dir, 0, 0, 16384, 8, 4, 1, null, 3));
        assertEquals(List.of("io_uring", "io_uring x 3", "io_uring O_DIRECT", "FileChannel", "FileChannel x 3",
                "mmap + copy", "mmap + copy x 3"), report.rows().stream().map(IngestBench.Row::method).toList());
        for (IngestBench.Row r : report.rows()) {
            assertEquals(350_010, r.bytes());
            assertTrue(r.nanos() > 0 || r.note().contains("unavailable"), r.toString());
        }
        assertTrue(report.json().contains("\"readers\": 3"), report.json());
        IngestBench.Config parsed = IngestBench.parse(new String[] {"--readers", "5"});
        assertEquals(5, parsed.readers());
        assertThrows(IllegalArgumentException.class, () -> IngestBench.parse(new String[] {"--readers", "0"}));
    }
}
