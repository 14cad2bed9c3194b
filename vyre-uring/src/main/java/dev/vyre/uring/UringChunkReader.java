package dev.vyre.uring;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The io_uring reader: one ring per reader, the pool's buffers registered with it (READ_FIXED) where the kernel
 * allows, a sparse fixed-file table for files read in more than one request, O_DIRECT where asked for and
 * supported. Each {@link #read} is one {@link UringReadRun}.
 */
final class UringChunkReader implements QueueReader {
    /** O_DIRECT offsets, lengths and buffer addresses are multiples of this (the common logical block size). */
    static final int DIRECT_ALIGNMENT = 4096;

    private final IoUring ring;
    private final BufferPool pool;
    private final ReaderOptions options;
    private final Notices notices;
    private final boolean fixedBuffers;
    private final FixedFileTable fixedFiles;
    private final int oDirect;
    private final int depth;
    private final AtomicBoolean reading = new AtomicBoolean();
    private boolean closed;

    private UringChunkReader(IoUring ring, BufferPool pool, ReaderOptions options, Notices notices,
            boolean fixedBuffers, FixedFileTable fixedFiles, int oDirect) {
        this.ring = ring;
        this.pool = pool;
        this.options = options;
        this.notices = notices;
        this.fixedBuffers = fixedBuffers;
        this.fixedFiles = fixedFiles;
        this.oDirect = oDirect;
        this.depth = Math.min(Math.min(options.queueDepth(), ring.sqEntries()), pool.count());
    }

    /** Sets up the ring and what can be registered; throws UringException when the ring itself fails. */
    static UringChunkReader open(BufferPool pool, ReaderOptions options, Notices notices) {
        IoUring ring = IoUring.open(options.queueDepth());
        try {
            requireReadOpcode(ring.features());
            boolean fixedBuffers = options.registerBuffers() && registerBuffers(ring, pool, notices);
            FixedFileTable files = null;
            if (options.fixedFiles()) {
                int depth = Math.min(Math.min(options.queueDepth(), ring.sqEntries()), pool.count());
                try {
                    // every file with a request in flight, plus the one being planned, twice with O_DIRECT
                    files = FixedFileTable.register(ring, 2 * (depth + 1));
                } catch (UringException e) {
                    notices.once("io_uring-fixed-files", "io_uring fixed files are not used ("
                            + e.getMessage() + "); requests name plain descriptors");
                }
            }
            return new UringChunkReader(ring, pool, options, notices, fixedBuffers, files,
                    options.directIo() ? directFlag(pool, notices) : 0);
        } catch (RuntimeException e) {
            pool.unregisterFrom(ring);
            ring.close();
            throw e;
        }
    }

    /**
     * Refuses kernels older than 5.6, which lack {@code IORING_OP_READ}: they report no {@code RW_CUR_POS}, the
     * feature bit that came with it.
     */
    static void requireReadOpcode(int features) {
        if ((features & UringAbi.IORING_FEAT_RW_CUR_POS) == 0) {
            throw new UringException("this kernel's io_uring has no IORING_OP_READ (it reports features "
                    + UringAbi.featureNames(features) + ", without RW_CUR_POS: Linux older than 5.6)",
                    "run on Linux 5.6 or newer (5.19+ recommended); vyre reads with FileChannel meanwhile");
        }
    }

    private static boolean registerBuffers(IoUring ring, BufferPool pool, Notices notices) {
        try {
            pool.registerWith(ring);
            return true;
        } catch (UringException | BufferPoolException e) {
            notices.once("io_uring-register-buffers", "io_uring registered buffers are not used ("
                    + e.getMessage() + "); reads use IORING_OP_READ instead of READ_FIXED");
            return false;
        }
    }

    private static int directFlag(BufferPool pool, Notices notices) {
        OptionalInt flag = UringAbi.oDirect(System.getProperty("os.arch", ""));
        if (flag.isEmpty()) {
            notices.once("o_direct", "O_DIRECT is not used: vyre does not know its value on "
                    + System.getProperty("os.arch") + "; files are read through the page cache");
            return 0;
        }
        if (pool.alignment() % DIRECT_ALIGNMENT != 0 || pool.bufferSize() % DIRECT_ALIGNMENT != 0) {
            notices.once("o_direct", "O_DIRECT is not used: the pool's buffers (" + pool.bufferSize()
                    + " bytes, aligned to " + pool.alignment() + ") are not multiples of " + DIRECT_ALIGNMENT
                    + " bytes; files are read through the page cache");
            return 0;
        }
        return flag.getAsInt();
    }

    @Override
    public ReadSummary readFrom(FileQueue files, ChunkSink sink) {
        if (closed) {
            throw new IngestException("this io_uring reader is closed", "open a new reader with ChunkReaders.open");
        }
        if (!reading.compareAndSet(false, true)) {
            throw new IngestException("this reader is already reading", "read one stream at a time per reader");
        }
        try {
            return new UringReadRun(ring, pool, options, notices, fixedBuffers, fixedFiles, oDirect, depth, files,
                    sink).run();
        } finally {
            reading.set(false);
        }
    }

    /** The ring this reader submits to. */
    IoUring ring() {
        return ring;
    }

    @Override
    public ReaderKind kind() {
        return ReaderKind.IO_URING;
    }

    @Override
    public String description() {
        List<String> parts = new ArrayList<>();
        parts.add(depth + " requests in flight");
        parts.add(fixedBuffers ? "registered buffers (READ_FIXED)" : "unregistered buffers (READ)");
        parts.add(fixedFiles != null ? "fixed files (" + fixedFiles.size() + " slots)" : "plain descriptors");
        parts.add(oDirect != 0 ? "O_DIRECT where supported" : "buffered");
        return "io_uring " + ring + ", " + pool + ": " + String.join(", ", parts);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            pool.unregisterFrom(ring);
        } finally {
            ring.close();
        }
    }
}
