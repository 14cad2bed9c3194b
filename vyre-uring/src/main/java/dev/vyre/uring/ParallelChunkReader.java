package dev.vyre.uring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Several readers over one pool, each on its own thread (the calling thread is the first), taking whole files from
 * one shared {@link FileQueue}: page-cache reads are copies done by the thread that submits them, so the rate grows
 * with the threads that read. Each file is read by one reader, so its chunks and its end event keep the order of a
 * single reader. Events reach the sink from the reader threads one at a time (a lock serialises them), so a sink
 * written for one reader works unchanged.
 *
 * <p>When one reader fails (its sink threw, no buffer came back, interrupted), no more files are handed out and the
 * other readers stop at their next event (their reads in flight are waited for and their buffers go back); the
 * first failure is rethrown once every reader returned, the others attached as suppressed.
 */
final class ParallelChunkReader implements ChunkReader {
    private final List<QueueReader> readers;
    private final AtomicBoolean reading = new AtomicBoolean();
    private boolean closed;

    ParallelChunkReader(List<QueueReader> readers) {
        this.readers = List.copyOf(readers);
    }

    /** How many readers read in parallel. */
    int size() {
        return readers.size();
    }

    @Override
    public ReadSummary read(List<IngestFile> files, ChunkSink sink) {
        if (closed) {
            throw new IngestException("this parallel reader is closed", "open a new reader with ChunkReaders.open");
        }
        if (!reading.compareAndSet(false, true)) {
            throw new IngestException("this reader is already reading", "read one stream at a time per reader");
        }
        try {
            FileQueue queue = new FileQueue(files);
            SerialSink serial = new SerialSink(sink, queue);
            Outcome[] outcomes = new Outcome[readers.size()];
            List<Thread> threads = new ArrayList<>(readers.size() - 1);
            for (int i = 1; i < readers.size(); i++) {
                int index = i;
                outcomes[i] = new Outcome();
                threads.add(Thread.ofPlatform().daemon().name("vyre-reader-" + i)
                        .start(() -> outcomes[index].run(readers.get(index), queue, serial)));
            }
            outcomes[0] = new Outcome();
            outcomes[0].run(readers.getFirst(), queue, serial);
            joinAll(threads);
            return combine(outcomes);
        } finally {
            reading.set(false);
        }
    }

    /** Waits for every reader thread: their reads write into the pool, so none may outlive the read. */
    private static void joinAll(List<Thread> threads) {
        dev.vyre.core.Threads.joinAll(threads);
    }

    /** The summed summaries, or the first real failure with the others suppressed. */
    private static ReadSummary combine(Outcome[] outcomes) {
        Throwable first = null;
        ReadSummary total = new ReadSummary(0, 0, 0, 0, 0);
        for (Outcome o : outcomes) {
            if (o.failure == null) {
                total = total.plus(o.summary);
            } else if (!(o.failure instanceof Stopped)) {
                if (first == null) {
                    first = o.failure;
                } else {
                    first.addSuppressed(o.failure);
                }
            }
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        return total;
    }

    /** What one reader's part of the read ended with. */
    private static final class Outcome {
        ReadSummary summary;
        Throwable failure;

        void run(QueueReader reader, FileQueue queue, SerialSink sink) {
            try {
                summary = reader.readFrom(queue, sink);
            } catch (RuntimeException | Error e) {
                failure = e;
                sink.fail();
            }
        }
    }

    /** Thrown to the readers still reading once another one failed; never leaves {@link #read}. */
    private static final class Stopped extends IngestException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("another reader of this parallel read failed", "see the first failure, which read rethrows");
        }
    }

    /** Hands events to the sink one at a time; after a failure, refuses them (releasing chunks) with {@link Stopped}. */
    private static final class SerialSink implements ChunkSink {
        private final ChunkSink next;
        private final FileQueue queue;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile boolean failed;

        SerialSink(ChunkSink next, FileQueue queue) {
            this.next = next;
            this.queue = queue;
        }

        @Override
        public void accept(IngestEvent event) {
            lock.lock();
            try {
                if (failed) {
                    if (event instanceof IngestEvent.Chunk c) {
                        c.release();
                    }
                    throw new Stopped();
                }
                try {
                    next.accept(event);
                } catch (RuntimeException | Error e) {
                    fail();
                    throw e;
                }
            } finally {
                lock.unlock();
            }
        }

        /** No more files are handed out and the other readers stop at their next event. */
        void fail() {
            failed = true;
            queue.close();
        }
    }

    @Override
    public ReaderKind kind() {
        return readers.getFirst().kind();
    }

    @Override
    public String description() {
        return readers.size() + " parallel readers, each " + readers.getFirst().description();
    }

    /** Closes every reader (each its ring and registration), all of them even when one fails. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (QueueReader r : readers) {
            try {
                r.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
