package dev.vyre.runtime;

import dev.vyre.protocol.RingView;

/**
 * Sees every slot the host publishes and how it ended (the replay log's hook: {@code dev.vyre.runtime.replay}). Called
 * on publishing and completing threads, so it must be thread-safe and quick: copy the words and hand them off.
 * {@link Megakernel} calls {@link #close()} once every outcome was observed, before the buffers are freed.
 */
public interface SlotObserver extends AutoCloseable {
    /**
     * Slot {@code slot} of {@code ring} holds sequence {@code sequence}, filled and about to be marked PUBLISHED
     * (its STATUS word is not yet PUBLISHED).
     */
    void published(long sequence, int slot, RingView ring);

    /**
     * The host is done with sequence {@code sequence} in {@code slot}: its words are final (STATUS DONE or FAULT), or,
     * when the workers exited first, it never ran (STATUS still PUBLISHED or CLAIMED). Called once per published
     * sequence, before the slot is recycled.
     */
    void finished(long sequence, int slot, RingView ring);

    /** No more calls follow; flush and release. */
    @Override
    void close();

    /** An observer that tells {@code first}, then {@code second}; either may be null (then the other is returned). */
    static SlotObserver both(SlotObserver first, SlotObserver second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        return new SlotObserver() {
            @Override
            public void published(long sequence, int slot, RingView ring) {
                first.published(sequence, slot, ring);
                second.published(sequence, slot, ring);
            }

            @Override
            public void finished(long sequence, int slot, RingView ring) {
                first.finished(sequence, slot, ring);
                second.finished(sequence, slot, ring);
            }

            @Override
            public void close() {
                try {
                    first.close();
                } finally {
                    second.close();
                }
            }
        };
    }
}
