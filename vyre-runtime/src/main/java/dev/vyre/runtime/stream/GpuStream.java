package dev.vyre.runtime.stream;

import dev.vyre.core.VyreException;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.KernelClosedException;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.uring.BufferPool;
import dev.vyre.uring.ChunkReader;
import dev.vyre.uring.ChunkReaders;
import dev.vyre.uring.IngestEvent;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestSources;
import dev.vyre.uring.Notices;
import dev.vyre.uring.ReaderKind;
import dev.vyre.uring.ReaderOptions;
import dev.vyre.uring.UringProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Streams files (directories recursively) through a megakernel: each chunk a {@link ChunkReader} reads (io_uring,
 * or FileChannel where io_uring is unavailable) becomes one slot of the caller's opcode whose arguments name the
 * chunk ({@link ChunkSlot}); the handler reads the bytes in place, in the megakernel's data region, where the
 * stream's {@link BufferPool} lives. A buffer goes back to the pool when every slot that names it has finished.
 *
 * <pre>{@code
 * MegakernelConfig config = MegakernelConfig.defaults().withHandler(OP, handler)
 *         .withDataBytes(GpuStream.dataBytes(32, 1 << 20));
 * try (Megakernel k = Megakernel.bootstrap(BackendKind.CPU, config);
 *      GpuStream s = GpuStream.builder(k).opcode(OP).chunkSize(1 << 20).buffers(32).overlap(64).build()) {
 *     StreamReport r = s.stream(List.of(Path.of("/data")));
 * }
 * }</pre>
 *
 * <p><b>Backpressure.</b> The reader waits for a free buffer when every buffer is named by an unfinished slot, and
 * a publish waits for a free ring slot; so neither memory nor the ring overflows, whatever the speed of the
 * handler. <b>Errors.</b> A file that is missing, unreadable, a directory, or that fails while read ends with its
 * error in its {@link FileReport}; the other files go on. A file that shrinks while read ends at its new size
 * ({@link FileReport#shrunk()}). <b>Shutdown.</b> {@link #stream} returns once every slot it published has
 * finished and every buffer is back; {@link #stop()} (or {@link #close()}) ends a run early: the reader stops, the
 * chunks already read are still published, and the run returns when their slots have finished, nothing lost.
 *
 * <p><b>Parallel reading.</b> The files are read by {@link ReaderOptions#readers()} threads (default: half the
 * processors, at most {@value ReaderOptions#DEFAULT_READERS_CAP}; {@link Builder#readers}), each with its own
 * io_uring over the stream's one pool, taking whole files in turn; chunks are turned into slots one at a time, so a
 * file's chunks and its end keep their order and the backpressure above holds for all of them.
 *
 * <p>One run at a time; the stream may run again after a run returns. The pool's memory belongs to the megakernel:
 * {@link Megakernel#close()} closes the stream (its revoke action) before it frees the region, so closing the
 * megakernel first is safe, but closing the stream first is the clean order.
 */
public final class GpuStream implements AutoCloseable {
    /** Default chunk size: 1 MiB. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;
    /** Default number of buffers. */
    public static final int DEFAULT_BUFFERS = 32;
    /** Default bound on the wait for the last slots of a run. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofMinutes(5);

    /** What every run of a stream uses. */
    record Settings(Megakernel kernel, int opcode, int tenant, Priority priority, int chunkSize, int overlap,
                    Consumer<ChunkResult> onChunk, Consumer<StreamProgress> onProgress, Duration drainTimeout) {
    }

    private final Settings settings;
    private final BufferPool pool;
    private final ChunkReader reader;
    private final long dataBase;
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean stopRequested;
    private volatile boolean closed;
    /** Set when close() was called where it cannot wait (the running thread, a callback): the run closes. */
    private volatile boolean closeAfterRun;
    /** Set when the megakernel closed the stream (its data-region lease was revoked). */
    private volatile boolean revoked;
    private boolean released;

    private GpuStream(Settings settings, BufferPool pool, ChunkReader reader) {
        this.settings = settings;
        this.pool = pool;
        this.reader = reader;
        this.dataBase = settings.kernel().dataRegion().segment().address();
    }

    /** A builder for a stream feeding {@code kernel}. */
    public static Builder builder(Megakernel kernel) {
        if (kernel == null) {
            throw new GpuStreamException("megakernel is null", "pass a bootstrapped Megakernel");
        }
        return new Builder(kernel);
    }

    /**
     * Bytes of the megakernel's data region that a stream of {@code buffers} buffers of {@code chunkSize} bytes
     * takes: each buffer is rounded up to a page. Pass the sum over the streams to
     * {@code MegakernelConfig.withDataBytes}.
     */
    public static long dataBytes(int buffers, int chunkSize) {
        long stride = (chunkSize + BufferPool.DEFAULT_ALIGNMENT - 1) & -BufferPool.DEFAULT_ALIGNMENT;
        return buffers * stride;
    }

    /**
     * Streams {@code roots}: regular files, and directories walked recursively ({@link IngestSources#expand}: ids in
     * root order, then path order; paths that cannot be listed are reported as failed files). Returns when every
     * slot has finished.
     *
     * @throws GpuStreamException when the run stops as a whole (the megakernel refused or closed, the read failed,
     *                            a callback threw, slots did not finish within the drain timeout); its
     *                            {@link GpuStreamException#report()} says what was done
     */
    public StreamReport stream(List<Path> roots) {
        IngestSources.Expansion expansion = IngestSources.expand(roots);
        return run(expansion.files(), expansion.failures());
    }

    /** Streams {@code files} (each a regular file; ids must be distinct), as {@link #stream}. */
    public StreamReport streamFiles(List<IngestFile> files) {
        return run(files, List.of());
    }

    /**
     * Reads {@code files} into this stream's pool and hands every ingest event to {@code sink} instead of
     * publishing a chunk slot per chunk: for a consumer that runs its own slots over the chunks in place (the
     * {@code RingScanner} of {@code vyre scan}: DFA_STEP lanes over each chunk), takes each chunk's buffer with its
     * {@link IngestEvent.Chunk} and releases it once its slots are done. {@code unreadable} (paths that could not be
     * listed, from {@link IngestSources#expand}) are delivered first. The rest is as for {@link #stream}: io_uring
     * (or FileChannel) into the pool in the megakernel's data region, {@link ReaderOptions#readers()} reader threads,
     * a file's chunks and its end in order; <b>backpressure</b>: the reader waits for a free buffer, so at most the
     * pool's buffers are held by the consumer; <b>errors</b>: a missing, unreadable or vanished file ends with a
     * {@link IngestEvent.FileFailed} and the other files go on. Returns when every file has ended.
     *
     * @throws GpuStreamException when the stream is running or closed, or was stopped (or its megakernel closed)
     *                            before every file was read; chunks read after the stop are released, not delivered
     */
    public void feed(List<IngestFile> files, List<IngestEvent.FileFailed> unreadable, dev.vyre.uring.ChunkSink sink) {
        if (!running.tryLock()) {
            throw new GpuStreamException("this stream is already running", "run one stream() or feed() at a time"
                    + " per GpuStream");
        }
        try {
            stopRequested = false;
            if (closed) {
                throw new GpuStreamException("this stream is closed", "build a new GpuStream");
            }
            unreadable.forEach(sink::accept);
            try {
                reader.read(files, event -> {
                    if (stopRequested) {
                        if (event instanceof IngestEvent.Chunk c) {
                            c.release();
                        }
                        throw new StreamRun.StopRead();
                    }
                    sink.accept(event);
                });
            } catch (StreamRun.StopRead stop) {
                throw new GpuStreamException("the stream was stopped" + (revoked ? " by its megakernel's close" : "")
                        + " before every file was read", "do not stop or close a stream (or its megakernel) while"
                        + " it feeds a consumer");
            }
        } finally {
            try {
                if (closeAfterRun) {
                    release();
                }
            } finally {
                running.unlock();
            }
        }
    }

    private StreamReport run(List<IngestFile> files, List<IngestEvent.FileFailed> unreadable) {
        if (!running.tryLock()) {
            throw new GpuStreamException("this stream is already running", "run one stream() at a time per"
                    + " GpuStream; build another GpuStream for parallel runs");
        }
        try {
            stopRequested = false; // before the check: a close() racing with it then leaves the stop set
            if (closed) {
                throw new GpuStreamException("this stream is closed", "build a new GpuStream");
            }
            StreamRun run = new StreamRun(settings, files, unreadable, dataBase, () -> stopRequested);
            RuntimeException readFailure = null;
            try {
                reader.read(files, run::accept);
            } catch (StreamRun.StopRead stop) {
                // asked to stop, or the run stopped itself: run.failure() says which
            } catch (RuntimeException e) {
                readFailure = e;
            }
            run.finishRead();
            try {
                run.awaitSlots(settings.drainTimeout());
            } catch (GpuStreamException e) {
                throw new GpuStreamException(e.problem(), e.fix(), run.report(reader.kind()), readFailure);
            }
            StreamReport report = run.report(reader.kind());
            RuntimeException failure = readFailure != null ? readFailure : run.failure();
            if (failure == null && revoked && report.stopped()) {
                failure = new KernelClosedException("the megakernel was closed while this stream ran, which closed"
                        + " the stream", "close streams before their megakernel");
            }
            if (failure != null) {
                String what = failure instanceof VyreException v ? v.problem() : failure.toString();
                String fix = failure instanceof VyreException v ? v.fix() + "; " : "";
                throw new GpuStreamException("the stream run stopped: " + what,
                        fix + "the report says which files and bytes were done", report, failure);
            }
            return report;
        } finally {
            try {
                if (closeAfterRun) {
                    release();
                }
            } finally {
                running.unlock();
            }
        }
    }

    /**
     * Asks a running {@link #stream} to end: the reader stops, chunks already read are still published, and the run
     * returns (with {@link StreamReport#stopped()}) once their slots have finished. Does not wait; callable from
     * any thread, callbacks included.
     */
    public void stop() {
        stopRequested = true;
    }

    /** The stream's buffers (for inspection: every buffer is back after a run). */
    public BufferPool pool() {
        return pool;
    }

    /** Which reader reads the files. */
    public ReaderKind readerKind() {
        return reader.kind();
    }

    /** How the files are read, for reports. */
    public String readerDescription() {
        return reader.description();
    }

    /** The megakernel is closing: ends the run (reported as a failure) and closes the stream. */
    private void revoke() {
        revoked = true;
        close();
    }

    /**
     * Stops a running run, waits (up to the drain timeout) until it returned with every slot finished, then closes
     * the reader and the pool and gives the pool's range of the data region back. Called from a callback or from
     * the thread running {@link #stream}, it stops the run and the stream closes when the run returns. Idempotent.
     *
     * @throws GpuStreamException when the run does not end within the drain timeout
     */
    @Override
    public void close() {
        closed = true;
        stopRequested = true;
        if (running.isHeldByCurrentThread() || StreamRun.inCallback()) {
            closeAfterRun = true;
            return;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!running.tryLock(settings.drainTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                        throw new GpuStreamException("the running stream did not end within "
                                + settings.drainTimeout(), "close again to keep waiting, or check that the"
                                + " megakernel runs the chunk slots");
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            try {
                release();
            } finally {
                running.unlock();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closes the reader and the pool once. Called holding {@link #running}. */
    private void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            reader.close();
        } finally {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "GpuStream(opcode " + Opcodes.name(settings.opcode()) + ", " + pool + ", overlap "
                + settings.overlap() + ", " + reader.description() + ")";
    }

    /** Configures and builds a {@link GpuStream}. */
    public static final class Builder {
        private final Megakernel kernel;
        private Integer opcode;
        private int tenant;
        private Priority priority = Priority.NORMAL;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int overlap;
        private int buffers = DEFAULT_BUFFERS;
        private ReaderOptions readerOptions = ReaderOptions.defaults();
        private Notices notices = Notices.standard();
        private Supplier<UringProbe> probe = UringProbe::run;
        private Consumer<ChunkResult> onChunk;
        private Consumer<StreamProgress> onProgress;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;

        private Builder(Megakernel kernel) {
            this.kernel = kernel;
        }

        /** The opcode of every chunk slot (required): a user opcode with a handler, or a built-in. */
        public Builder opcode(int op) {
            this.opcode = op;
            return this;
        }

        /** The tenant that publishes the slots (default 0). */
        public Builder tenant(int t) {
            this.tenant = t;
            return this;
        }

        /** The slots' priority (default NORMAL). */
        public Builder priority(Priority p) {
            this.priority = p;
            return this;
        }

        /** Bytes of a file per chunk, and the size of each buffer (default 1 MiB). */
        public Builder chunkSize(int bytes) {
            this.chunkSize = bytes;
            return this;
        }

        /**
         * Bytes of the next chunk each chunk's slot also names (default 0), at most the chunk size: a handler that
         * scans across chunk boundaries (an automaton) sees {@code overlap} bytes past its chunk's end.
         */
        public Builder overlap(int bytes) {
            this.overlap = bytes;
            return this;
        }

        /** Buffers in the pool (default 32; at least 2 with overlap). */
        public Builder buffers(int count) {
            this.buffers = count;
            return this;
        }

        /**
         * How to read (io_uring or FileChannel, queue depth, O_DIRECT, parallel readers, ...); default
         * {@link ReaderOptions#defaults()}, which reads with {@link ReaderOptions#defaultReaders()} threads.
         */
        public Builder readerOptions(ReaderOptions options) {
            this.readerOptions = options;
            return this;
        }

        /**
         * Reader threads (each its own io_uring, all over the stream's buffers, taking whole files in turn): the
         * same as {@code readerOptions(options.withReaders(count))}; at most half the buffers are used as readers.
         * Default {@link ReaderOptions#defaultReaders()}.
         */
        public Builder readers(int count) {
            if (count < 1 || count > ReaderOptions.MAX_READERS) {
                throw new GpuStreamException(count + " reader threads is outside 1.." + ReaderOptions.MAX_READERS,
                        "use e.g. " + ReaderOptions.defaultReaders() + " (half the processors, at most "
                                + ReaderOptions.DEFAULT_READERS_CAP + ")");
            }
            this.readerOptions = (readerOptions == null ? ReaderOptions.defaults() : readerOptions).withReaders(count);
            return this;
        }

        /** Where one-time notices about the reader go (default {@link Notices#standard()}). */
        public Builder notices(Notices n) {
            this.notices = n;
            return this;
        }

        /** The io_uring probe (default {@link UringProbe#run()}); tests inject an unavailable one. */
        public Builder probe(Supplier<UringProbe> p) {
            this.probe = p;
            return this;
        }

        /**
         * Called with each chunk's result once its slot has finished, before its buffer goes back to the pool: on
         * the megakernel's reaper thread (keep it short, do not block on the megakernel), one call at a time. A
         * callback that throws stops the run.
         */
        public Builder onChunk(Consumer<ChunkResult> listener) {
            this.onChunk = listener;
            return this;
        }

        /** Called after each finished chunk and each ended file, one call at a time, as {@link #onChunk}. */
        public Builder onProgress(Consumer<StreamProgress> listener) {
            this.onProgress = listener;
            return this;
        }

        /** How long a run waits for its last slots, and {@link #close()} for a run (default 5 minutes). */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Checks the settings, leases the pool's range of the megakernel's data region and opens the reader.
         *
         * @throws GpuStreamException for a bad setting, a data region too small, or a reader that cannot open
         */
        public GpuStream build() {
            check();
            AtomicReference<GpuStream> built = new AtomicReference<>();
            Runnable onRevoke = () -> {
                GpuStream s = built.get();
                if (s != null) {
                    s.revoke();
                }
            };
            BufferPool pool = BufferPool.create(new RegionAllocator(kernel.dataRegion(), kernel.backendName(),
                    onRevoke), buffers, chunkSize);
            try {
                ChunkReader reader = ChunkReaders.open(pool, readerOptions, notices, probe);
                GpuStream stream = new GpuStream(new Settings(kernel, opcode, tenant, priority, chunkSize, overlap,
                        onChunk, onProgress, drainTimeout), pool, reader);
                built.set(stream);
                return stream;
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        private void check() {
            if (kernel.closing()) {
                throw new GpuStreamException("the megakernel is shutting down", "build streams on a running"
                        + " megakernel");
            }
            if (opcode == null) {
                throw new GpuStreamException("no opcode was given for the chunk slots",
                        "call opcode(op) with the user opcode whose handler reads the chunks");
            }
            int op = opcode;
            if (Opcodes.isSystem(op) ? Permissions.systemBit(op) < 0 || op == Opcodes.SHUTDOWN
                    : kernel.handlers().indexOf(op) < 0) {
                throw new GpuStreamException("opcode " + Opcodes.name(op) + (Opcodes.isSystem(op)
                        ? " cannot carry chunks" : " has no handler in this megakernel"), "register a handler with"
                        + " MegakernelConfig.withHandler(op, program) and stream with that opcode");
            }
            if (!Permissions.isTenant(tenant)) {
                throw new GpuStreamException("tenant " + tenant + " is outside 0.." + (Permissions.TENANTS - 1),
                        "publish as a tenant in 0.." + (Permissions.TENANTS - 1));
            }
            if (priority == null || readerOptions == null || notices == null || probe == null
                    || drainTimeout == null) {
                throw new GpuStreamException("a null priority, reader options, notices, probe or drain timeout",
                        "leave a setting at its default instead of passing null");
            }
            if (drainTimeout.isNegative() || drainTimeout.isZero()) {
                throw new GpuStreamException("drain timeout " + drainTimeout + " is not positive",
                        "pass e.g. Duration.ofMinutes(5)");
            }
            if (chunkSize < 1 || chunkSize > BufferPool.MAX_BUFFER_SIZE) {
                throw new GpuStreamException("chunk size " + chunkSize + " is outside 1.." + BufferPool.MAX_BUFFER_SIZE,
                        "use e.g. 1 MiB chunks");
            }
            if (overlap < 0 || overlap > chunkSize) {
                throw new GpuStreamException("overlap " + overlap + " is outside 0..chunk size " + chunkSize,
                        "carry at most one chunk's worth of the next chunk");
            }
            int least = overlap > 0 ? 2 : 1;
            if (buffers < least || buffers > BufferPool.MAX_BUFFERS) {
                throw new GpuStreamException(buffers + " buffers" + (overlap > 0 ? " with overlap" : "") + " is"
                        + " outside " + least + ".." + BufferPool.MAX_BUFFERS, overlap > 0 ? "use at least two buffers:"
                        + " a chunk waits for the next one to arrive" : "use at least one buffer");
            }
            if (dataBytes(buffers, chunkSize) > RingBuffers.MAX_DATA_BYTES) {
                throw new GpuStreamException(buffers + " buffers of " + chunkSize + " bytes exceed the largest data"
                        + " region (" + RingBuffers.MAX_DATA_BYTES + " bytes)", "use fewer or smaller buffers");
            }
        }
    }
}
