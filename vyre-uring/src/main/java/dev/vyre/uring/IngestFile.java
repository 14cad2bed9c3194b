package dev.vyre.uring;

import java.nio.file.Path;

/**
 * A file of an ingest stream.
 *
 * @param id   its number in the stream: every event about the file carries it
 * @param path where it is
 */
public record IngestFile(int id, Path path) {
    @Override
    public String toString() {
        return path + " (file " + id + ")";
    }
}
