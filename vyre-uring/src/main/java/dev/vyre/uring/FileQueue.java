package dev.vyre.uring;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The files of one read, handed out one at a time: to the single reader of a plain read, or to whichever reader of a
 * parallel read asks first. Each file goes to exactly one reader, so its chunks and its end event come from one
 * reader. Thread-safe. {@link #close()} stops handing out files (a parallel read that failed).
 */
final class FileQueue {
    private final List<IngestFile> files;
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean closed;

    FileQueue(List<IngestFile> files) {
        this.files = List.copyOf(files);
    }

    /** The next file to read, or null when none is left or the queue was closed. */
    IngestFile poll() {
        if (closed || next.get() >= files.size()) {
            return null;
        }
        int i = next.getAndIncrement();
        return i < files.size() ? files.get(i) : null;
    }

    /** Hands out no more files. */
    void close() {
        closed = true;
    }
}
