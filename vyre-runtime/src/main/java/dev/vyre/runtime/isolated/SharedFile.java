package dev.vyre.runtime.isolated;

import dev.vyre.runtime.BootstrapException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A file that two processes map: the parent allocates page-aligned regions in it (each its own shared mapping, the
 * file growing as needed) and the child maps the same regions by offset. Writes through either mapping are seen
 * by the other at once (MAP_SHARED of the same pages); on tmpfs ({@code /dev/shm}) nothing goes to a disk.
 */
final class SharedFile implements AutoCloseable {
    /** Regions start on pages: what the GPU's host registration and the data region want. */
    static final long PAGE = 4096;

    /** One mapped region: {@code bytes} (rounded up to a page) at {@code offset} in the file. */
    record Region(long offset, long bytes, MemorySegment segment) {
    }

    private final Path path;
    private final FileChannel channel;
    private final Arena arena = Arena.ofShared();
    private final List<Region> regions = new ArrayList<>();
    private long end;
    private boolean closed;

    private SharedFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** A new, empty file in {@code directory}, deleted by {@link #close()}. */
    static SharedFile create(Path directory) {
        try {
            Path p = Files.createTempFile(directory, "vyre-isolated-", ".ring");
            return new SharedFile(p, FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new BootstrapException("isolated backend: cannot create the shared ring file in " + directory
                    + ": " + e, "pass a writable directory (IsolatedOptions.withDirectory), e.g. /dev/shm or /tmp", e);
        }
    }

    Path path() {
        return path;
    }

    /** A zeroed region of {@code bytes} (the page-rounded rest of it is zero too), aligned to a page. */
    synchronized MemorySegment allocate(long bytes) {
        if (closed) {
            throw new BootstrapException("isolated backend: the shared file is closed", "use a fresh backend");
        }
        long size = roundUp(Math.max(bytes, 1));
        MemorySegment s = map(channel, end, size, arena);
        regions.add(new Region(end, size, s));
        end += size;
        return s.asSlice(0, bytes);
    }

    /** The region that holds {@code segment}, or null. */
    synchronized Region regionOf(MemorySegment segment) {
        for (Region r : regions) {
            long base = r.segment().address();
            if (segment.address() >= base && segment.address() + segment.byteSize() <= base + r.bytes()) {
                return r;
            }
        }
        return null;
    }

    /** Maps {@code bytes} at {@code offset} of the file at {@code path} into {@code arena} (the child's side). */
    static MemorySegment map(Path path, long offset, long bytes, Arena arena) {
        try (FileChannel c = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return map(c, offset, bytes, arena);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shared ring file " + path, e);
        }
    }

    private static MemorySegment map(FileChannel channel, long offset, long bytes, Arena arena) {
        try {
            return channel.map(FileChannel.MapMode.READ_WRITE, offset, bytes, arena);
        } catch (IOException e) {
            throw new BootstrapException("isolated backend: cannot map " + bytes + " bytes at " + offset
                    + " of the shared ring file: " + e, "check the free space of the directory it lives in", e);
        }
    }

    static long roundUp(long bytes) {
        return (bytes + PAGE - 1) & -PAGE;
    }

    /** Unmaps every region and deletes the file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("isolated backend: cannot delete the shared ring file " + path, e);
        }
    }
}
