package dev.vyre.uring;

import static dev.vyre.uring.UringAbi.CQE_FLAGS;
import static dev.vyre.uring.UringAbi.CQE_RES;
import static dev.vyre.uring.UringAbi.CQE_USER_DATA;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One io_uring instance driven through raw syscalls: {@code io_uring_setup}, the submission ring, completion
 * ring and SQE array mapped with {@code mmap}, {@code io_uring_enter} to submit and wait, and
 * {@code io_uring_register} for registered buffers and the fixed-file table.
 *
 * <p><b>Memory ordering.</b> The rings are shared with the kernel. SQEs and the SQ tail are written by this
 * class; the tail is published with a release store after the SQEs, so the kernel (which loads it with acquire)
 * sees complete entries. The SQ head and the CQ tail are written by the kernel and read here with acquire loads,
 * so a CQE's contents are visible once the tail that covers it is. The CQ head is published with a release store
 * after the CQE has been copied out, which hands the slot back to the kernel.
 *
 * <p><b>Threads.</b> An instance is not thread-safe: one thread at a time prepares, submits and reaps (it may be
 * a different thread from call to call). Keep at most {@link #cqEntries()} requests in flight, so that the
 * completion ring cannot overflow.
 *
 * <p><b>Buffers.</b> A buffer passed to {@code prepareRead*} must stay allocated until the request's completion
 * has been reaped; the kernel writes into it asynchronously.
 */
@SuppressWarnings("restricted") // the rings are kernel memory mapped into this process
public final class IoUring implements AutoCloseable {

    /** Receives one completion: the submission's user data, its result ({@code -errno} on failure), flags. */
    @FunctionalInterface
    public interface CompletionHandler {
        void onCompletion(long userData, int result, int flags);
    }

    /** The largest {@code entries} {@code io_uring_setup} accepts ({@code IORING_MAX_ENTRIES}). */
    public static final int MAX_ENTRIES = 32768;

    /** Setup flag sets tried in order: each kernel takes the first it knows. */
    private static final int[] SETUP_FLAG_CHOICES = {
        UringAbi.IORING_SETUP_COOP_TASKRUN | UringAbi.IORING_SETUP_SUBMIT_ALL | UringAbi.IORING_SETUP_CLAMP,
        UringAbi.IORING_SETUP_SUBMIT_ALL | UringAbi.IORING_SETUP_CLAMP,
        UringAbi.IORING_SETUP_CLAMP,
        0,
    };

    private static final long SQE_SIZE = UringAbi.IO_URING_SQE.byteSize();
    private static final long CQE_SIZE = UringAbi.IO_URING_CQE.byteSize();

    /** A 32-bit ring word: coordinates (MemorySegment, long byteOffset). */
    private static final VarHandle U32 = JAVA_INT.varHandle();

    private final int ringFd;
    private final int setupFlags;
    private final int features;
    private final int sqEntries;
    private final int sqMask;
    private final int cqEntries;
    private final int cqMask;
    private final Arena mappings;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHeadOff;
    private final long sqTailOff;
    private final long cqHeadOff;
    private final long cqTailOff;
    private final long cqesOff;
    private final Mapping[] ownedMappings;

    /** The next SQ tail: SQEs up to here are prepared; published to the kernel on submit. */
    private int sqTail;
    /** The CQ head as this side last published it. */
    private int cqHead;
    private boolean closed;
    private List<MemorySegment> registeredBuffers = List.of();
    private int registeredFiles;

    private record Mapping(long address, long length) {
    }

    private IoUring(int ringFd, MemorySegment params, Mapping[] ownedMappings, long sqRingAddr, long sqRingSize,
            long cqRingAddr, long cqRingSize, long sqesAddr) {
        this.ringFd = ringFd;
        this.ownedMappings = ownedMappings;
        this.setupFlags = params.get(JAVA_INT, UringAbi.PARAMS_FLAGS);
        this.features = (int) UringAbi.PARAMS_FEATURES.get(params, 0L);
        this.mappings = Arena.ofShared();
        this.sqRing = MemorySegment.ofAddress(sqRingAddr).reinterpret(sqRingSize, mappings, null);
        this.cqRing = cqRingAddr == sqRingAddr ? sqRing
                : MemorySegment.ofAddress(cqRingAddr).reinterpret(cqRingSize, mappings, null);
        this.sqEntries = sqRing.get(JAVA_INT, params.get(JAVA_INT, UringAbi.PARAMS_SQ_RING_ENTRIES));
        this.sqMask = sqRing.get(JAVA_INT, params.get(JAVA_INT, UringAbi.PARAMS_SQ_RING_MASK));
        this.cqEntries = cqRing.get(JAVA_INT, params.get(JAVA_INT, UringAbi.PARAMS_CQ_RING_ENTRIES));
        this.cqMask = cqRing.get(JAVA_INT, params.get(JAVA_INT, UringAbi.PARAMS_CQ_RING_MASK));
        this.sqes = MemorySegment.ofAddress(sqesAddr).reinterpret(sqEntries * SQE_SIZE, mappings, null);
        this.sqHeadOff = params.get(JAVA_INT, UringAbi.PARAMS_SQ_HEAD);
        this.sqTailOff = params.get(JAVA_INT, UringAbi.PARAMS_SQ_TAIL);
        this.cqHeadOff = params.get(JAVA_INT, UringAbi.PARAMS_CQ_HEAD);
        this.cqTailOff = params.get(JAVA_INT, UringAbi.PARAMS_CQ_TAIL);
        this.cqesOff = params.get(JAVA_INT, UringAbi.PARAMS_CQ_CQES);
        // SQE index i always sits in ring slot i: the indirection array is filled once.
        long array = params.get(JAVA_INT, UringAbi.PARAMS_SQ_ARRAY);
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(JAVA_INT, array + 4L * i, i);
        }
        this.sqTail = (int) U32.getAcquire(sqRing, sqTailOff);
        this.cqHead = (int) U32.getAcquire(cqRing, cqHeadOff);
    }

    /**
     * Sets up a ring with at least {@code entries} submission slots (the kernel rounds up to a power of two; the
     * completion ring gets twice as many).
     *
     * @throws UringException when io_uring is unavailable or the rings cannot be mapped; the message names the
     *                        errno and says how to fix it
     */
    public static IoUring open(int entries) {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new UringException("io_uring ring size " + entries + " is out of range",
                    "ask for 1 to " + MAX_ENTRIES + " entries");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(UringAbi.IO_URING_PARAMS);
            RawSyscalls.Result fd = null;
            for (int flags : SETUP_FLAG_CHOICES) {
                params.fill((byte) 0);
                params.set(JAVA_INT, UringAbi.PARAMS_FLAGS, flags);
                fd = RawSyscalls.syscall(UringAbi.SYS_IO_URING_SETUP, entries, params);
                if (!fd.failed() || fd.errno() != LinuxErrno.EINVAL) {
                    break;
                }
            }
            if (fd.failed()) {
                String reason = UringProbe.reasonFor(fd.errno());
                int fix = reason.lastIndexOf("Fix: ");
                throw new UringException(reason.substring(0, fix).strip(), fd.errno(), reason.substring(fix + 5));
            }
            return map((int) fd.value(), params);
        }
    }

    private static IoUring map(int ringFd, MemorySegment params) {
        int features = (int) UringAbi.PARAMS_FEATURES.get(params, 0L);
        int sqCount = params.get(JAVA_INT, UringAbi.PARAMS_SQ_ENTRIES);
        int cqCount = params.get(JAVA_INT, UringAbi.PARAMS_CQ_ENTRIES);
        long sqRingSize = params.get(JAVA_INT, UringAbi.PARAMS_SQ_ARRAY) + 4L * sqCount;
        long cqRingSize = params.get(JAVA_INT, UringAbi.PARAMS_CQ_CQES) + CQE_SIZE * cqCount;
        boolean single = (features & UringAbi.IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqRingSize = Math.max(sqRingSize, cqRingSize);
            cqRingSize = sqRingSize;
        }
        Mapping[] owned = new Mapping[single ? 2 : 3];
        int mapped = 0;
        try {
            long sqRingAddr = mmap(ringFd, sqRingSize, UringAbi.IORING_OFF_SQ_RING, "SQ ring");
            owned[mapped++] = new Mapping(sqRingAddr, sqRingSize);
            long cqRingAddr = sqRingAddr;
            if (!single) {
                cqRingAddr = mmap(ringFd, cqRingSize, UringAbi.IORING_OFF_CQ_RING, "CQ ring");
                owned[mapped++] = new Mapping(cqRingAddr, cqRingSize);
            }
            long sqesSize = SQE_SIZE * sqCount;
            long sqesAddr = mmap(ringFd, sqesSize, UringAbi.IORING_OFF_SQES, "SQE array");
            owned[mapped++] = new Mapping(sqesAddr, sqesSize);
            return new IoUring(ringFd, params, owned, sqRingAddr, sqRingSize, cqRingAddr, cqRingSize, sqesAddr);
        } catch (RuntimeException e) {
            for (int i = 0; i < mapped; i++) {
                RawSyscalls.munmap(owned[i].address(), owned[i].length());
            }
            RawSyscalls.close(ringFd);
            throw e;
        }
    }

    private static long mmap(int ringFd, long size, long offset, String what) {
        RawSyscalls.Result r = RawSyscalls.mmap(size, UringAbi.PROT_READ_WRITE,
                UringAbi.MAP_SHARED | UringAbi.MAP_POPULATE, ringFd, offset);
        if (r.failed()) {
            throw new UringException("mmap of the io_uring " + what + " (" + size + " bytes) failed with "
                    + LinuxErrno.describe(r.errno()), r.errno(),
                    "free memory or raise the locked-memory limit (ulimit -l), or use a smaller ring");
        }
        return r.value();
    }

    /** Submission ring slots. */
    public int sqEntries() {
        return sqEntries;
    }

    /** Completion ring slots: the most requests that may be in flight at once. */
    public int cqEntries() {
        return cqEntries;
    }

    /** The {@code IORING_FEAT_*} bits the kernel reported; see {@link UringAbi#featureNames(int)}. */
    public int features() {
        return features;
    }

    /** The {@code IORING_SETUP_*} flags the ring was created with; see {@link UringAbi#setupFlagNames(int)}. */
    public int setupFlags() {
        return setupFlags;
    }

    /** The ring's file descriptor (its {@code /proc/self/fdinfo} entry describes it). */
    public int fd() {
        return ringFd;
    }

    /** False once {@link #close()} has run. */
    public boolean isOpen() {
        return !closed;
    }

    /** Free submission slots: how many more requests can be prepared before the next submit. */
    public int sqSpace() {
        ensureOpen();
        return sqEntries - (sqTail - (int) U32.getAcquire(sqRing, sqHeadOff));
    }

    /** Prepared requests the kernel has not consumed yet. */
    public int pendingSubmissions() {
        ensureOpen();
        return sqTail - (int) U32.getAcquire(sqRing, sqHeadOff);
    }

    /** Completions waiting in the completion ring. */
    public int readyCompletions() {
        ensureOpen();
        return (int) U32.getAcquire(cqRing, cqTailOff) - cqHead;
    }

    /**
     * Prepares {@code IORING_OP_READ}: read {@code buffer.byteSize()} bytes at {@code fileOffset} of {@code fd}
     * (an index into the registered file table when {@code fixedFile}) into {@code buffer}.
     *
     * @return false when the submission ring is full (submit first)
     */
    public boolean prepareRead(int fd, boolean fixedFile, MemorySegment buffer, long fileOffset, long userData) {
        return prepare(UringAbi.IORING_OP_READ, fd, fixedFile, buffer, fileOffset, 0, userData);
    }

    /**
     * Prepares {@code IORING_OP_READ_FIXED}: like {@link #prepareRead} into a part of registered buffer
     * {@code bufIndex} ({@code buffer} must lie inside it).
     *
     * @return false when the submission ring is full (submit first)
     */
    public boolean prepareReadFixed(int fd, boolean fixedFile, MemorySegment buffer, int bufIndex, long fileOffset,
            long userData) {
        if (bufIndex < 0 || bufIndex >= registeredBuffers.size()) {
            throw new UringException("READ_FIXED names registered buffer " + bufIndex + " but the ring has "
                    + registeredBuffers.size() + " registered buffers",
                    "register the buffers first (registerBuffers) and use an index below their count");
        }
        return prepare(UringAbi.IORING_OP_READ_FIXED, fd, fixedFile, buffer, fileOffset, bufIndex, userData);
    }

    private boolean prepare(byte opcode, int fd, boolean fixedFile, MemorySegment buffer, long fileOffset,
            int bufIndex, long userData) {
        ensureOpen();
        if (!buffer.isNative() || buffer.byteSize() > Integer.MAX_VALUE || fileOffset < 0) {
            throw new UringException("cannot read " + buffer.byteSize() + " bytes at file offset " + fileOffset
                    + " into a " + (buffer.isNative() ? "native" : "heap") + " segment",
                    "read into native memory (an Arena or a BufferPool), at most 2 GiB - 1 per request, at a"
                            + " non-negative offset");
        }
        if (fixedFile && (fd < 0 || fd >= registeredFiles)) {
            throw new UringException("fixed file index " + fd + " is outside the registered file table of "
                    + registeredFiles + " slots", "register files first and use an index below the table size");
        }
        if (sqTail - (int) U32.getAcquire(sqRing, sqHeadOff) == sqEntries) {
            return false;
        }
        long sqe = (sqTail & sqMask) * SQE_SIZE;
        sqes.set(JAVA_BYTE, sqe + UringAbi.SQE_OPCODE, opcode);
        sqes.set(JAVA_BYTE, sqe + UringAbi.SQE_FLAGS, fixedFile ? UringAbi.IOSQE_FIXED_FILE : 0);
        sqes.set(JAVA_SHORT, sqe + UringAbi.SQE_IOPRIO, (short) 0);
        sqes.set(JAVA_INT, sqe + UringAbi.SQE_FD, fd);
        sqes.set(JAVA_LONG, sqe + UringAbi.SQE_OFF, fileOffset);
        sqes.set(JAVA_LONG, sqe + UringAbi.SQE_ADDR, buffer.address());
        sqes.set(JAVA_INT, sqe + UringAbi.SQE_LEN, (int) buffer.byteSize());
        sqes.set(JAVA_INT, sqe + UringAbi.SQE_RW_FLAGS, 0);
        sqes.set(JAVA_LONG, sqe + UringAbi.SQE_USER_DATA, userData);
        sqes.set(JAVA_SHORT, sqe + UringAbi.SQE_BUF_INDEX, (short) bufIndex);
        sqes.set(JAVA_SHORT, sqe + UringAbi.SQE_PERSONALITY, (short) 0);
        sqes.set(JAVA_INT, sqe + UringAbi.SQE_FILE_INDEX, 0);
        sqes.set(JAVA_LONG, sqe + UringAbi.SQE_ADDR3, 0L);
        sqes.set(JAVA_LONG, sqe + UringAbi.SQE_PAD2, 0L);
        sqTail++;
        return true;
    }

    /** Submits every prepared request without waiting; returns how many the kernel took. */
    public int submit() {
        return submitAndWait(0);
    }

    /**
     * Submits every prepared request and, when {@code minComplete > 0}, waits until at least that many
     * completions are ready. An interrupted wait ({@code EINTR}) is resumed.
     *
     * @return how many prepared requests the kernel took
     */
    public int submitAndWait(int minComplete) {
        ensureOpen();
        U32.setRelease(sqRing, sqTailOff, sqTail); // the SQEs written above become visible with the tail
        int submitted = 0;
        while (true) {
            int toSubmit = sqTail - (int) U32.getAcquire(sqRing, sqHeadOff);
            if (toSubmit == 0 && (minComplete == 0 || readyCompletions() >= minComplete)) {
                return submitted;
            }
            int flags = minComplete > 0 ? UringAbi.IORING_ENTER_GETEVENTS : 0;
            RawSyscalls.Result r = RawSyscalls.syscall6(UringAbi.SYS_IO_URING_ENTER, ringFd, toSubmit, minComplete,
                    flags, 0L, 0L);
            if (!r.failed()) {
                submitted += (int) r.value();
                if (r.value() >= toSubmit || r.value() == 0) {
                    return submitted;
                }
                continue; // the kernel took part of the batch: offer the rest
            }
            int errno = r.errno();
            if (errno == LinuxErrno.EINTR) {
                continue;
            }
            if ((errno == LinuxErrno.EAGAIN || errno == LinuxErrno.EBUSY) && readyCompletions() > 0) {
                return submitted; // the caller reaps, which frees kernel resources, then submits again
            }
            throw new UringException("io_uring_enter(to_submit=" + toSubmit + ", min_complete=" + minComplete
                    + ") failed with " + LinuxErrno.describe(errno), errno,
                    errno == LinuxErrno.EAGAIN || errno == LinuxErrno.EBUSY
                            ? "keep fewer requests in flight than the completion ring holds (" + cqEntries + ")"
                            : "report this with the output of uname -r");
        }
    }

    /**
     * Hands every ready completion to {@code handler}, oldest first, and returns how many there were. Each slot is
     * given back to the kernel before its handler runs, so a throwing handler loses nothing but its own entry.
     */
    public int reap(CompletionHandler handler) {
        ensureOpen();
        int count = 0;
        int tail = (int) U32.getAcquire(cqRing, cqTailOff);
        while (cqHead != tail && !closed) {
            long cqe = cqesOff + (cqHead & cqMask) * CQE_SIZE;
            long userData = cqRing.get(JAVA_LONG, cqe + CQE_USER_DATA);
            int res = cqRing.get(JAVA_INT, cqe + CQE_RES);
            int flags = cqRing.get(JAVA_INT, cqe + CQE_FLAGS);
            cqHead++;
            U32.setRelease(cqRing, cqHeadOff, cqHead);
            count++;
            handler.onCompletion(userData, res, flags);
            if (cqHead == tail && !closed) {
                tail = (int) U32.getAcquire(cqRing, cqTailOff);
            }
        }
        return count;
    }

    /**
     * Registers {@code buffers} ({@code IORING_REGISTER_BUFFERS}): buffer {@code i} becomes {@code buf_index i}
     * of {@link #prepareReadFixed}. The kernel pins their pages until {@link #unregisterBuffers()} or close.
     *
     * @throws UringException when buffers are already registered, or the kernel refuses (ENOMEM: the locked-memory
     *                        limit)
     */
    public void registerBuffers(List<MemorySegment> buffers) {
        ensureOpen();
        if (!registeredBuffers.isEmpty()) {
            throw new UringException("this io_uring already has " + registeredBuffers.size()
                    + " registered buffers", "unregister them (unregisterBuffers) before registering others");
        }
        if (buffers.isEmpty()) {
            throw new UringException("no buffers to register", "pass at least one native buffer");
        }
        long total = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iovecs = arena.allocate(UringAbi.IOVEC, buffers.size());
            for (int i = 0; i < buffers.size(); i++) {
                MemorySegment b = buffers.get(i);
                if (!b.isNative()) {
                    throw new UringException("buffer " + i + " is a heap segment", "register native memory only");
                }
                long base = i * UringAbi.IOVEC.byteSize();
                iovecs.set(JAVA_LONG, base + UringAbi.IOVEC_BASE, b.address());
                iovecs.set(JAVA_LONG, base + UringAbi.IOVEC_LEN, b.byteSize());
                total += b.byteSize();
            }
            register(UringAbi.IORING_REGISTER_BUFFERS, iovecs.address(), buffers.size(),
                    "IORING_REGISTER_BUFFERS (" + buffers.size() + " buffers, " + total + " bytes)",
                    "raise the locked-memory limit (ulimit -l, or LimitMEMLOCK= for a systemd service) above "
                            + total + " bytes, or register fewer or smaller buffers");
        }
        registeredBuffers = buffers;
    }

    /** The buffers registered now (the list given to {@link #registerBuffers}), empty when none. */
    public List<MemorySegment> registeredBuffers() {
        return registeredBuffers;
    }

    /** Unregisters the registered buffers, if any ({@code IORING_UNREGISTER_BUFFERS}). */
    public void unregisterBuffers() {
        ensureOpen();
        if (registeredBuffers.isEmpty()) {
            return;
        }
        registeredBuffers = List.of();
        register(UringAbi.IORING_UNREGISTER_BUFFERS, 0L, 0, "IORING_UNREGISTER_BUFFERS",
                "report this with the output of uname -r");
    }

    /**
     * Registers a fixed-file table ({@code IORING_REGISTER_FILES}); {@code -1} leaves a slot empty (kernel 5.5+).
     * A request with {@code fixedFile} names a slot instead of a descriptor.
     */
    public void registerFiles(int[] fds) {
        ensureOpen();
        if (registeredFiles != 0) {
            throw new UringException("this io_uring already has a fixed-file table of " + registeredFiles
                    + " slots", "update slots with updateFiles, or unregisterFiles first");
        }
        if (fds.length == 0) {
            throw new UringException("an empty fixed-file table", "register at least one slot");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocateFrom(JAVA_INT, fds);
            register(UringAbi.IORING_REGISTER_FILES, table.address(), fds.length,
                    "IORING_REGISTER_FILES (" + fds.length + " slots)",
                    "raise the open-files limit (ulimit -n) or use a smaller table");
        }
        registeredFiles = fds.length;
    }

    /** Replaces fixed-file slots {@code offset .. offset + fds.length - 1}; {@code -1} empties a slot. */
    public void updateFiles(int offset, int... fds) {
        ensureOpen();
        if (offset < 0 || fds.length == 0 || offset + (long) fds.length > registeredFiles) {
            throw new UringException("fixed-file update of " + fds.length + " slots at " + offset
                    + " does not fit the table of " + registeredFiles + " slots",
                    "register a table first and update slots inside it");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocateFrom(JAVA_INT, fds);
            MemorySegment update = arena.allocate(UringAbi.IO_URING_FILES_UPDATE);
            update.set(JAVA_INT, UringAbi.FILES_UPDATE_OFFSET, offset);
            update.set(JAVA_LONG, UringAbi.FILES_UPDATE_FDS, table.address());
            long done = register(UringAbi.IORING_REGISTER_FILES_UPDATE, update.address(), fds.length,
                    "IORING_REGISTER_FILES_UPDATE (" + fds.length + " slots at " + offset + ")",
                    "pass open descriptors (or -1) only");
            if (done != fds.length) {
                throw new UringException("IORING_REGISTER_FILES_UPDATE updated " + done + " of " + fds.length
                        + " slots", "pass open descriptors (or -1) only");
            }
        }
    }

    /** Slots of the fixed-file table, 0 when none is registered. */
    public int registeredFileCount() {
        return registeredFiles;
    }

    /** Unregisters the fixed-file table, if any ({@code IORING_UNREGISTER_FILES}). */
    public void unregisterFiles() {
        ensureOpen();
        if (registeredFiles == 0) {
            return;
        }
        registeredFiles = 0;
        register(UringAbi.IORING_UNREGISTER_FILES, 0L, 0, "IORING_UNREGISTER_FILES",
                "report this with the output of uname -r");
    }

    private long register(int opcode, long arg, int nrArgs, String what, String fix) {
        while (true) {
            RawSyscalls.Result r = RawSyscalls.syscall6(UringAbi.SYS_IO_URING_REGISTER, ringFd, opcode, arg, nrArgs,
                    0L, 0L);
            if (!r.failed()) {
                return r.value();
            }
            if (r.errno() != LinuxErrno.EINTR) {
                throw new UringException("io_uring_register " + what + " failed with "
                        + LinuxErrno.describe(r.errno()), r.errno(), fix);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new UringException("this io_uring (fd " + ringFd + ") is closed",
                    "open a new ring with IoUring.open");
        }
    }

    /**
     * Unregisters buffers and files, unmaps the rings and closes the ring descriptor. Idempotent. Reap every
     * request first: the kernel cancels what is still in flight.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        UringException failure = null;
        try {
            unregisterBuffers();
        } catch (UringException e) {
            failure = e;
        }
        try {
            unregisterFiles();
        } catch (UringException e) {
            failure = failure == null ? e : failure;
        }
        closed = true;
        mappings.close();
        for (Mapping m : ownedMappings) {
            RawSyscalls.Result r = RawSyscalls.munmap(m.address(), m.length());
            if (r.failed() && failure == null) {
                failure = new UringException("munmap of an io_uring ring (" + m.length() + " bytes) failed with "
                        + LinuxErrno.describe(r.errno()), r.errno(), "report this as a vyre bug");
            }
        }
        RawSyscalls.Result r = RawSyscalls.close(ringFd);
        if (r.failed() && failure == null) {
            failure = new UringException("close of io_uring fd " + ringFd + " failed with "
                    + LinuxErrno.describe(r.errno()), r.errno(), "report this as a vyre bug");
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "io_uring(fd " + ringFd + ", " + sqEntries + " SQ / " + cqEntries + " CQ entries, setup "
                + UringAbi.setupFlagNames(setupFlags) + ")";
    }
}
