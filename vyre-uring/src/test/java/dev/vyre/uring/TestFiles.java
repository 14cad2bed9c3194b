package dev.vyre.uring;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** Files with reproducible random contents, and their checksums computed while writing them. */
final class TestFiles {
    private TestFiles() {
    }

    /** {@code size} random bytes from {@code seed}. */
    static byte[] bytes(long seed, int size) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    /** Writes {@code size} random bytes; returns their CRC32C. */
    static long write(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SplittableRandom random = new SplittableRandom(seed);
        CRC32C crc = new CRC32C();
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(block.length, left);
                random.nextBytes(block);
                out.write(block, 0, n);
                crc.update(block, 0, n);
                left -= n;
            }
        }
        return crc.getValue();
    }

    static long crc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return crc.getValue();
    }

    /** Entries of {@code /proc/self/fd}: the process's open descriptors. */
    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Lines of {@code /proc/self/maps}: the process's memory mappings. */
    static long mappings() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.count();
        }
    }

    static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }
}
