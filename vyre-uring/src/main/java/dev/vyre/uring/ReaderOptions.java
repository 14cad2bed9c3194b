package dev.vyre.uring;

import java.time.Duration;

/**
 * How to read.
 *
 * @param mode            AUTO (io_uring where the probe allows it, else FileChannel), URING (io_uring or fail),
 *                        FILE_CHANNEL (the fallback, always); {@code -Dvyre.uring=off|on} overrides it
 * @param queueDepth      io_uring requests in flight at most (also bounded by the pool's buffer count)
 * @param directIo        read with O_DIRECT where the file system allows it (page cache bypassed; needs buffers
 *                        aligned to and sized in multiples of 4096 bytes), buffered otherwise
 * @param registerBuffers register the pool with the ring and read with READ_FIXED
 * @param fixedFiles      register files read in more than one request in the ring's fixed-file table
 * @param bufferWait      how long a read waits for the consumer to release a buffer before it gives up
 * @param readers         readers that read in parallel, each on its own thread (and its own ring), taking whole
 *                        files from the shared list; at most half the pool's buffers are used as readers (every
 *                        reader keeps at least two buffers busy), so a small pool reads with fewer
 */
public record ReaderOptions(Mode mode, int queueDepth, boolean directIo, boolean registerBuffers,
        boolean fixedFiles, Duration bufferWait, int readers) {

    /** Which path to read through. */
    public enum Mode {
        /** io_uring where available, else FileChannel with a one-time notice naming the reason. */
        AUTO,
        /** io_uring only: opening the reader fails (with the reason) where it is unavailable. */
        URING,
        /** FileChannel only (the fallback, forced). */
        FILE_CHANNEL
    }

    /** The largest queue depth (the largest io_uring). */
    public static final int MAX_QUEUE_DEPTH = IoUring.MAX_ENTRIES;
    /** The most parallel readers. */
    public static final int MAX_READERS = 64;
    /** The most readers {@link #defaultReaders()} picks: page-cache copies saturate memory bandwidth before that. */
    public static final int DEFAULT_READERS_CAP = 8;

    public ReaderOptions {
        if (mode == null) {
            throw new IngestException("reader mode is null", "use ReaderOptions.Mode.AUTO, URING or FILE_CHANNEL");
        }
        if (queueDepth < 1 || queueDepth > MAX_QUEUE_DEPTH) {
            throw new IngestException("queue depth " + queueDepth + " is out of range",
                    "use 1 to " + MAX_QUEUE_DEPTH + " requests in flight");
        }
        if (bufferWait == null || bufferWait.isNegative()) {
            throw new IngestException("buffer wait " + bufferWait + " is not a duration of zero or more",
                    "use e.g. Duration.ofMinutes(5)");
        }
        if (readers < 1 || readers > MAX_READERS) {
            throw new IngestException(readers + " parallel readers is out of range",
                    "use 1 to " + MAX_READERS + " readers (" + defaultReaders() + " is the default here)");
        }
    }

    /**
     * The default number of parallel readers: half the processors this JVM may use (a reader copies from the page
     * cache on its own thread; the other half is left to the consumer), at least 1 and at most
     * {@value #DEFAULT_READERS_CAP}.
     */
    public static int defaultReaders() {
        return Math.clamp(Runtime.getRuntime().availableProcessors() / 2, 1, DEFAULT_READERS_CAP);
    }

    /**
     * AUTO, 64 requests in flight per reader, buffered reads, registered buffers and fixed files, 5 minutes' buffer
     * wait, {@link #defaultReaders()} readers.
     */
    public static ReaderOptions defaults() {
        return new ReaderOptions(Mode.AUTO, 64, false, true, true, Duration.ofMinutes(5), defaultReaders());
    }

    public ReaderOptions withMode(Mode newMode) {
        return new ReaderOptions(newMode, queueDepth, directIo, registerBuffers, fixedFiles, bufferWait, readers);
    }

    public ReaderOptions withQueueDepth(int depth) {
        return new ReaderOptions(mode, depth, directIo, registerBuffers, fixedFiles, bufferWait, readers);
    }

    public ReaderOptions withDirectIo(boolean direct) {
        return new ReaderOptions(mode, queueDepth, direct, registerBuffers, fixedFiles, bufferWait, readers);
    }

    public ReaderOptions withRegisterBuffers(boolean register) {
        return new ReaderOptions(mode, queueDepth, directIo, register, fixedFiles, bufferWait, readers);
    }

    public ReaderOptions withFixedFiles(boolean fixed) {
        return new ReaderOptions(mode, queueDepth, directIo, registerBuffers, fixed, bufferWait, readers);
    }

    public ReaderOptions withBufferWait(Duration wait) {
        return new ReaderOptions(mode, queueDepth, directIo, registerBuffers, fixedFiles, wait, readers);
    }

    /** The same options with {@code count} parallel readers. */
    public ReaderOptions withReaders(int count) {
        return new ReaderOptions(mode, queueDepth, directIo, registerBuffers, fixedFiles, bufferWait, count);
    }
}
