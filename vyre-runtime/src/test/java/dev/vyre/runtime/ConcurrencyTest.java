package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Many publishers: every slot runs exactly once, nothing is overwritten, tiny rings apply backpressure. */
class ConcurrencyTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;

    /** Runs {@code body(t)} on {@code threads} platform threads started together; rethrows the first failure. */
    private static void parallel(int threads, ThrowingIntConsumer body) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    body.accept(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a publisher failed", failure.get());
        }
    }

    @FunctionalInterface
    interface ThrowingIntConsumer {
        void accept(int id) throws Exception;
    }

    /**
     * 8 publishers x 50,000 ATOMIC_ADDs, each into its own counter, published singly, in batches and through
     * call(): every counter is exactly 1 (no slot lost, overwritten or run twice) and no claim was ever lost.
     */
    @Test
    void everySlotRunsExactlyOnceUnderEightPublishers() throws Exception {
        int publishers = 8;
        int each = 50_000;
        int counters = publishers * each;
        CpuBackend backend = new CpuBackend();
        Set<Long> sequences = ConcurrentHashMap.newKeySet();
        try (Megakernel k = Megakernel.bootstrap(backend, Kernels.small().withSlots(1024).withWorkers(8)
                .withObservables(counters))) {
            parallel(publishers, p -> {
                int base = OBS + p * each;
                List<Ticket> tickets = new ArrayList<>();
                int i = 0;
                while (i < each) {
                    switch (i % 3) {
                        case 0 -> {
                            tickets.add(k.publish(Opcodes.ATOMIC_ADD, p, Priority.NORMAL, 1, base + i));
                            i++;
                        }
                        case 1 -> {
                            List<Slot> batch = new ArrayList<>();
                            for (int j = 0; j < 50 && i < each; j++, i++) {
                                batch.add(Slot.of(SlotState.EMPTY, Opcodes.ATOMIC_ADD, p, Priority.LOW, 1, base + i));
                            }
                            tickets.addAll(k.publishBatch(batch));
                        }
                        default -> {
                            SlotOutcome o = k.call(Opcodes.ATOMIC_ADD, p, Priority.HIGH, 1, base + i);
                            assertTrue(o.isDone());
                            assertTrue(sequences.add(o.sequence()));
                            i++;
                        }
                    }
                }
                for (Ticket t : tickets) {
                    SlotOutcome o = t.await(Kernels.WAIT);
                    assertTrue(o.isDone());
                    assertEquals(t.sequence(), o.sequence());
                    assertTrue(sequences.add(o.sequence()), "sequence " + o.sequence() + " seen twice");
                }
            });
            for (int c = 0; c < counters; c++) {
                int v = k.control().observable(c);
                if (v != 1) {
                    throw new AssertionError("counter " + c + " is " + v + ", not 1");
                }
            }
            assertEquals(counters, k.doneCount());
            assertEquals(counters, sequences.size());
        }
        assertEquals(0, backend.lostClaims());
    }

    @Test
    void tinyRingsApplyBackpressure() throws Exception {
        for (int[] shape : new int[][] {{1, 1}, {2, 1}, {2, 2}, {4, 2}}) {
            int slots = shape[0];
            int threads = 4;
            int each = 2_000;
            try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(slots).withWorkers(shape[1]))) {
                parallel(threads, p -> {
                    List<Ticket> tickets = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        tickets.add(k.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, i, OBS + p));
                    }
                    Set<Integer> slotsUsed = new HashSet<>();
                    for (Ticket t : tickets) {
                        assertTrue(t.await(Kernels.WAIT).isDone());
                        slotsUsed.add(t.slot());
                    }
                    assertTrue(slotsUsed.size() <= slots);
                });
                int expected = each * (each - 1) / 2;
                for (int p = 0; p < threads; p++) {
                    assertEquals(expected, k.control().load(OBS + p), "ring of " + slots + ", publisher " + p);
                }
                assertEquals(threads * each, k.doneCount());
            }
        }
    }

    @Test
    void batchesLargerThanTheRing() {
        try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(8).withWorkers(2))) {
            List<Slot> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(Slot.of(SlotState.EMPTY, Opcodes.STORE_U32, 0, Priority.NORMAL, i + 1, OBS + (i % 200)));
            }
            List<Ticket> tickets = k.publishBatch(batch);
            assertEquals(1000, tickets.size());
            for (int i = 0; i < tickets.size(); i++) {
                assertEquals(i, tickets.get(i).sequence());
                assertTrue(tickets.get(i).await(Kernels.WAIT).isDone());
            }
            // stores to one word may run on different workers: the final value is one of those sent to it
            for (int w = 0; w < 200; w++) {
                int v = k.control().observable(w);
                assertTrue(v >= 1 && v <= 1000 && (v - 1) % 200 == w, "observable " + w + " = " + v);
            }
        }
    }
}
