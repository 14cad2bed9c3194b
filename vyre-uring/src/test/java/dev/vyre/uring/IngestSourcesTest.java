package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestSourcesTest {

    @TempDir
    Path dir;

    @Test
    void directoriesExpandInPathOrderWithIdsOverFilesAndFailures() throws IOException {
        Path root = dir.resolve("r");
        for (String name : List.of("b/2", "a", "b/1", "c/d/e/deep")) {
            Files.createDirectories(root.resolve(name).getParent());
            Files.write(root.resolve(name), new byte[] {1});
        }
        Files.createSymbolicLink(root.resolve("b/broken"), dir.resolve("absent"));
        Files.createSymbolicLink(root.resolve("c/d/loop"), root.resolve("c"));
        Path single = Files.write(dir.resolve("single"), new byte[0]);

        IngestSources.Expansion e = IngestSources.expand(List.of(root, single, dir.resolve("gone")));
        assertEquals(List.of(
                new IngestFile(0, root.resolve("a")),
                new IngestFile(1, root.resolve("b/1")),
                new IngestFile(2, root.resolve("b/2")),
                new IngestFile(4, root.resolve("c/d/e/deep")),
                new IngestFile(6, single)), e.files());
        assertEquals(List.of(3, 5, 7), e.failures().stream().map(f -> f.file().id()).toList());
        IngestFileException broken = e.failures().get(0).error();
        assertEquals(root.resolve("b/broken"), broken.path());
        assertEquals(LinuxErrno.ENOENT, broken.errno());
        IngestFileException loop = e.failures().get(1).error();
        assertEquals(root.resolve("c/d/loop"), loop.path());
        assertEquals(LinuxErrno.ELOOP, loop.errno(), loop.getMessage());
        assertTrue(loop.fix().contains("loop"), loop.fix());
        IngestFileException gone = e.failures().get(2).error();
        assertEquals(LinuxErrno.ENOENT, gone.errno());
        assertTrue(gone.getMessage().contains("gone") && gone.getMessage().contains("Fix: "), gone.getMessage());
    }

    @Test
    void anUnlistableDirectoryIsOneFailureAndTheWalkGoesOn() throws IOException {
        Path root = dir.resolve("r");
        Path locked = Files.createDirectories(root.resolve("locked"));
        Files.write(locked.resolve("hidden"), new byte[] {1});
        Files.write(root.resolve("open"), new byte[] {2});
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(locked), "running as root: mode 000 does not stop listing");
            IngestSources.Expansion e = IngestSources.expand(List.of(root));
            assertEquals(List.of(root.resolve("open")), e.files().stream().map(IngestFile::path).toList());
            assertEquals(1, e.failures().size());
            IngestFileException error = e.failures().get(0).error();
            assertEquals(locked, error.path());
            assertEquals(LinuxErrno.EACCES, error.errno());
            assertEquals(IngestFileException.Operation.LIST, error.operation());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
