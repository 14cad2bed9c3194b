package dev.vyre.runtime.replay;

import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotObserver;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the replay log (docs/REPLAY.md) off the hot path: the host's threads copy a slot's 16 words into an event
 * and put it on a bounded queue; one background thread pairs each publish with its outcome and writes the records in
 * sequence order. When the writer falls behind and the queue is full, the publishing threads and the reaper wait
 * for room (backpressure): the log stays complete and the ring slows to the writer's pace. If writing fails (disk
 * full), the recorder stops writing, lets every later event pass without waiting (counted as dropped in the
 * trailer) and {@link #close()} throws.
 */
public final class ReplayRecorder implements SlotObserver {
    private static final System.Logger LOG = System.getLogger("dev.vyre.runtime.replay");
    /** Blocks the writer gathers before one write. */
    private static final int WRITE_BLOCKS = 256;

    /** One copied slot: a publish (words as published) or an outcome (words as read back). */
    private record Event(boolean publish, long sequence, int slot, long nanos, int[] words) {
    }

    private static final Event END = new Event(false, -1, -1, 0, new int[0]);

    private final ReplayOptions options;
    private final FileChannel channel;
    private final BlockingQueue<Event> queue;
    private final long startNanos = System.nanoTime();
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile Throwable failure;
    private long written;
    private long unfinished;
    private boolean closed;

    private ReplayRecorder(ReplayOptions options, FileChannel channel) {
        this.options = options;
        this.channel = channel;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.writer = Thread.ofPlatform().daemon().name("vyre-replay-writer").unstarted(this::writeLoop);
    }

    /**
     * Creates (or replaces) the log file, writes its header for {@code config} and starts the writer.
     *
     * @throws ReplayException when the file cannot be created or written
     */
    public static ReplayRecorder open(ReplayOptions options, MegakernelConfig config) {
        byte[] header = ReplayFormat.encodeHeader(ReplayHeader.of(config));
        FileChannel ch = null;
        try {
            ch = FileChannel.open(options.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            writeFully(ch, ByteBuffer.wrap(header));
        } catch (IOException e) {
            closeQuietly(ch);
            throw new ReplayException("cannot create replay log " + options.file() + ": " + e, "pass a writable path"
                    + " in MegakernelConfig.withReplayLog", e);
        }
        ReplayRecorder r = new ReplayRecorder(options, ch);
        r.writer.start();
        return r;
    }

    @Override
    public void published(long sequence, int slot, RingView ring) {
        int[] words = copy(ring, slot);
        words[SlotLayout.STATUS] = SlotState.PUBLISHED.wire();
        offer(new Event(true, sequence, slot, System.nanoTime() - startNanos, words));
    }

    @Override
    public void finished(long sequence, int slot, RingView ring) {
        int[] words = copy(ring, slot);
        words[SlotLayout.STATUS] = ring.statusWord(slot);
        offer(new Event(false, sequence, slot, System.nanoTime() - startNanos, words));
    }

    private static int[] copy(RingView ring, int slot) {
        int[] w = new int[SlotLayout.SLOT_WORDS];
        for (int i = 1; i < SlotLayout.SLOT_WORDS; i++) {
            w[i] = ring.word(slot, i);
        }
        return w;
    }

    /** Puts {@code e} on the queue, waiting while it is full; drops it once the writer has failed. */
    private void offer(Event e) {
        boolean interrupted = false;
        try {
            while (failure == null) {
                try {
                    if (queue.offer(e, 10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    interrupted = true;
                }
            }
            dropped.incrementAndGet();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Slot words of one sequence until both halves arrived. */
    private static final class Pending {
        int slot;
        int[] published;
        long publishNanos;
        int[] result;
        long finishNanos;
    }

    private void writeLoop() {
        Map<Long, Pending> pending = new HashMap<>();
        long next = 0;
        ByteBuffer out = ByteBuffer.allocate(WRITE_BLOCKS * ReplayFormat.BLOCK_BYTES);
        List<Event> batch = new ArrayList<>();
        try {
            boolean end = false;
            while (!end) {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch);
                for (Event e : batch) {
                    if (e == END) {
                        end = true;
                        continue;
                    }
                    Pending p = pending.computeIfAbsent(e.sequence(), s -> new Pending());
                    p.slot = e.slot();
                    if (e.publish()) {
                        p.published = e.words();
                        p.publishNanos = e.nanos();
                    } else {
                        p.result = e.words();
                        p.finishNanos = e.nanos();
                    }
                }
                Pending p;
                while ((p = pending.get(next)) != null && p.published != null && p.result != null) {
                    pending.remove(next);
                    put(out, next++, p);
                }
                flush(out);
            }
            // at close: what never got an outcome (or a publish), in sequence order
            List<Long> rest = new ArrayList<>(pending.keySet());
            rest.sort(null);
            for (long s : rest) {
                Pending q = pending.get(s);
                if (q.published == null) {
                    continue;
                }
                if (q.result == null) {
                    q.result = q.published;
                    q.finishNanos = q.publishNanos;
                    unfinished++;
                }
                put(out, s, q);
            }
            flush(out);
        } catch (IOException | RuntimeException | InterruptedException e) {
            failure = e;
            LOG.log(Level.WARNING, "vyre replay log " + options.file() + ": writing failed (" + e + "); the rest of"
                    + " the run is not recorded");
            queue.clear();
        }
    }

    private void put(ByteBuffer out, long sequence, Pending p) throws IOException {
        if (out.remaining() < ReplayFormat.BLOCK_BYTES) {
            flush(out);
        }
        ReplayFormat.encodeRecord(new ReplayRecord(sequence, p.slot, p.result[SlotLayout.STATUS], p.publishNanos,
                p.finishNanos, p.published, p.result), out);
        written++;
    }

    private void flush(ByteBuffer out) throws IOException {
        out.flip();
        writeFully(channel, out);
        out.clear();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Waits for the writer to write everything observed, appends the trailer and closes the file. Idempotent.
     *
     * @throws ReplayException when writing failed at any point (the log then ends without a trailer)
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        offer(END);
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            if (failure == null) {
                writeFully(channel, ByteBuffer.wrap(ReplayFormat.encodeTrailer(new ReplayLog.Trailer(written,
                        dropped.get(), unfinished))));
                channel.force(true);
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            closeQuietly(channel);
        }
        if (failure != null) {
            throw new ReplayException("replay log " + options.file() + " is incomplete: writing failed with "
                    + failure + " after " + written + " records (" + dropped.get() + " events dropped)",
                    "check the disk (space, permissions) and record again", failure);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to save
            }
        }
    }
}
