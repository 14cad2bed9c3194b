package dev.vyre.runtime.parity;

import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs a {@link SlotStream} on a backend and returns its {@link RunSnapshot}. */
public final class StreamRun {
    /** How long one slot may take before the run gives up. */
    public static final Duration SLOT_TIMEOUT = Duration.ofSeconds(60);

    private StreamRun() {
    }

    /** {@link #run(Backend, SlotStream, int, int)} with the backend's default worker count. */
    public static RunSnapshot run(Backend backend, SlotStream stream, int batch) {
        return run(backend, stream, batch, 0);
    }

    /**
     * Bootstraps a megakernel on {@code backend} (which it then owns) with the stream's configuration and
     * {@code workers} workers (0: the backend's default), publishes the stream in batches of {@code batch} slots,
     * awaits every ticket, captures the snapshot and closes the megakernel.
     */
    public static RunSnapshot run(Backend backend, SlotStream stream, int batch, int workers) {
        if (batch < 1) {
            throw new MegakernelException("batch size " + batch + " is not positive", "publish at least 1 slot per"
                    + " batch");
        }
        try (Megakernel kernel = Megakernel.bootstrap(backend, stream.config().withWorkers(workers))) {
            int n = stream.slots().size();
            List<Ticket> tickets = new ArrayList<>(n);
            for (int start = 0; start < n; start += batch) {
                tickets.addAll(kernel.publishBatch(stream.slots().subList(start, Math.min(n, start + batch))));
            }
            List<SlotOutcome> outcomes = new ArrayList<>(n);
            for (Ticket t : tickets) {
                outcomes.add(t.await(SLOT_TIMEOUT));
            }
            awaitDoneCount(kernel, n);
            return RunSnapshot.capture(kernel, outcomes);
        }
    }

    /**
     * Waits until {@code control[DONE_COUNT]} reaches {@code n}. A worker increments it after it releases STATUS,
     * so a host that has seen every slot finish can still read a count a few short for a few microseconds (seen on
     * the H100); a snapshot taken then would differ between otherwise identical runs.
     */
    private static void awaitDoneCount(Megakernel kernel, int n) {
        long deadline = System.nanoTime() + SLOT_TIMEOUT.toNanos();
        while (kernel.doneCount() != n) {
            if (System.nanoTime() > deadline) {
                throw new MegakernelException("DONE_COUNT is " + Integer.toUnsignedString(kernel.doneCount())
                        + " after all " + n + " slots finished", "check that every worker increments DONE_COUNT once"
                        + " per finished slot");
            }
            Thread.onSpinWait();
        }
    }
}
