package dev.vyre.uring;

import java.util.concurrent.BlockingQueue;

/**
 * Receives a reader's events on the reading thread. An exception thrown here stops the read: the reader waits
 * for its requests in flight, closes its files and rethrows it.
 */
@FunctionalInterface
public interface ChunkSink {

    /** One event; a {@link IngestEvent.Chunk}'s buffer now belongs to the sink until released. */
    void accept(IngestEvent event);

    /**
     * A sink that puts every event on {@code queue} for another thread, waiting for room (a bounded queue adds
     * backpressure of its own).
     */
    static ChunkSink into(BlockingQueue<? super IngestEvent> queue) {
        return event -> {
            try {
                queue.put(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IngestException("interrupted while handing " + event.file() + " to the event queue",
                        "interrupt the reading thread only to stop the read");
            }
        };
    }
}
