package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static dev.vyre.runtime.Kernels.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.StreamHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Worker recovery on the CPU backend: a worker killed or stalled with many slots in flight is replaced; the slot it
 * held faults WORKER_LOST and is reported; every other slot runs exactly once (a per-slot counter handler).
 */
class RecoveryTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;
    private static final int SLOTS = 3_000;
    private static final int TENANT = 3;

    private static MegakernelConfig config(SchedulerConfig s) {
        return MegakernelConfig.defaults().withSlots(256).withWorkers(2).withObservables(SLOTS + 16)
                .withDebugRecords(0).withDrainTimeout(Duration.ofSeconds(20))
                .withHandler(StreamHandlers.COUNTING, StreamHandlers.counting()).withScheduler(s);
    }

    @Test
    void aWorkerKilledMidFlightIsReplacedAndNothingIsLostOrRunTwice() {
        Kernels.assumeInterpreter();
        AtomicInteger executions = new AtomicInteger();
        CpuBackend backend = new CpuBackend((worker, slot) -> {
            if (executions.incrementAndGet() == 1_000) {
                throw new InternalError("injected worker death");
            }
        });
        runAndCheck(backend, SchedulerConfig.defaults(), WorkerRecovery.Cause.DIED, "injected worker death", null);
    }

    @Test
    void aStalledWorkerIsReplacedByTheWatchdogAndItsLateResultIsDiscarded() {
        Kernels.assumeInterpreter();
        AtomicInteger executions = new AtomicInteger();
        CountDownLatch unstall = new CountDownLatch(1);
        CpuBackend backend = new CpuBackend((worker, slot) -> {
            if (executions.incrementAndGet() == 700) {
                try {
                    unstall.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        runAndCheck(backend, SchedulerConfig.defaults().withWatchdog(Duration.ofSeconds(1)),
                WorkerRecovery.Cause.STALLED, "no slot committed", unstall);
    }

    @Test
    void recoveryWorksWithPriorityLookahead() {
        Kernels.assumeInterpreter();
        AtomicInteger executions = new AtomicInteger();
        CpuBackend backend = new CpuBackend((worker, slot) -> {
            if (executions.incrementAndGet() == 1_500) {
                throw new OutOfMemoryError("injected");
            }
        });
        runAndCheck(backend, SchedulerConfig.defaults().withLookahead(16), WorkerRecovery.Cause.DIED, "injected",
                null);
    }

    private static void runAndCheck(CpuBackend backend, SchedulerConfig s, WorkerRecovery.Cause cause,
                                    String error, CountDownLatch unstall) {
        try (Megakernel k = Megakernel.bootstrap(backend, config(s))) {
            List<Ticket> tickets = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++) {
                // counting: args[2] is this slot's own counter, args[3] a scratch word
                tickets.add(k.publish(StreamHandlers.COUNTING, TENANT, Priority.values()[i % 5], i, 1, OBS + i,
                        OBS + SLOTS));
            }
            List<Integer> lost = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++) {
                SlotOutcome o = tickets.get(i).await(WAIT);
                if (o.isDone()) {
                    assertEquals(i * 31 + 1, o.args()[0], "slot " + i + " result");
                } else {
                    assertEquals(FaultCode.WORKER_LOST, o.fault(), o.toString());
                    assertEquals(cause.detail(), o.faultDetail());
                    lost.add(i);
                }
            }
            if (unstall != null) {
                unstall.countDown();
            }
            List<WorkerRecovery> r = k.recoveries();
            // a dead worker is replaced once; the watchdog may also (rarely, on a starved machine) catch a worker
            // that was only descheduled for a whole period: that is a real recovery too, reported the same way
            assertTrue(cause == WorkerRecovery.Cause.STALLED ? !lost.isEmpty() : lost.size() == 1,
                    "lost " + lost + ", recoveries " + r);
            assertEquals(lost.size(), r.size(), r.toString());
            for (int n = 0; n < r.size(); n++) {
                WorkerRecovery w = r.get(n);
                assertEquals(cause, w.cause());
                assertEquals(tickets.get(lost.get(n)).slot(), w.slot(), "recovery " + w + " names the lost slot");
                assertEquals(StreamHandlers.COUNTING, w.opcode());
                assertEquals(TENANT, w.tenant());
                assertTrue(w.error().contains(error), w.error());
                assertEquals(w.slot() % 2, w.worker(), "the slot's owner was replaced");
            }
            for (int i = 0; i < SLOTS; i++) {
                if (!lost.contains(i)) {
                    assertEquals(1, k.control().load(OBS + i), "slot " + i + " ran exactly once");
                }
            }
            for (int i : lost) {
                if (unstall == null) {
                    assertEquals(0, k.control().load(OBS + i), "the killed slot never ran its handler");
                } else {
                    // a stalled handler finishes late: its effect lands, its result and DONE_COUNT do not
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (k.control().load(OBS + i) == 0 && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    assertEquals(1, k.control().load(OBS + i), "the stale worker ran slot " + i + " once");
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
            assertEquals(SLOTS, k.doneCount(), "every slot counted once in DONE_COUNT, the lost one included");
        }
    }
}
