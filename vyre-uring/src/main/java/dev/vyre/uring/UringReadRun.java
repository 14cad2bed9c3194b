package dev.vyre.uring;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One read of a list of files (taken from a {@link FileQueue}) through an io_uring: files are opened in order, each is cut into buffer-sized
 * chunks, and up to {@code depth} chunk reads (across files) are in flight, submitted in batches with one
 * {@code io_uring_enter} that also waits for the next completion.
 *
 * <p>Completions: a short read asks again for the rest; {@code EAGAIN}/{@code EINTR} retry the request; a read
 * that returns 0 before the file's planned end means the file shrank, so the file ends there; {@code EINVAL} on
 * an O_DIRECT read retries it buffered (the file system refused the alignment); any other {@code -errno} fails
 * that file only. A file's end event follows its last chunk. If the sink throws, every request in flight is
 * waited for before the exception leaves, so no buffer is written after {@link #run()} returns.
 */
final class UringReadRun implements IoUring.CompletionHandler {
    /** How often one request is retried after EAGAIN or EINTR before its file fails. */
    static final int MAX_TRANSIENT_RETRIES = 1000;

    /** One chunk read: a buffer, the file range it covers, and how much of it is filled. */
    private static final class Request {
        final int id;
        FileState file;
        BufferHandle buffer;
        long offset;
        int length;
        int done;
        boolean direct;
        int retries;

        Request(int id) {
            this.id = id;
        }
    }

    /** An open file of the run. */
    private static final class FileState {
        final IngestFile file;
        int fd = -1;
        int slot = -1;
        int directFd = -1;
        int directSlot = -1;
        boolean directRefused;
        /** The size when opened. */
        long expected;
        /** Where the file ends: the size when opened, lowered when a read meets end-of-file early. */
        long end;
        long nextOffset;
        int outstanding;
        long delivered;
        IngestFileException error;
        boolean ended;

        FileState(IngestFile file) {
            this.file = file;
        }

        boolean planningDone() {
            return error != null || nextOffset >= end;
        }

        boolean directUsable() {
            return directFd >= 0 && !directRefused;
        }
    }

    private final IoUring ring;
    private final BufferPool pool;
    private final ReaderOptions options;
    private final Notices notices;
    private final boolean fixedBuffers;
    private final FixedFileTable fixedFiles;
    private final int oDirect;
    private final int depth;
    private final FileQueue pending;
    private final CountingSink sink;

    private final Request[] requests;
    private final ArrayDeque<Request> idle = new ArrayDeque<>();
    private final ArrayDeque<Request> retry = new ArrayDeque<>();
    private final List<FileState> open = new ArrayList<>();
    /** Requests handed out: in the kernel, prepared, or waiting in {@link #retry}. */
    private int inFlight;
    /** The file whose chunks are being handed out. */
    private FileState planning;
    /** A buffer obtained by waiting, used by the next chunk. */
    private BufferHandle spare;
    /** Set while stopping after a failure: completions only give buffers back. */
    private boolean draining;

    UringReadRun(IoUring ring, BufferPool pool, ReaderOptions options, Notices notices, boolean fixedBuffers,
            FixedFileTable fixedFiles, int oDirect, int depth, FileQueue files, ChunkSink sink) {
        this.ring = ring;
        this.pool = pool;
        this.options = options;
        this.notices = notices;
        this.fixedBuffers = fixedBuffers;
        this.fixedFiles = fixedFiles;
        this.oDirect = oDirect;
        this.depth = depth;
        this.pending = files;
        this.sink = new CountingSink(sink);
        this.requests = new Request[depth];
        for (int i = 0; i < depth; i++) {
            requests[i] = new Request(i);
            idle.push(requests[i]);
        }
    }

    /** Reads every file; returns what was delivered. */
    ReadSummary run() {
        try {
            loop();
        } catch (RuntimeException | Error e) {
            try {
                abort();
            } catch (RuntimeException | Error e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
        finishCleanly();
        return sink.summary();
    }

    private void loop() {
        while (true) {
            boolean starved = fill();
            if (inFlight > 0) {
                ring.submitAndWait(1);
                ring.reap(this);
            } else if (starved) {
                spare = waitForBuffer();
            } else {
                return; // no file left and nothing in flight
            }
        }
    }

    /**
     * Prepares retries, then new chunk reads until {@code depth} are in flight. Returns true when it stopped for
     * want of a buffer.
     */
    private boolean fill() {
        while (!retry.isEmpty()) {
            if (!prepare(retry.peek())) {
                return false;
            }
            retry.poll();
        }
        while (inFlight < depth) {
            if (planning == null) {
                planning = openNext();
                if (planning == null) {
                    return false;
                }
            }
            FileState f = planning;
            if (f.planningDone()) {
                planning = null;
                maybeEnd(f);
                continue;
            }
            BufferHandle buffer = takeBuffer();
            if (buffer == null) {
                return true;
            }
            Request r = idle.pop();
            r.file = f;
            r.buffer = buffer;
            r.offset = f.nextOffset;
            r.length = (int) Math.min(pool.bufferSize(), f.end - f.nextOffset);
            r.done = 0;
            r.retries = 0;
            r.direct = f.directUsable();
            f.nextOffset += r.length;
            f.outstanding++;
            inFlight++;
            if (!prepare(r)) {
                retry.add(r);
                return false;
            }
        }
        return false;
    }

    private BufferHandle takeBuffer() {
        if (spare != null) {
            BufferHandle b = spare;
            spare = null;
            return b;
        }
        return pool.tryAcquire().orElse(null);
    }

    private BufferHandle waitForBuffer() {
        IngestFile reading = planning != null ? planning.file : null;
        try {
            return pool.acquire(options.bufferWait()).orElseThrow(() -> new IngestException(
                    "no buffer of " + pool + " came back within " + options.bufferWait() + " while reading "
                            + reading, "release every chunk's buffer (chunk.release()) once its bytes are used, or"
                            + " give the pool more buffers"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestException("interrupted while waiting for a buffer to read " + reading,
                    "interrupt the reading thread only to stop the read");
        }
    }

    /** Puts the unread rest of {@code r} into the submission ring; false when the ring is full. */
    private boolean prepare(Request r) {
        FileState f = r.file;
        boolean direct = r.direct && r.done == 0 && f.directUsable();
        r.direct = direct;
        int want = r.length - r.done;
        long length = direct ? roundUp(want) : want;
        int fd;
        boolean fixed;
        if (direct) {
            fixed = f.directSlot >= 0;
            fd = fixed ? f.directSlot : f.directFd;
        } else {
            fixed = f.slot >= 0;
            fd = fixed ? f.slot : f.fd;
        }
        MemorySegment target = r.buffer.segment().asSlice(r.done, length);
        long position = r.offset + r.done;
        return fixedBuffers
                ? ring.prepareReadFixed(fd, fixed, target, r.buffer.index(), position, r.id)
                : ring.prepareRead(fd, fixed, target, position, r.id);
    }

    private static long roundUp(int n) {
        return (n + (long) UringChunkReader.DIRECT_ALIGNMENT - 1) & -(long) UringChunkReader.DIRECT_ALIGNMENT;
    }

    @Override
    public void onCompletion(long userData, int result, int flags) {
        Request r = requests[(int) userData];
        FileState f = r.file;
        if (draining || f.error != null) {
            retire(r, false);
        } else if (result < 0) {
            onError(r, -result);
        } else if (result == 0) {
            // end of file before the planned end: the file shrank, it ends here
            f.end = Math.min(f.end, r.offset + r.done);
            retire(r, r.done > 0);
        } else {
            r.done = (int) Math.min(r.length, r.done + (long) result);
            if (r.done < r.length) {
                retry.add(r); // short read: ask for the rest
            } else {
                retire(r, true);
            }
        }
    }

    private void onError(Request r, int errno) {
        FileState f = r.file;
        if (errno == LinuxErrno.EAGAIN || errno == LinuxErrno.EINTR) {
            if (++r.retries <= MAX_TRANSIENT_RETRIES) {
                retry.add(r);
                return;
            }
            f.error = IngestFileException.retriesExhausted(f.file, r.offset + r.done, errno, r.retries);
        } else if (errno == LinuxErrno.EINVAL && r.direct) {
            notices.once("o_direct-einval", "O_DIRECT reads of " + f.file.path() + " were refused with EINVAL (the"
                    + " file system or device wants another alignment); such files are read through the page cache");
            f.directRefused = true;
            retry.add(r);
            return;
        } else {
            f.error = IngestFileException.errno(f.file, IngestFileException.Operation.READ, r.offset + r.done, errno);
        }
        retire(r, false);
    }

    /** Ends a request: its chunk goes to the sink ({@code deliver}) or its buffer back to the pool. */
    private void retire(Request r, boolean deliver) {
        FileState f = r.file;
        BufferHandle buffer = r.buffer;
        long offset = r.offset;
        int done = r.done;
        r.file = null;
        r.buffer = null;
        idle.push(r);
        inFlight--;
        f.outstanding--;
        if (deliver && !draining) {
            f.delivered += done;
            sink.accept(new IngestEvent.Chunk(f.file, offset, buffer.withLength(done)));
        } else {
            buffer.release();
        }
        maybeEnd(f);
    }

    private void maybeEnd(FileState f) {
        if (!draining && f != planning && f.outstanding == 0 && !f.ended) {
            f.ended = true;
            closeFile(f);
            sink.accept(f.error != null
                    ? new IngestEvent.FileFailed(f.file, f.error)
                    : new IngestEvent.FileDone(f.file, f.delivered, f.expected));
        }
    }

    /** Opens the next file that has bytes to read; files that fail or are empty end on the way. */
    private FileState openNext() {
        for (IngestFile next = pending.poll(); next != null; next = pending.poll()) {
            FileState f = new FileState(next);
            open.add(f);
            openFile(f);
            if (f.error == null && f.end > 0) {
                return f;
            }
            maybeEnd(f);
        }
        return null;
    }

    private void openFile(FileState f) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(f.file.path().toString());
            RawSyscalls.Result fd = RawSyscalls.open(path, UringAbi.O_RDONLY | UringAbi.O_CLOEXEC);
            if (fd.failed()) {
                f.error = IngestFileException.errno(f.file, IngestFileException.Operation.OPEN, -1, fd.errno());
                return;
            }
            f.fd = (int) fd.value();
            MemorySegment stx = arena.allocate(UringAbi.STATX);
            RawSyscalls.Result st = RawSyscalls.statx(f.fd, arena.allocateFrom(""), UringAbi.AT_EMPTY_PATH,
                    UringAbi.STATX_TYPE | UringAbi.STATX_SIZE | UringAbi.STATX_DIOALIGN, stx);
            if (st.failed()) {
                f.error = IngestFileException.errno(f.file, IngestFileException.Operation.STAT, -1, st.errno());
                return;
            }
            int type = Short.toUnsignedInt(stx.get(JAVA_SHORT, UringAbi.STATX_MODE)) & UringAbi.S_IFMT;
            if (type == UringAbi.S_IFDIR) {
                f.error = IngestFileException.directory(f.file);
                return;
            }
            if (type != UringAbi.S_IFREG) {
                f.error = IngestFileException.notRegular(f.file);
                return;
            }
            f.expected = stx.get(JAVA_LONG, UringAbi.STATX_SIZE_OFFSET);
            f.end = f.expected;
            if (oDirect != 0 && f.expected >= UringChunkReader.DIRECT_ALIGNMENT && directAllowed(f, stx)) {
                RawSyscalls.Result direct = RawSyscalls.open(path,
                        UringAbi.O_RDONLY | UringAbi.O_CLOEXEC | oDirect);
                if (direct.failed()) {
                    notices.once("o_direct-open", "O_DIRECT open of " + f.file.path() + " failed with "
                            + LinuxErrno.describe(direct.errno()) + "; such files are read through the page cache");
                } else {
                    f.directFd = (int) direct.value();
                }
            }
            if (fixedFiles != null && f.expected > pool.bufferSize()) {
                // more than one request: a fixed slot saves a descriptor lookup per request
                f.slot = fixedFiles.claim(f.fd);
                if (f.directFd >= 0) {
                    f.directSlot = fixedFiles.claim(f.directFd);
                }
            }
        }
    }

    /** What statx says about direct I/O on this file (kernels from 6.1 report it; older ones are tried). */
    private boolean directAllowed(FileState f, MemorySegment stx) {
        if ((stx.get(JAVA_INT, UringAbi.STATX_MASK) & UringAbi.STATX_DIOALIGN) == 0) {
            return true;
        }
        int offsetAlign = stx.get(JAVA_INT, UringAbi.STATX_DIO_OFFSET_ALIGN);
        int memoryAlign = stx.get(JAVA_INT, UringAbi.STATX_DIO_MEM_ALIGN);
        if (offsetAlign == 0) {
            notices.once("o_direct-unsupported", "O_DIRECT is not supported by the file system of "
                    + f.file.path() + "; such files are read through the page cache");
            return false;
        }
        if (offsetAlign > UringChunkReader.DIRECT_ALIGNMENT || memoryAlign > pool.alignment()) {
            notices.once("o_direct-alignment", "O_DIRECT on the file system of " + f.file.path() + " needs offsets"
                    + " aligned to " + offsetAlign + " and memory to " + memoryAlign + " bytes, more than vyre's "
                    + UringChunkReader.DIRECT_ALIGNMENT + "; such files are read through the page cache");
            return false;
        }
        return true;
    }

    private void closeFile(FileState f) {
        open.remove(f);
        if (fixedFiles != null) {
            if (f.slot >= 0) {
                fixedFiles.release(f.slot);
            }
            if (f.directSlot >= 0) {
                fixedFiles.release(f.directSlot);
            }
        }
        f.slot = -1;
        f.directSlot = -1;
        if (f.fd >= 0) {
            RawSyscalls.close(f.fd);
            f.fd = -1;
        }
        if (f.directFd >= 0) {
            RawSyscalls.close(f.directFd);
            f.directFd = -1;
        }
    }

    private void finishCleanly() {
        if (fixedFiles != null) {
            fixedFiles.clear();
        }
    }

    /**
     * After a failure: gives back buffers of requests not in the kernel, waits for every request that is (so no
     * buffer is written later), closes every open file and empties the fixed-file table. No events are sent.
     */
    private void abort() {
        draining = true;
        try {
            while (!retry.isEmpty()) {
                retire(retry.poll(), false);
            }
            while (inFlight > 0) {
                ring.submitAndWait(1);
                ring.reap(this);
            }
        } finally {
            if (spare != null) {
                spare.release();
                spare = null;
            }
            for (FileState f : List.copyOf(open)) {
                closeFile(f);
            }
            if (fixedFiles != null) {
                fixedFiles.clear();
            }
        }
    }
}
