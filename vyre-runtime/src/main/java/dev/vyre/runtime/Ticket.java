package dev.vyre.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A published slot: completes with its {@link SlotOutcome} once a worker finished it and the host read it back,
 * or with a {@link SlotNotExecutedException} if the workers exited before claiming it.
 *
 * <p>Dependent actions registered without an executor run on the megakernel's reaper thread: keep them short or
 * use the {@code ...Async} variants.
 */
public final class Ticket {
    private final long sequence;
    private final int slot;
    private final CompletableFuture<SlotOutcome> result = new CompletableFuture<>();
    /** Runs once, before the outcome becomes visible (a tenant handle returns its admission here); may be null. */
    private final Runnable onFinish;

    Ticket(long sequence, int slot) {
        this(sequence, slot, null);
    }

    Ticket(long sequence, int slot, Runnable onFinish) {
        this.sequence = sequence;
        this.slot = slot;
        this.onFinish = onFinish;
    }

    /** The publish sequence number. */
    public long sequence() {
        return sequence;
    }

    /** The ring slot. */
    public int slot() {
        return slot;
    }

    /**
     * A future of the outcome. Each call returns a new dependent future; completing it by hand affects neither the
     * kernel nor {@link #await}.
     */
    public CompletableFuture<SlotOutcome> future() {
        return result.copy();
    }

    /** Whether the outcome (or the failure) is known. */
    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Waits up to {@code timeout} for the outcome. Throws {@link KernelTimeoutException} when it is not there in
     * time (or the thread was interrupted: the interrupt flag stays set), and the {@link SlotNotExecutedException}
     * of a slot the workers never ran.
     */
    public SlotOutcome await(Duration timeout) {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new KernelTimeoutException("slot " + slot + " (sequence " + sequence + ") did not finish within "
                    + timeout, "wait longer, or check that the megakernel is running (a SHUTDOWN slot or close()"
                    + " ends it) and that the handler terminates");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelTimeoutException("interrupted while waiting for slot " + slot + " (sequence " + sequence
                    + ")", "do not interrupt threads that await tickets, or await again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MegakernelException m) {
                throw m;
            }
            throw new MegakernelException("slot " + slot + " (sequence " + sequence + ") could not be read back: "
                    + e.getCause(), "report this as a bug with the full message", e.getCause());
        }
    }

    void complete(SlotOutcome outcome) {
        finish();
        result.complete(outcome);
    }

    void fail(Throwable failure) {
        finish();
        result.completeExceptionally(failure);
    }

    private void finish() {
        if (onFinish != null) {
            onFinish.run();
        }
    }
}
