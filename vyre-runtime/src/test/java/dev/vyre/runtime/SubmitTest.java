package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bulk path: {@link Megakernel#submit}, {@link Megakernel#awaitDone} and {@link Megakernel#untrackedStats}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubmitTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;
    /** Control words of {@link Kernels#small()}: 160 fixed + 256 observables. */
    private static final int WORDS = OBS + 256;

    @Test
    void everySubmittedSlotRunsOnceAndTheRingSettles() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            long end = k.submit(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 10_000, 1, OBS);
            assertEquals(10_000, end, "sequences 0..9999");
            k.awaitDone(end, Kernels.WAIT);
            assertEquals(10_000, k.control().load(OBS));
            assertEquals(10_000, k.doneCount());
            assertEquals(new UntrackedStats(0, 0, null), k.untrackedStats());
            assertRingSettled(k);
        }
    }

    @Test
    void wrapsAroundManyRingLengthsInSequenceOrder() {
        int[][] shapes = {{1, 1}, {2, 1}, {3, 3}, {8, 2}, {8, 8}, {64, 4}, {256, 2}};
        for (int[] shape : shapes) {
            int slots = shape[0];
            MegakernelConfig config = Kernels.small().withSlots(slots).withWorkers(shape[1]);
            try (Megakernel k = Kernels.cpu(config)) {
                long[] expected = new long[4];
                long sequence = 0;
                for (int batch = 0; batch < 5; batch++) {
                    int count = slots * 37 + 5 + batch;
                    int base = batch * 1000;
                    long end = k.submit(Opcodes.ATOMIC_ADD, 3, Priority.LOW, count, (i, args) -> {
                        args[0] = base + i + 1;
                        args[1] = OBS + (i % 4);
                    });
                    for (int i = 0; i < count; i++) {
                        expected[i % 4] += base + i + 1;
                    }
                    sequence += count;
                    assertEquals(sequence, end, "ring " + slots + ", batch " + batch);
                    k.awaitDone(end, Kernels.WAIT);
                    for (int o = 0; o < 4; o++) {
                        assertEquals((int) expected[o], k.control().load(OBS + o), "ring " + slots + " observable "
                                + o + " after batch " + batch);
                    }
                    assertEquals((int) sequence, k.doneCount());
                    assertRingSettled(k);
                }
                assertEquals(0, k.untrackedStats().faults());
            }
        }
    }

    @Test
    void mixesWithTicketsAndCallsFromSeveralThreads() throws Exception {
        int submitters = 2;
        int untrackedEach = 10_000;
        int tickets = 2_000;
        int calls = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(submitters + 2);
        try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(16).withWorkers(4))) {
            List<Future<Long>> bulk = new ArrayList<>();
            for (int t = 0; t < submitters; t++) {
                int observable = OBS + t;
                bulk.add(pool.submit(() -> {
                    long end = 0;
                    for (int done = 0; done < untrackedEach; done += 500) {
                        end = k.submit(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 500, 1, observable);
                    }
                    k.awaitDone(end, Kernels.WAIT);
                    return end;
                }));
            }
            Future<List<Ticket>> published = pool.submit(() -> {
                List<Ticket> list = new ArrayList<>();
                for (int i = 0; i < tickets; i++) {
                    list.add(k.publish(Opcodes.ATOMIC_ADD, 1, Priority.HIGH, 1, OBS + 8, i));
                }
                return list;
            });
            Future<Long> called = pool.submit(() -> {
                long last = 0;
                for (int i = 0; i < calls; i++) {
                    SlotOutcome o = k.call(Opcodes.ATOMIC_ADD, 2, Priority.CRITICAL, 1, OBS + 9, i);
                    assertTrue(o.isDone() && o.arg(2) == i, o.toString());
                    last = Math.max(last, o.sequence());
                }
                return last;
            });
            long end = called.get(50, TimeUnit.SECONDS) + 1;
            for (Future<Long> f : bulk) {
                end = Math.max(end, f.get(50, TimeUnit.SECONDS));
            }
            List<Ticket> list = published.get(50, TimeUnit.SECONDS);
            for (int i = 0; i < tickets; i++) {
                SlotOutcome o = list.get(i).await(Kernels.WAIT);
                assertTrue(o.isDone() && o.arg(2) == i, o.toString());
                end = Math.max(end, o.sequence() + 1);
            }
            int total = submitters * untrackedEach + tickets + calls;
            assertEquals(total, end, "every sequence number was used once");
            k.awaitDone(end, Kernels.WAIT);
            for (int t = 0; t < submitters; t++) {
                assertEquals(untrackedEach, k.control().load(OBS + t), "submitter " + t);
            }
            assertEquals(tickets, k.control().load(OBS + 8));
            assertEquals(calls, k.control().load(OBS + 9));
            assertEquals(total, k.doneCount());
            assertEquals(0, k.untrackedStats().faults());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void faultsAreCountedWithTheLowestOne() {
        int deniedTenant = 5;
        try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(32).withTenantMask(deniedTenant, 0))) {
            int count = 5_000;
            long end = k.submit(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, count, (i, args) -> {
                args[0] = 2;
                args[1] = i % 7 == 3 ? WORDS + i : OBS;
            });
            k.awaitDone(end, Kernels.WAIT);
            long faults = 0;
            for (int i = 0; i < count; i++) {
                faults += i % 7 == 3 ? 1 : 0;
            }
            UntrackedStats stats = k.untrackedStats();
            assertEquals(faults, stats.faults());
            assertEquals(0, stats.notExecuted());
            assertEquals(2 * (count - faults), k.control().load(OBS), "faulting slots change nothing");
            UntrackedFault first = stats.firstFault();
            assertEquals(new UntrackedFault(3, 3, Opcodes.ATOMIC_ADD, 0, FaultCode.CONTROL_OUT_OF_RANGE.wire(),
                    WORDS + 3), first);
            assertEquals(FaultCode.CONTROL_OUT_OF_RANGE, first.code());

            long end2 = k.submit(Opcodes.NOP, deniedTenant, Priority.IDLE, 100);
            k.awaitDone(end2, Kernels.WAIT);
            assertEquals(faults + 100, k.untrackedStats().faults());
            assertEquals(first, k.untrackedStats().firstFault(), "the lowest sequence stays the first fault");
            assertRingSettled(k);
        }
    }

    @Test
    void closeDrainsAndCountsEveryUntrackedSlot() {
        for (int round = 0; round < 5; round++) {
            Megakernel k = Kernels.cpu(Kernels.small().withSlots(64).withTenantMask(9, 0));
            k.submit(Opcodes.NOP, 9, Priority.NORMAL, 3_000 + round);
            k.close();
            assertEquals(new UntrackedStats(3_000 + round, 0, new UntrackedFault(0, 0, Opcodes.NOP, 9,
                    FaultCode.OPCODE_NOT_PERMITTED.wire(), 0)), k.untrackedStats());
            assertThrows(KernelClosedException.class, () -> k.awaitDone(0, Kernels.WAIT));
            assertThrows(KernelClosedException.class, () -> k.submit(Opcodes.NOP, 0, Priority.NORMAL, 1));
        }
    }

    @Test
    void slotsThatNoWorkerRunsAreCountedAndFailTheWait() {
        TestBackends.Dead dead = new TestBackends.Dead();
        Megakernel k = Megakernel.bootstrap(dead, Kernels.small().withSlots(8).withWorkers(0));
        long end;
        try {
            end = k.submit(Opcodes.NOP, 0, Priority.NORMAL, 5);
        } catch (KernelClosedException e) {
            end = -1; // the reaper already noticed that no worker runs
        }
        if (end > 0) {
            long submitted = end;
            MegakernelException e = assertThrows(MegakernelException.class, () -> k.awaitDone(submitted,
                    Kernels.WAIT));
            assertTrue(e instanceof SlotNotExecutedException || e instanceof KernelClosedException, e.toString());
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
        k.close();
        assertEquals(new UntrackedStats(0, Math.max(0, end), null), k.untrackedStats());
    }

    @Test
    void awaitDoneIsBoundedAndRefusesSequencesNotHandedOut() {
        TestBackends.Gated gated = new TestBackends.Gated();
        try (Megakernel k = Megakernel.bootstrap(gated, Kernels.small().withSlots(8).withWorkers(2))) {
            long end = k.submit(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 6, 1, OBS);
            long t0 = System.nanoTime();
            KernelTimeoutException timeout = assertThrows(KernelTimeoutException.class,
                    () -> k.awaitDone(end, Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
            assertTrue(timeout.getMessage().contains("Fix: "), timeout.getMessage());
            Thread.currentThread().interrupt();
            assertThrows(KernelTimeoutException.class, () -> k.awaitDone(end, Kernels.WAIT));
            assertTrue(Thread.interrupted(), "the interrupt flag stays set");
            assertThrows(MegakernelException.class, () -> k.awaitDone(end + 1, Kernels.WAIT));
            assertThrows(MegakernelException.class, () -> k.awaitDone(-1, Kernels.WAIT));
            assertThrows(MegakernelException.class, () -> k.awaitDone(end, null));
            assertThrows(MegakernelException.class, () -> k.awaitDone(end, Duration.ofSeconds(-1)));
            gated.open();
            k.awaitDone(end, Kernels.WAIT);
            assertEquals(6, k.control().load(OBS));
            k.awaitDone(0, Duration.ZERO);
            k.awaitDone(end, Duration.ZERO);
        }
    }

    @Test
    void awaitDoneOnTheReaperThreadIsRefused() {
        TestBackends.Gated gated = new TestBackends.Gated();
        try (Megakernel k = Megakernel.bootstrap(gated, Kernels.small())) {
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<MegakernelException> refused = k.publish(Opcodes.NOP, 0, Priority.NORMAL).future()
                    .thenApply(o -> {
                        thread.set(Thread.currentThread().getName());
                        try {
                            k.awaitDone(1, Kernels.WAIT);
                            return null;
                        } catch (MegakernelException e) {
                            return e;
                        }
                    });
            gated.open();
            MegakernelException e = refused.orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals("vyre-reaper", thread.get());
            assertTrue(e != null && e.getMessage().contains("reaper thread"), String.valueOf(e));
            k.awaitDone(1, Kernels.WAIT);
        }
    }

    @Test
    void submitRefusesBadWorkBeforeTouchingTheRing() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            assertThrows(PublishRefusedException.class, () -> k.submit(0xFFF0, 0, Priority.NORMAL, 1));
            assertThrows(PublishRefusedException.class, () -> k.submit(Opcodes.NOP, 30, Priority.NORMAL, 1));
            assertThrows(PublishRefusedException.class, () -> k.submit(Opcodes.NOP, 0, null, 1));
            assertThrows(PublishRefusedException.class, () -> k.submit(Opcodes.NOP, 0, Priority.NORMAL, 1,
                    new int[13]));
            assertThrows(PublishRefusedException.class, () -> k.submit(Opcodes.NOP, 0, Priority.NORMAL, -1));
            assertThrows(PublishRefusedException.class, () -> k.submit(Opcodes.NOP, 0, Priority.NORMAL, 1,
                    (ArgFiller) null));
            assertThrows(PublishRefusedException.class, () -> k.submit(Opcodes.NOP, -1, Priority.NORMAL, 1,
                    (i, args) -> { }));
            assertEquals(0, k.submit(Opcodes.NOP, 0, Priority.NORMAL, 0));
            assertEquals(0, k.doneCount(), "nothing was published");
            assertEquals(0, k.call(Opcodes.NOP, 0, Priority.NORMAL).sequence(), "no sequence number was used");
        }
    }

    @Test
    void aFailingFillerPublishesOnlyTheRunsBeforeIt() {
        try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(1024))) {
            int run = Megakernel.SUBMIT_RUN_SLOTS;
            PublishRefusedException e = assertThrows(PublishRefusedException.class,
                    () -> k.submit(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 3 * run, (i, args) -> {
                        if (i == run + 44) {
                            throw new IllegalStateException("filler broke");
                        }
                        args[0] = 1;
                        args[1] = OBS;
                    }));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getMessage().contains("first " + run + " slots were published"), e.getMessage());
            k.awaitDone(run, Kernels.WAIT);
            assertEquals(run, k.control().load(OBS));
            long end = k.submit(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 10, 1, OBS);
            assertEquals(run + 10, end, "no sequence number was lost");
            k.awaitDone(end, Kernels.WAIT);
            assertEquals(run + 10, k.control().load(OBS));
        }
    }

    @Test
    void doneCountIsExtendedAcrossTheU32Wrap() {
        long wrap = 1L << 32;
        long[] takens = {0, 5, wrap - 1, wrap, wrap + 7, 3 * wrap + 100, Long.MAX_VALUE / 2};
        long[] lags = {0, 1, 1000, 1 << 20, (1L << 31) + 3, wrap - 1};
        for (long taken : takens) {
            for (long lag : lags) {
                long done = taken - lag;
                if (done >= 0) {
                    assertEquals(done, Megakernel.extendDoneCount(taken, (int) done), taken + " - " + lag);
                }
            }
        }
    }

    /** Every slot is finished (or was never used): nothing is left published or claimed. */
    private static void assertRingSettled(Megakernel k) {
        for (int s = 0; s < k.ring().slotCount(); s++) {
            SlotState state = k.ring().status(s);
            assertTrue(state == SlotState.DONE || state == SlotState.FAULT || state == SlotState.EMPTY,
                    "slot " + s + " is " + state);
        }
    }
}
