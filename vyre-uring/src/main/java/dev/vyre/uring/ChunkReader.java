package dev.vyre.uring;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads many files in buffer-sized chunks into a {@link BufferPool} and reports them to a {@link ChunkSink}:
 * chunks in completion order, then one end event per file. A file that cannot be read ends with a
 * {@link IngestEvent.FileFailed} naming the path, the errno and a fix; the other files go on. Get one from
 * {@link ChunkReaders#open}.
 *
 * <p>One read at a time per reader. A single reader delivers events on the thread that called {@code read}; a
 * parallel reader ({@link ReaderOptions#readers()} above 1) on its reader threads (the calling thread among them),
 * one event at a time, never concurrently, each file's events from one thread in the order above.
 */
public interface ChunkReader extends AutoCloseable {

    /**
     * Reads {@code files} (regular files; a directory or a missing path fails for that file only) and returns
     * when every file has ended and no request is in flight.
     *
     * @throws IngestException when the read as a whole stops (interrupted, no buffer came back in time); an
     *                         exception thrown by the sink stops the read too and is rethrown as it is
     */
    ReadSummary read(List<IngestFile> files, ChunkSink sink);

    /**
     * Expands {@code roots} ({@link IngestSources#expand}: directories recursively), reports the paths that could
     * not be listed as {@link IngestEvent.FileFailed}, then reads the files.
     */
    default ReadSummary readPaths(List<Path> roots, ChunkSink sink) {
        IngestSources.Expansion expansion = IngestSources.expand(roots);
        CountingSink counting = new CountingSink(sink);
        expansion.failures().forEach(counting::accept);
        return counting.summary().plus(read(expansion.files(), sink));
    }

    /** Which path this reader uses. */
    ReaderKind kind();

    /** How it reads, for reports: the path and its details (registered buffers, fixed files, O_DIRECT, why not). */
    String description();

    /** Releases what the reader holds (ring, registrations). Idempotent. The pool stays open. */
    @Override
    void close();
}
