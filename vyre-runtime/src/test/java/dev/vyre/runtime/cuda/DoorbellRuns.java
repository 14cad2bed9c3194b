package dev.vyre.runtime.cuda;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs shared by the simulator and GPU tests of the doorbell fast path: a slot stream published one slot at a time
 * (so every slot rings the doorbell), and an exactly-once run of many publishers.
 */
public final class DoorbellRuns {
    private DoorbellRuns() {
    }

    /**
     * Runs {@code stream} on {@code backend} one slot at a time: every {@code callEvery}-th slot with
     * {@link Megakernel#call}, the others with {@link Megakernel#publish} (tickets awaited at the end).
     */
    static RunSnapshot oneAtATime(Backend backend, SlotStream stream, int callEvery) {
        try (Megakernel kernel = Megakernel.bootstrap(backend, stream.config())) {
            List<SlotOutcome> outcomes = new ArrayList<>();
            List<Ticket> tickets = new ArrayList<>();
            List<Slot> slots = stream.slots();
            SlotOutcome[] byIndex = new SlotOutcome[slots.size()];
            int[] ticketIndex = new int[slots.size()];
            for (int i = 0; i < slots.size(); i++) {
                Slot s = slots.get(i);
                if (i % callEvery == 0) {
                    byIndex[i] = kernel.call(s.opcode(), s.tenant(), s.priority(), s.args());
                } else {
                    ticketIndex[tickets.size()] = i;
                    tickets.add(kernel.publish(s.opcode(), s.tenant(), s.priority(), s.args()));
                }
            }
            for (int t = 0; t < tickets.size(); t++) {
                byIndex[ticketIndex[t]] = tickets.get(t).await(StreamRun.SLOT_TIMEOUT);
            }
            outcomes.addAll(List.of(byIndex));
            CudaTests.awaitDoneCount(kernel.control(), slots.size());
            return RunSnapshot.capture(kernel, outcomes);
        }
    }

    /**
     * {@code publishers} threads publish {@code sequences} slots, slot {@code i} adding 1 to observable {@code i}:
     * publisher {@code p} takes {@code i = p, p + publishers, ...}, calling every third one and publishing the rest
     * one at a time. Returns what went wrong: slots not DONE, counters that are not exactly 1 (a slot run twice adds
     * 2) and then DONE_COUNT; empty when every slot ran exactly once (DONE_COUNT is then checked to be the total).
     */
    static List<String> exactlyOnce(Backend backend, int slots, int workers, int publishers, int sequences)
            throws Exception {
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(slots).withWorkers(workers)
                .withObservables(sequences);
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            List<Future<List<SlotOutcome>>> futures = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                futures.add(pool.submit(() -> publish(kernel, publisher, publishers, sequences)));
            }
            List<String> problems = new ArrayList<>();
            for (Future<List<SlotOutcome>> f : futures) {
                for (SlotOutcome o : f.get(120, TimeUnit.SECONDS)) {
                    if (o.state() != SlotState.DONE) {
                        problems.add("slot finished " + o);
                    }
                }
            }
            pool.shutdown();
            ControlView control = kernel.control();
            for (int i = 0; i < sequences; i++) {
                if (control.observable(i) != 1) {
                    problems.add("counter " + i + " = " + control.observable(i));
                }
            }
            if (problems.isEmpty()) {
                CudaTests.awaitDoneCount(control, sequences);
            } else {
                problems.add("DONE_COUNT = " + control.doneCount() + " for " + sequences + " sequences");
            }
            return problems;
        }
    }

    /**
     * {@code warm + calls} back-to-back {@code call(NOP)}s on {@code kernel}; returns the round trips of the last
     * {@code calls}, sorted, in nanoseconds.
     */
    public static long[] nopRoundTrips(Megakernel kernel, int warm, int calls) {
        long[] nanos = new long[calls];
        for (int i = 0; i < warm + calls; i++) {
            long t0 = System.nanoTime();
            kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
            long t1 = System.nanoTime();
            if (i >= warm) {
                nanos[i - warm] = t1 - t0;
            }
        }
        java.util.Arrays.sort(nanos);
        return nanos;
    }

    /** "mean .. p50 .. p90 .. p99 .. min .. ns" of sorted round trips. */
    static String summary(long[] sorted) {
        int n = sorted.length;
        return String.format("mean %.0f p50 %d p90 %d p99 %d min %d ns", java.util.Arrays.stream(sorted).average()
                .orElse(0), sorted[n / 2], sorted[n * 9 / 10], sorted[n * 99 / 100], sorted[0]);
    }

    private static List<SlotOutcome> publish(Megakernel kernel, int p, int publishers, int sequences) {
        List<SlotOutcome> outcomes = new ArrayList<>();
        List<Ticket> tickets = new ArrayList<>();
        for (int i = p; i < sequences; i += publishers) {
            int word = ControlLayout.OBSERVABLE_BASE + i;
            if (i % 3 == 0) {
                outcomes.add(kernel.call(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, word));
            } else {
                tickets.add(kernel.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, word));
            }
        }
        for (Ticket t : tickets) {
            outcomes.add(t.await(Duration.ofSeconds(60)));
        }
        return outcomes;
    }
}
