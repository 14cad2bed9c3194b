package dev.vyre.runtime.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The disk layer: one file per entry, {@code <key hex>.<kind extension>}, in {@link EntryCodec} format.
 *
 * <p>Processes may share the directory. A writer writes a private temporary file
 * ({@code <name>.<pid>-<random>.tmp}), forces it to disk and renames it over the entry with an atomic move, so a
 * reader sees the old file, the new file or none, never a partial one; readers take no lock. Two writers of one key
 * write identical bytes (the build is deterministic), so either rename may win. A reader that finds a corrupt entry
 * deletes it if the file is still the one it read (same file key and modification time), so a concurrent writer's
 * fresh entry is normally kept; in the rare race where it is not, the next lookup misses and rebuilds. Temporary
 * files older than {@link #STALE_TEMP} (left by a crashed writer) are deleted when the store opens.
 */
final class DiskStore {
    /** Age after which a temporary file is taken to belong to a dead writer. */
    static final Duration STALE_TEMP = Duration.ofHours(1);
    /** Largest entry file read (a bigger one is treated as corrupt). */
    static final long MAX_FILE_BYTES = 1L << 30;
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path directory;

    private DiskStore(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens (creating) {@code directory} and deletes stale temporary files.
     *
     * @throws IOException when the directory cannot be created or listed
     */
    static DiskStore open(Path directory) throws IOException {
        Files.createDirectories(directory);
        DiskStore store = new DiskStore(directory);
        store.deleteStaleTemps();
        return store;
    }

    Path directory() {
        return directory;
    }

    Path path(Fingerprint key, EntryKind kind) {
        return directory.resolve(key.hex() + "." + kind.extension());
    }

    /** What a read found. */
    sealed interface Read {
        /** No file. */
        record Missing() implements Read {
        }

        /** A valid entry. */
        record Found(CacheEntry entry) implements Read {
        }

        /** A corrupt file, removed (if still the one read). */
        record Corrupt(CorruptEntryException reason) implements Read {
        }
    }

    /**
     * Reads the entry of {@code key} and {@code kind}.
     *
     * @throws IOException when the file exists but cannot be read
     */
    Read read(Fingerprint key, EntryKind kind) throws IOException {
        Path p = path(key, kind);
        BasicFileAttributes before;
        byte[] bytes;
        try {
            before = Files.readAttributes(p, BasicFileAttributes.class);
            if (before.size() > MAX_FILE_BYTES) {
                CorruptEntryException e = new CorruptEntryException("cache file " + p + " has " + before.size()
                        + " bytes, more than " + MAX_FILE_BYTES);
                removeIfUnchanged(p, before);
                return new Read.Corrupt(e);
            }
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return new Read.Missing();
        }
        try {
            return new Read.Found(EntryCodec.decode(bytes, key, kind));
        } catch (CorruptEntryException e) {
            removeIfUnchanged(p, before);
            return new Read.Corrupt(new CorruptEntryException(p + ": " + e.problem()));
        }
    }

    private static void removeIfUnchanged(Path p, BasicFileAttributes before) throws IOException {
        try {
            BasicFileAttributes now = Files.readAttributes(p, BasicFileAttributes.class);
            if (Objects.equals(now.fileKey(), before.fileKey())
                    && now.lastModifiedTime().equals(before.lastModifiedTime()) && now.size() == before.size()) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException gone) {
            // another reader removed it already
        }
    }

    /**
     * Writes {@code entry} through a temporary file and an atomic rename.
     *
     * @throws IOException when writing or renaming fails (the temporary file is removed)
     */
    void write(CacheEntry entry) throws IOException {
        Path target = path(entry.key(), entry.kind());
        Path temp = directory.resolve(target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(EntryCodec.encode(entry));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + directory + " cannot rename atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Deletes the entry file of {@code key} and {@code kind}, if any. */
    void delete(Fingerprint key, EntryKind kind) throws IOException {
        Files.deleteIfExists(path(key, kind));
    }

    private void deleteStaleTemps() throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_TEMP));
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(directory, "*" + TEMP_SUFFIX)) {
            for (Path t : temps) {
                try {
                    if (Files.getLastModifiedTime(t).compareTo(cutoff) < 0) {
                        Files.deleteIfExists(t);
                    }
                } catch (NoSuchFileException gone) {
                    // its writer renamed or removed it
                }
            }
        }
    }
}
