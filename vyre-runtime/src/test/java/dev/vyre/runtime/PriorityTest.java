package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Priority claims on the CPU backend: most urgent first, oldest first among equals, counted starvation protection. */
class PriorityTest {
    /** The spec's words, restated. */
    private static final int SPEC_PRIORITY_OFFSETS_BASE = 129;
    private static final int SPEC_STARVATION_COUNTER = 135;
    private static final int SPEC_PRIORITY_FAIRNESS_BASE = 136;

    /** One worker that is held on its first slot while the test publishes the rest, recording the claim order. */
    private static final class Held {
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        /** Waits until the worker holds its first slot, so that the test publishes the rest behind it. */
        void awaitHeld() {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (order.isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }

        final CpuBackend backend = new CpuBackend((worker, slot) -> {
            order.add(slot);
            if (order.size() == 1) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private static MegakernelConfig config(SchedulerConfig s) {
        return Kernels.small().withSlots(64).withWorkers(1).withScheduler(s);
    }

    @Test
    void mostUrgentFirstThenOldest() {
        Held held = new Held();
        SchedulerConfig s = SchedulerConfig.defaults().withLookahead(64);
        for (Priority p : Priority.values()) {
            s = s.withBypassLimit(p, 1_000);
        }
        try (Megakernel k = Megakernel.bootstrap(held.backend, config(s))) {
            assertEquals(64, k.control().load(SPEC_PRIORITY_OFFSETS_BASE + 5), "look-ahead word");
            assertEquals(1_000, k.control().load(SPEC_PRIORITY_OFFSETS_BASE + Priority.LOW.wire()));
            List<Ticket> tickets = new ArrayList<>();
            tickets.add(k.publish(Opcodes.NOP, 0, Priority.IDLE));
            held.awaitHeld();
            SplittableRandom rnd = new SplittableRandom(42);
            Priority[] bySlot = new Priority[64];
            int[] perClass = new int[5];
            perClass[Priority.IDLE.wire()]++;
            for (int i = 1; i <= 50; i++) {
                Priority p = Priority.values()[rnd.nextInt(5)];
                Ticket t = k.publish(Opcodes.NOP, 0, p);
                bySlot[t.slot()] = p;
                perClass[p.wire()]++;
                tickets.add(t);
            }
            held.release.countDown();
            for (Ticket t : tickets) {
                assertTrue(t.await(WAIT).isDone());
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i < tickets.size(); i++) {
                expected.add(tickets.get(i).slot());
            }
            expected.sort(Comparator.comparingInt((Integer slot) -> bySlot[slot].wire())); // stable: oldest first
            assertEquals(expected, held.order.subList(1, held.order.size()));
            for (Priority p : Priority.values()) {
                assertEquals(perClass[p.wire()], k.control().load(SPEC_PRIORITY_FAIRNESS_BASE + p.wire()),
                        "claims of " + p);
            }
            assertEquals(0, k.control().load(SPEC_STARVATION_COUNTER));
        }
    }

    @Test
    void starvationProtectionClaimsTheOldestAfterItsBypassLimit() {
        Held held = new Held();
        int limit = 3;
        SchedulerConfig s = SchedulerConfig.defaults().withLookahead(32).withBypassLimit(Priority.LOW, limit);
        try (Megakernel k = Megakernel.bootstrap(held.backend, config(s))) {
            Ticket blocker = k.publish(Opcodes.NOP, 0, Priority.CRITICAL);
            held.awaitHeld();
            Ticket low = k.publish(Opcodes.NOP, 0, Priority.LOW);
            List<Ticket> high = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                high.add(k.publish(Opcodes.NOP, 0, Priority.HIGH));
            }
            held.release.countDown();
            low.await(WAIT);
            for (Ticket t : high) {
                t.await(WAIT);
            }
            blocker.await(WAIT);
            // independent expectation: the LOW slot waits while exactly `limit` HIGH claims overtake it
            List<Integer> expected = new ArrayList<>();
            expected.add(blocker.slot());
            for (int i = 0; i < limit; i++) {
                expected.add(high.get(i).slot());
            }
            expected.add(low.slot());
            for (int i = limit; i < high.size(); i++) {
                expected.add(high.get(i).slot());
            }
            assertEquals(expected, held.order);
            assertEquals(1, k.control().load(SPEC_STARVATION_COUNTER), "one forced claim, counted");
        }
    }

    @Test
    void ringOrderWithoutLookahead() {
        Held held = new Held();
        try (Megakernel k = Megakernel.bootstrap(held.backend, config(SchedulerConfig.defaults()))) {
            List<Ticket> tickets = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tickets.add(k.publish(Opcodes.NOP, 0, Priority.values()[4 - i % 5]));
            }
            held.release.countDown();
            List<Integer> expected = new ArrayList<>();
            for (Ticket t : tickets) {
                t.await(WAIT);
                expected.add(t.slot());
            }
            assertEquals(expected, held.order);
            assertEquals(0, k.control().load(SPEC_PRIORITY_OFFSETS_BASE + 5), "no scheduler words without it");
        }
    }
}
