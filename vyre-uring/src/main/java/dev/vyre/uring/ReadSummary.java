package dev.vyre.uring;

/**
 * What one read delivered.
 *
 * @param files  files in the stream (every one ended with a FileDone or FileFailed event)
 * @param failed files that ended with FileFailed
 * @param shrunk files that ended before the size they had when opened
 * @param chunks chunks delivered
 * @param bytes  bytes delivered
 */
public record ReadSummary(int files, int failed, int shrunk, long chunks, long bytes) {

    /** The sum of two summaries (e.g. the expansion's failures and the read). */
    public ReadSummary plus(ReadSummary other) {
        return new ReadSummary(files + other.files, failed + other.failed, shrunk + other.shrunk,
                chunks + other.chunks, bytes + other.bytes);
    }
}
