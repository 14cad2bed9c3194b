package dev.vyre.runtime;

/**
 * Writes the argument words of one slot of a {@link Megakernel#submit(int, int, dev.vyre.protocol.Priority, int,
 * ArgFiller)} batch. It runs on the submitting thread, before the slot's sequence number is taken: keep it short
 * and do not block (the megakernel counts the submit as active, and {@code close()} waits for it).
 */
@FunctionalInterface
public interface ArgFiller {
    /**
     * Fills {@code args} for slot {@code index} (0-based within the batch).
     *
     * @param index the slot's position in the batch
     * @param args  the slot's 12 argument words, all zero on entry; the array is reused, do not keep it
     */
    void fill(int index, int[] args);
}
