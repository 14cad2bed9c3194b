package dev.vyre.runtime.stream;

import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.uring.BufferHandle;
import dev.vyre.uring.IngestEvent;
import dev.vyre.uring.IngestFile;
import dev.vyre.uring.IngestFileException;
import dev.vyre.uring.ReaderKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One run of a {@link GpuStream}: the reader's sink, which turns chunks into slots, and the completions, which give
 * the buffers back.
 *
 * <p><b>Overlap.</b> With an overlap of {@code k} bytes, the slot of a full chunk at file offset {@code o} also
 * names the first {@code min(k, length)} bytes of the chunk at {@code o + chunkSize} (in that chunk's buffer, read
 * in place), so it is published once that chunk has arrived or the file has ended. A buffer is therefore referenced
 * by its own slot and, from the second chunk of a file on, by the slot of the chunk before it; it goes back to the
 * pool when both have finished (or when it is known that the chunk before will not reference it). Only the last
 * chunk the reader handed out can wait for a read not yet issued, so two buffers always make progress.
 *
 * <p><b>Locking.</b> One lock guards the run's state; publishing (which waits for a free ring slot) and user
 * callbacks happen outside it, so a completion on the reaper thread never waits for a publisher.
 */
final class StreamRun {
    /** A chunk's buffer: its own slot holds one reference, the previous chunk's slot (with overlap) another. */
    private static final class Piece {
        final FileState file;
        final long fileOffset;
        final BufferHandle buffer;
        final long dataOffset;
        int refs = 1;

        Piece(FileState file, long fileOffset, BufferHandle buffer, long dataOffset) {
            this.file = file;
            this.fileOffset = fileOffset;
            this.buffer = buffer;
            this.dataOffset = dataOffset;
        }
    }

    /** What the run knows about one file. */
    private static final class FileState {
        final IngestFile file;
        long bytes;
        long chunks;
        long faults;
        SlotOutcome firstFault;
        IngestFileException error;
        long expected = -1;
        boolean shrunk;
        boolean readEnded;
        boolean settled;
        int slotsOut;
        /** Full chunks waiting for the next chunk (their overlap), by file offset. */
        final Map<Long, Piece> needNext = new TreeMap<>();
        /** Chunks whose buffer is reserved for the previous chunk's slot, which has not arrived, by file offset. */
        final Map<Long, Piece> needPrevious = new TreeMap<>();

        FileState(IngestFile file) {
            this.file = file;
        }
    }

    /** A slot to publish: its chunk, the chunk its overlap comes from (or null), and its words. */
    private record Publication(Piece own, Piece next, ChunkSlot slot) {
    }

    /** Thrown by the sink to stop the reader; never leaves {@link GpuStream}. */
    static final class StopRead extends GpuStreamException {
        private static final long serialVersionUID = 1L;

        StopRead() {
            super("the stream run was asked to stop", "nothing to fix: the run ends after the chunks in hand");
        }
    }

    private static final ThreadLocal<Boolean> IN_CALLBACK = ThreadLocal.withInitial(() -> false);

    private final GpuStream.Settings settings;
    private final BooleanSupplier stopRequested;
    private final long dataBase;
    private final Map<Integer, FileState> files = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition allFinished = lock.newCondition();
    private final Object callbackLock = new Object();
    private final long startNanos = System.nanoTime();
    private int slotsOut;
    private int filesEnded;
    private long chunksFinished;
    private long bytesFinished;
    /** Why publishing stopped (the megakernel refused or closed), or null. Written under the lock. */
    private volatile MegakernelException publishFailure;
    /** The first exception a user callback threw, or null. Written under the lock. */
    private volatile RuntimeException callbackFailure;

    StreamRun(GpuStream.Settings settings, List<IngestFile> toRead, List<IngestEvent.FileFailed> unreadable,
              long dataBase, BooleanSupplier stopRequested) {
        this.settings = settings;
        this.dataBase = dataBase;
        this.stopRequested = stopRequested;
        List<IngestFile> all = new ArrayList<>(toRead);
        unreadable.forEach(f -> all.add(f.file()));
        all.sort(Comparator.comparingInt(IngestFile::id));
        for (IngestFile f : all) {
            if (files.put(f.id(), new FileState(f)) != null) {
                throw new GpuStreamException("file id " + f.id() + " is given twice (" + f.path() + ")",
                        "give every file of a run its own id");
            }
        }
        for (IngestEvent.FileFailed f : unreadable) {
            FileState s = files.get(f.file().id());
            s.error = f.error();
            s.readEnded = true;
            s.settled = true;
            filesEnded++;
        }
    }

    /** Whether the calling thread is inside one of this stream's user callbacks. */
    static boolean inCallback() {
        return IN_CALLBACK.get();
    }

    // ---- the reader's sink (reading thread) ---------------------------------------------------------------

    /** The sink: a chunk becomes a slot (with overlap: once its next chunk is here), a file end settles it. */
    void accept(IngestEvent event) {
        List<Publication> out = new ArrayList<>(2);
        boolean ended = false;
        lock.lock();
        try {
            FileState f = files.get(event.file().id());
            if (f == null) {
                if (event instanceof IngestEvent.Chunk c) {
                    c.release();
                }
                throw new GpuStreamException("the reader reported " + event.file() + ", which is not in this run",
                        "report this as a bug with the full message");
            }
            switch (event) {
                case IngestEvent.Chunk c -> {
                    if (stopping()) {
                        c.release();
                        throw new StopRead();
                    }
                    arrive(f, c, out);
                }
                case IngestEvent.FileDone d -> {
                    f.expected = d.expectedBytes();
                    f.shrunk = d.shrunk();
                    ended = end(f, out);
                }
                case IngestEvent.FileFailed failed -> {
                    f.error = failed.error();
                    ended = end(f, out);
                }
            }
        } finally {
            lock.unlock();
        }
        publish(out);
        if (ended) {
            reportProgress();
        }
        if (stopping()) {
            throw new StopRead();
        }
    }

    private boolean stopping() {
        return stopRequested.getAsBoolean() || publishFailure != null || callbackFailure != null;
    }

    private void arrive(FileState f, IngestEvent.Chunk c, List<Publication> out) {
        int overlap = settings.overlap();
        int chunkSize = settings.chunkSize();
        Piece p = new Piece(f, c.fileOffset(), c.buffer(), c.buffer().segment().address() - dataBase);
        if (overlap == 0) {
            out.add(publication(p, null));
            return;
        }
        if (p.fileOffset > 0) {
            p.refs++; // reserved for the previous chunk's slot
            Piece previous = f.needNext.remove(p.fileOffset - chunkSize);
            if (previous != null) {
                out.add(publication(previous, p));
            } else {
                f.needPrevious.put(p.fileOffset, p);
            }
        }
        if (c.length() == chunkSize) {
            Piece next = f.needPrevious.remove(p.fileOffset + chunkSize);
            if (next != null) {
                out.add(publication(p, next));
            } else {
                f.needNext.put(p.fileOffset, p);
            }
        } else {
            out.add(publication(p, null));
        }
    }

    /**
     * The reader ended {@code f}: chunks still waiting for a next one go without overlap. True when that settled the
     * file (no slot of it is out).
     */
    private boolean end(FileState f, List<Publication> out) {
        f.readEnded = true;
        flush(f, out, true);
        return settleIfDone(f);
    }

    /** Publishes (or, when {@code publish} is false, releases) what waits in {@code f}'s overlap maps. */
    private void flush(FileState f, List<Publication> out, boolean publish) {
        for (Piece p : f.needNext.values()) {
            if (publish) {
                out.add(publication(p, null));
            } else {
                dereference(p);
            }
        }
        f.needNext.clear();
        for (Piece p : f.needPrevious.values()) {
            dereference(p);
        }
        f.needPrevious.clear();
    }

    private Publication publication(Piece own, Piece next) {
        int overlap = next == null ? 0 : Math.min(settings.overlap(), next.buffer.length());
        ChunkSlot slot = new ChunkSlot(own.buffer.index(), own.dataOffset, own.buffer.length(), own.file.file.id(),
                own.fileOffset, overlap, next == null ? 0 : next.dataOffset);
        own.file.slotsOut++;
        slotsOut++;
        return new Publication(own, next, slot);
    }

    /** Publishes outside the lock (the ring may be full); a refused publish gives its buffers back. */
    private void publish(List<Publication> out) {
        for (Publication p : out) {
            Ticket ticket;
            try {
                ticket = settings.kernel().publish(settings.opcode(), settings.tenant(), settings.priority(),
                        p.slot().toArgs());
            } catch (MegakernelException e) {
                unpublished(p, e);
                continue;
            }
            ticket.future().whenComplete((outcome, failure) -> finished(p, outcome, failure));
        }
    }

    private void unpublished(Publication p, MegakernelException e) {
        lock.lock();
        try {
            if (publishFailure == null) {
                publishFailure = e;
            }
            p.own().file.faults++;
            release(p);
            slotDone();
        } finally {
            lock.unlock();
        }
    }

    // ---- completions (reaper thread) ----------------------------------------------------------------------

    /**
     * A slot finished: counts it, tells {@code onChunk}, gives its buffers back, tells {@code onProgress}, and only
     * then counts it out of the run (so a run returns after its last callback).
     */
    private void finished(Publication p, SlotOutcome outcome, Throwable failure) {
        RuntimeException why = failure == null ? null : unwrap(failure);
        lock.lock();
        try {
            FileState f = p.own().file;
            f.chunks++;
            f.bytes += p.slot().length();
            chunksFinished++;
            bytesFinished += p.slot().length();
            if (outcome == null || outcome.isFault()) {
                f.faults++;
                if (outcome != null && f.firstFault == null) {
                    f.firstFault = outcome;
                }
            }
        } finally {
            lock.unlock();
        }
        try {
            if (settings.onChunk() != null) {
                callback(() -> settings.onChunk().accept(new ChunkResult(p.own().file.file, p.slot(), outcome,
                        why)));
            }
            lock.lock();
            try {
                release(p);
            } finally {
                lock.unlock();
            }
            reportProgress();
        } finally {
            lock.lock();
            try {
                slotDone();
            } finally {
                lock.unlock();
            }
        }
    }

    private static RuntimeException unwrap(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return cause instanceof RuntimeException r ? r : new CompletionException(cause);
    }

    /** Drops the slot's buffer references and counts it out of its file. Under the lock. */
    private void release(Publication p) {
        dereference(p.own());
        if (p.next() != null) {
            dereference(p.next());
        }
        p.own().file.slotsOut--;
        settleIfDone(p.own().file);
    }

    /** Counts a slot out of the run, after its callbacks. Under the lock. */
    private void slotDone() {
        if (--slotsOut == 0) {
            allFinished.signalAll();
        }
    }

    private static void dereference(Piece p) {
        if (--p.refs == 0) {
            p.buffer.release();
        }
    }

    private boolean settleIfDone(FileState f) {
        if (f.readEnded && !f.settled && f.slotsOut == 0 && f.needNext.isEmpty()) {
            f.settled = true;
            filesEnded++;
            return true;
        }
        return false;
    }

    /**
     * Calls {@code onProgress} with where the run stands; the snapshot is taken inside the callback section, so
     * successive calls never go back even when they come from different threads.
     */
    private void reportProgress() {
        if (settings.onProgress() == null) {
            return;
        }
        callback(() -> {
            StreamProgress progress;
            lock.lock();
            try {
                progress = new StreamProgress(filesEnded, files.size(), chunksFinished, bytesFinished);
            } finally {
                lock.unlock();
            }
            settings.onProgress().accept(progress);
        });
    }

    /** Runs a user callback, one at a time per run; a throw stops the run. */
    private void callback(Runnable call) {
        synchronized (callbackLock) {
            IN_CALLBACK.set(true);
            try {
                call.run();
            } catch (RuntimeException e) {
                lock.lock();
                try {
                    if (callbackFailure == null) {
                        callbackFailure = e;
                    }
                } finally {
                    lock.unlock();
                }
            } finally {
                IN_CALLBACK.set(false);
            }
        }
    }

    // ---- the end of a run (reading thread) ----------------------------------------------------------------

    /**
     * After the reader returned or stopped: chunks still waiting for a next one are published without overlap
     * (when the megakernel still takes slots; else their buffers go back), reservations are dropped.
     */
    void finishRead() {
        List<Publication> out = new ArrayList<>();
        lock.lock();
        try {
            for (FileState f : files.values()) {
                flush(f, out, publishFailure == null);
            }
        } finally {
            lock.unlock();
        }
        publish(out);
    }

    /**
     * Waits until every published slot has finished.
     *
     * @throws GpuStreamException when they do not finish within {@code timeout}
     */
    void awaitSlots(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        lock.lock();
        try {
            while (slotsOut > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GpuStreamException(slotsOut + " chunk slots did not finish within " + timeout
                            + "; their buffers stay lent", "check that the megakernel runs and that the handler"
                            + " terminates, or raise GpuStream.Builder.drainTimeout; close the megakernel before"
                            + " reusing the memory");
                }
                try {
                    allFinished.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Why the run stopped on its own (publishing refused, a callback threw), or null. */
    RuntimeException failure() {
        lock.lock();
        try {
            return publishFailure != null ? publishFailure : callbackFailure;
        } finally {
            lock.unlock();
        }
    }

    /** The report: per file, in id order. */
    StreamReport report(ReaderKind reader) {
        lock.lock();
        try {
            List<FileReport> reports = new ArrayList<>(files.size());
            boolean stopped = false;
            for (FileState f : files.values()) {
                stopped |= !f.readEnded;
                reports.add(new FileReport(f.file, f.bytes, f.expected, f.chunks, f.faults,
                        f.firstFault, f.error, f.readEnded, f.shrunk));
            }
            return new StreamReport(reports, Duration.ofNanos(System.nanoTime() - startNanos), reader, stopped);
        } finally {
            lock.unlock();
        }
    }
}
