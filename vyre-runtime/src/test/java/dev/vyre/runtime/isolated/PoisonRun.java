package dev.vyre.runtime.isolated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.WorkerRecovery;
import dev.vyre.runtime.parity.StreamHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of counting slots with one POISON slot among them, and what must hold afterwards, for the CPU-child and the
 * GPU-child tests alike. Item i counts its runs in {@code control[OBS + i]} (the COUNTING handler, the shared control
 * block) and returns {@code i * 31 + 1}.
 */
final class PoisonRun {
    static final int OBS = Kernels.SPEC_OBSERVABLE_BASE;

    private PoisonRun() {
    }

    /** Publishes {@code items} counting slots as {@code tenant}, item {@code poisonAt} with the POISON opcode. */
    static List<Ticket> publish(Megakernel k, int items, int poisonAt, int tenant) {
        List<Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            int opcode = i == poisonAt ? PoisonHooks.POISON : StreamHandlers.COUNTING;
            tickets.add(k.publish(opcode, tenant, Priority.NORMAL, i, 1, OBS + i, OBS + items));
        }
        return tickets;
    }

    /**
     * Awaits every ticket and checks: the poison slot faulted WORKER_LOST with {@code cause}'s detail without its
     * handler having run, and is the one recovery that names a slot (with its slot, opcode and tenant); every other
     * slot is DONE with its result and ran once, or twice if it was in flight at a death (at most one per other
     * worker and recovery: it had not reported DONE). Returns that recovery.
     */
    static WorkerRecovery check(Megakernel k, List<Ticket> tickets, int poisonAt, WorkerRecovery.Cause cause,
                                int tenant, Duration wait) {
        int twice = 0;
        for (int i = 0; i < tickets.size(); i++) {
            SlotOutcome o = tickets.get(i).await(wait);
            int runs = k.control().load(OBS + i);
            if (i == poisonAt) {
                assertEquals(FaultCode.WORKER_LOST, o.fault(), o.toString());
                assertEquals(cause.detail(), o.faultDetail());
                assertEquals(0, runs, "the poison slot faulted before its handler ran");
                continue;
            }
            assertTrue(o.isDone(), "slot " + i + ": " + o);
            assertEquals(i * 31 + 1, o.args()[0], "slot " + i + " result");
            assertTrue(runs == 1 || runs == 2, "slot " + i + " ran " + runs + " times");
            twice += runs - 1;
        }
        List<WorkerRecovery> r = k.recoveries();
        assertTrue(twice <= (k.workers() - 1) * r.size(), twice + " slots ran twice; only the other workers'"
                + " in-flight slots may (they had not reported DONE): " + r);
        List<WorkerRecovery> named = r.stream().filter(w -> w.slot() >= 0).toList();
        assertEquals(1, named.size(), "exactly the culprit is named: " + r);
        WorkerRecovery w = named.getFirst();
        assertEquals(cause, w.cause());
        assertEquals(tickets.get(poisonAt).slot(), w.slot(), w.toString());
        assertEquals(w.slot() % k.workers(), w.worker());
        assertEquals(PoisonHooks.POISON, w.opcode());
        assertEquals(tenant, w.tenant());
        System.out.println("isolated " + k.backendName() + ": " + tickets.size() + " slots, " + twice + " in-flight"
                + " slots ran twice; " + r);
        return w;
    }
}
