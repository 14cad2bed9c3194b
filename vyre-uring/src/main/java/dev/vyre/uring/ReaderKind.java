package dev.vyre.uring;

/** How a {@link ChunkReader} reads. */
public enum ReaderKind {
    /** Batched reads through an io_uring. */
    IO_URING,
    /** Positional {@link java.nio.channels.FileChannel} reads, one at a time: the fallback. */
    FILE_CHANNEL
}
