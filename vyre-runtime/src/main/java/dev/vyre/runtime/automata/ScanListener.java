package dev.vyre.runtime.automata;

import dev.vyre.automata.Match;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import java.util.List;

/**
 * Receives the results of a {@link RingScanner} scan on the scanning thread, one call per file in file-id order
 * (a file's result waits for every file with a lower id).
 */
public interface ScanListener {
    /** Every match of {@code file}, sorted by end offset then pattern id, each {@code (id, end)} once. */
    void onFile(IngestFile file, List<Match> matches);

    /** {@code file} could not be read; its matches are dropped. */
    void onFailure(IngestFile file, IngestFileException error);

    /** {@code bytes} more bytes were scanned. */
    default void onProgress(long bytes) {
    }
}
