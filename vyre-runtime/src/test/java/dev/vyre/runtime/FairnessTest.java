package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.parity.StreamHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on the CPU backend (one worker), one flooding the ring with counting-handler slots. Fairness is
 * counted, not timed: a quiet slot's probe handler reads the flooder's run counter when the worker runs it, and the
 * host reads the same counter right after publishing the quiet slot; the difference is the number of flood slots
 * that ran between the quiet slot's publication and its run (at most, since the host's read may come late). With the
 * flooder's quota of 4, at most 4 flood slots are in the ring ahead of a quiet slot, so the difference never exceeds
 * the quota, however loaded the machine (a slow worker or a descheduled host thread changes when things run, never
 * how many flood slots are ahead). Without the quota the flooder fills the 1024-slot ring and a quiet slot waits
 * behind hundreds of flood slots: the second test shows that the count sees it.
 */
class FairnessTest {
    private static final int QUIET = 1;
    private static final int FLOOD = 2;
    private static final int QUOTA = 4;
    private static final int RING = 1024;
    /** The probe handler: {@code args[0] = control[args[2]]}. */
    private static final int PROBE = 0x104;
    /** Control word the counting handler increments once per flood slot. */
    private static final int FLOOD_RUNS = 161;
    private static final int CALLS = 400;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aQuietSlotWaitsBehindAtMostTheFloodersQuota() throws Exception {
        Kernels.assumeInterpreter();
        try (Megakernel k = Kernels.cpu(config(QUOTA))) {
            Measurement m = measure(k, QUOTA);
            assertTrue(m.floodRuns > 0, "the flood never ran during the measurement: " + m);
            assertTrue(m.maxOvertaken <= QUOTA, "a quiet slot waited behind more flood slots than the flooder's"
                    + " quota of " + QUOTA + ": " + m);
        }
    }

    @Test
    void withoutAQuotaTheFlooderFillsTheRingAheadOfAQuietSlot() throws Exception {
        Kernels.assumeInterpreter();
        try (Megakernel k = Kernels.cpu(config(0))) {
            assertEquals(RING, k.tenant(FLOOD).quota(), "a declared quota of 0 is the ring's size");
            Measurement m = measure(k, RING / 2);
            assertTrue(m.maxOvertaken > 16 * QUOTA, "with a full ring of flood slots the quiet slots should have"
                    + " waited behind hundreds of them; the count does not see it: " + m);
        }
    }

    private static MegakernelConfig config(int floodQuota) {
        return MegakernelConfig.defaults().withSlots(RING).withWorkers(1).withObservables(16).withDebugRecords(0)
                .withDrainTimeout(WAIT)
                .withHandler(StreamHandlers.COUNTING, StreamHandlers.counting())
                .withHandler(PROBE, probe())
                .withTenant(QUIET, TenantSpec.allowing(PROBE).withQuota(QUOTA))
                .withTenant(FLOOD, TenantSpec.allowing(StreamHandlers.COUNTING).withQuota(floodQuota));
    }

    /** {@code args[0] = control[args[2]]}: what the flood counter read when the worker ran the slot. */
    private static Program probe() {
        return Program.of(Program.WorkgroupSize.of(1), StreamHandlers.buffers(), List.of(
                new Node.Store(HandlerTable.ARGS, Expr.u32(0),
                        Expr.load(HandlerTable.CONTROL, Expr.load(HandlerTable.ARGS, Expr.u32(2))))));
    }

    /**
     * Runs {@link #CALLS} quiet probes while a flooder keeps publishing; the flood must first have {@code fill} slots
     * in flight.
     */
    private static Measurement measure(Megakernel k, int fill) throws Exception {
        TenantHandle quiet = k.tenant(QUIET);
        TenantHandle flood = k.tenant(FLOOD);
        AtomicBoolean stop = new AtomicBoolean();
        Thread flooder = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                flood.publish(StreamHandlers.COUNTING, Priority.NORMAL, 3, 4, FLOOD_RUNS, FLOOD_RUNS + 1);
            }
        });
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (flood.inFlight() < fill && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(flood.inFlight() >= fill, "the flooder did not get " + fill + " slots in flight within "
                    + WAIT + " (" + flood.inFlight() + ")");
            List<Integer> overtaken = new ArrayList<>();
            int firstRuns = k.control().load(FLOOD_RUNS);
            for (int i = 0; i < CALLS; i++) {
                Ticket t = quiet.publish(PROBE, Priority.NORMAL, 0, 0, FLOOD_RUNS);
                int seen = k.control().load(FLOOD_RUNS);
                SlotOutcome outcome = t.await(WAIT);
                assertTrue(outcome.isDone(), "probe " + i + " did not complete: " + outcome);
                overtaken.add(outcome.arg(0) - seen);
            }
            int floodRuns = k.control().load(FLOOD_RUNS) - firstRuns;
            return new Measurement(overtaken.stream().mapToInt(Integer::intValue).max().orElseThrow(), floodRuns,
                    overtaken.stream().filter(n -> n > 0).count());
        } finally {
            stop.set(true);
            flooder.join();
        }
    }

    /**
     * The most flood slots that ran between a quiet slot's publication and its run, the flood slots run during the
     * whole measurement, and how many quiet slots saw any flood slot run first.
     */
    private record Measurement(int maxOvertaken, int floodRuns, long probesOvertaken) {
    }
}
