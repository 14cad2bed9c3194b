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
 */
public record ReaderOptions(Mode mode, int queueDepth, boolean directIo, boolean registerBuffers,
        boolean fixedFiles, Duration bufferWait) {

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
    }

    /** AUTO, 64 requests in flight, buffered reads, registered buffers and fixed files, 5 minutes' buffer wait. */
    public static ReaderOptions defaults() {
        return new ReaderOptions(Mode.AUTO, 64, false, true, true, Duration.ofMinutes(5));
    }

    public ReaderOptions withMode(Mode newMode) {
        return new ReaderOptions(newMode, queueDepth, directIo, registerBuffers, fixedFiles, bufferWait);
    }

    public ReaderOptions withQueueDepth(int depth) {
        return new ReaderOptions(mode, depth, directIo, registerBuffers, fixedFiles, bufferWait);
    }

    public ReaderOptions withDirectIo(boolean direct) {
        return new ReaderOptions(mode, queueDepth, direct, registerBuffers, fixedFiles, bufferWait);
    }

    public ReaderOptions withRegisterBuffers(boolean register) {
        return new ReaderOptions(mode, queueDepth, directIo, register, fixedFiles, bufferWait);
    }

    public ReaderOptions withFixedFiles(boolean fixed) {
        return new ReaderOptions(mode, queueDepth, directIo, registerBuffers, fixed, bufferWait);
    }

    public ReaderOptions withBufferWait(Duration wait) {
        return new ReaderOptions(mode, queueDepth, directIo, registerBuffers, fixedFiles, wait);
    }
}
