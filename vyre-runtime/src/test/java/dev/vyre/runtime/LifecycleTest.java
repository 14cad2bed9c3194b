package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.cpu.CpuBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Bootstrap, publish refusals, call(), shutdown by close() and by a SHUTDOWN slot, and thread hygiene. */
class LifecycleTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;

    @Test
    void callRoundTrip() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            for (int i = 0; i < 200; i++) {
                SlotOutcome o = k.call(Opcodes.ATOMIC_ADD, 0, Priority.CRITICAL, 3, OBS);
                assertTrue(o.isDone());
                assertEquals(i, o.sequence());
                assertEquals(i % 64, o.slot());
            }
            assertEquals(600, k.control().load(OBS));
            assertEquals(200, k.doneCount());
        }
    }

    @Test
    void closeDrainsEveryPublishedSlot() {
        List<Ticket> tickets = new ArrayList<>();
        Megakernel k = Kernels.cpu(Kernels.small().withSlots(256).withWorkers(4));
        for (int i = 0; i < 20_000; i++) {
            tickets.add(k.publish(Opcodes.NOP, 0, Priority.NORMAL, i));
        }
        k.close();
        for (int i = 0; i < tickets.size(); i++) {
            Ticket t = tickets.get(i);
            assertTrue(t.isDone(), "close() completed every ticket");
            SlotOutcome o = t.await(Duration.ZERO);
            assertEquals(SlotState.DONE, o.state());
            assertEquals(i, o.arg(0));
        }
    }

    @Test
    void closeIsIdempotentAndRefusesLaterUse() {
        Megakernel k = Kernels.cpu(Kernels.small());
        k.close();
        k.close();
        assertThrows(KernelClosedException.class, () -> k.publish(Opcodes.NOP, 0, Priority.NORMAL));
        assertThrows(KernelClosedException.class, () -> k.call(Opcodes.NOP, 0, Priority.NORMAL));
        assertThrows(KernelClosedException.class,
                () -> k.publishBatch(List.of(Slot.of(SlotState.EMPTY, Opcodes.NOP, 0, Priority.NORMAL))));
        assertThrows(KernelClosedException.class, k::doneCount);
        assertThrows(KernelClosedException.class, k::control);
        assertThrows(KernelClosedException.class, k::debugLog);
    }

    @Test
    void shutdownSlotDrainsEarlierSlotsAndEndsTheKernel() throws Exception {
        Megakernel k = Kernels.cpu(Kernels.small().withSlots(64).withWorkers(4));
        List<Ticket> before = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            before.add(k.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, OBS));
        }
        Ticket shutdown = k.publish(Opcodes.SHUTDOWN, 0, Priority.NORMAL);
        assertTrue(shutdown.await(Kernels.WAIT).isDone());
        for (Ticket t : before) {
            assertTrue(t.await(Kernels.WAIT).isDone());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!k.closing() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(k.closing(), "the reaper saw the SHUTDOWN word");
        assertThrows(KernelClosedException.class, () -> k.publish(Opcodes.NOP, 0, Priority.NORMAL));
        assertEquals(500, k.control().load(OBS));
        assertEquals(1, k.control().load(0));
        k.close();
        k.close();
    }

    @Test
    void slotsPublishedAfterAShutdownSlotRanEitherRunOrFailTyped() {
        for (int round = 0; round < 20; round++) {
            Megakernel k = Kernels.cpu(Kernels.small().withSlots(8).withWorkers(2));
            List<Ticket> tickets = new ArrayList<>();
            tickets.add(k.publish(Opcodes.SHUTDOWN, 0, Priority.NORMAL));
            try {
                for (int i = 0; i < 1000; i++) {
                    tickets.add(k.publish(Opcodes.NOP, 0, Priority.NORMAL));
                }
            } catch (KernelClosedException expected) {
                // the host noticed the shutdown
            }
            k.close();
            for (Ticket t : tickets) {
                assertTrue(t.isDone(), "every ticket is completed by close()");
                try {
                    assertTrue(t.await(Duration.ZERO).isDone());
                } catch (SlotNotExecutedException expected) {
                    CompletionException e = assertThrows(CompletionException.class, () -> t.future().join());
                    assertInstanceOf(SlotNotExecutedException.class, e.getCause());
                }
            }
        }
    }

    @Test
    void publishRefusesBadWorkBeforeTouchingTheRing() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            for (int op : new int[] {0xFFF0, 0xFFFC, 0x8000_0000, 0x8000_0003, 0xFFFF_FFFE}) {
                PublishRefusedException e = assertThrows(PublishRefusedException.class,
                        () -> k.publish(op, 0, Priority.NORMAL));
                assertTrue(e.getMessage().contains("system range") && e.getMessage().contains("Fix: "));
            }
            for (int tenant : new int[] {30, 31, -1, Integer.MIN_VALUE}) {
                assertThrows(PublishRefusedException.class, () -> k.publish(Opcodes.NOP, tenant, Priority.NORMAL));
                assertThrows(PublishRefusedException.class, () -> k.call(Opcodes.NOP, tenant, Priority.NORMAL));
            }
            assertThrows(PublishRefusedException.class, () -> k.publish(Opcodes.NOP, 0, null));
            assertThrows(PublishRefusedException.class, () -> k.publish(Opcodes.NOP, 0, Priority.NORMAL,
                    new int[13]));
            assertThrows(PublishRefusedException.class, () -> k.publishBatch(List.of(
                    Slot.of(SlotState.EMPTY, Opcodes.NOP, 0, Priority.NORMAL),
                    Slot.of(SlotState.EMPTY, Opcodes.NOP, 30, Priority.NORMAL))));
            assertEquals(0, k.doneCount(), "nothing was published");
            assertTrue(k.publish(Opcodes.PRINTF, 29, Priority.IDLE).await(Kernels.WAIT).isDone());
            assertTrue(k.publish(Opcodes.LOAD_MISS, 0, Priority.IDLE).await(Kernels.WAIT).isFault());
            assertTrue(k.publish(0x1_0000, 0, Priority.IDLE).await(Kernels.WAIT).isFault(), "unregistered user op");
        }
    }

    @Test
    void bootstrapRefusesBadConfigurations() {
        MegakernelConfig base = Kernels.small();
        List<MegakernelConfig> bad = List.of(base.withSlots(0), base.withSlots(10).withWorkers(4),
                base.withWorkers(-1), base.withSlots(4).withWorkers(8), base.withObservables(-1),
                base.withObservables(2_000_000), base.withDebugRecords(-1), base.withHandlerStepBudget(0),
                base.withHandlerStepBudget(1L << 32), base.withDrainTimeout(Duration.ZERO),
                base.withTenantMask(30, 0), base.withTenantMask(-1, 0));
        for (MegakernelConfig c : bad) {
            CpuBackend backend = new CpuBackend();
            BootstrapException e = assertThrows(BootstrapException.class, () -> Megakernel.bootstrap(backend, c),
                    c.toString());
            assertTrue(e.getMessage().contains("Fix: "));
            assertThrows(BootstrapException.class, () -> backend.allocateShared(64, 64),
                    "a failed bootstrap closed the backend");
        }
        assertThrows(BootstrapException.class, () -> Megakernel.bootstrap((Backend) null, base));
        assertThrows(BootstrapException.class, () -> Megakernel.bootstrap(BackendKind.CPU, null));
        assertThrows(BootstrapException.class, () -> new MegakernelConfig(1, 0, 0, 0, null, Map.of(), 1,
                Duration.ofSeconds(1)));
    }

    @Test
    void backendKinds() {
        try (Megakernel k = Megakernel.bootstrap(BackendKind.AUTO, Kernels.small().withWorkers(0))) {
            assertEquals("cpu", k.backendName());
            assertTrue(k.workers() >= 1 && 64 % k.workers() == 0);
        }
        try (Megakernel k = Megakernel.bootstrap(BackendKind.CPU, Kernels.small().withWorkers(4))) {
            assertEquals(4, k.workers());
        }
        if (dev.vyre.cuda.CudaProbe.run().available()) {
            try (Megakernel k = Megakernel.bootstrap(BackendKind.CUDA, Kernels.small())) {
                assertEquals("cuda", k.backendName());
            }
        } else {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Megakernel.bootstrap(BackendKind.CUDA, Kernels.small()));
            assertTrue(e.getMessage().startsWith("cuda backend not available: "), e.getMessage());
            assertTrue(e.getMessage().contains("Fix: "));
        }
    }

    @Test
    void defaultWorkersDivideTheRing() {
        assertEquals(16, CpuBackend.defaultWorkers(4096, 16));
        assertEquals(4, CpuBackend.defaultWorkers(4096, 6));
        assertEquals(5, CpuBackend.defaultWorkers(10, 7));
        assertEquals(1, CpuBackend.defaultWorkers(7, 6));
        assertEquals(3, CpuBackend.defaultWorkers(3, 64));
        assertEquals(1, CpuBackend.defaultWorkers(1, 1));
    }

    @Test
    void hundredCyclesLeakNoThreads() throws Exception {
        Set<Thread> before = vyreThreads();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(16).withWorkers(1 << (i % 4))
                    .withObservables(4))) {
                for (int j = 0; j < 10; j++) {
                    k.publish(Opcodes.NOP, 0, Priority.NORMAL).future().thenRun(done::incrementAndGet);
                }
            }
        }
        assertEquals(1000, done.get());
        Set<Thread> after = vyreThreads();
        after.removeAll(before);
        assertEquals(Set.of(), after.stream().filter(Thread::isAlive).collect(Collectors.toSet()),
                "threads left behind");
    }

    private static Set<Thread> vyreThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vyre-"))
                .collect(Collectors.toSet());
    }

    @Test
    @SuppressWarnings("try") // close() inside the try block is the point of the test
    void closeFromTheReaperThreadIsRefused() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger onReaper = new AtomicInteger();
            List<CompletableFuture<Void>> callbacks = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                callbacks.add(k.publish(Opcodes.NOP, 0, Priority.NORMAL).future().thenRun(() -> {
                    if (Thread.currentThread().getName().equals("vyre-reaper")) {
                        onReaper.incrementAndGet();
                        try {
                            k.close();
                        } catch (MegakernelException e) {
                            if (e.getMessage().contains("reaper thread")) {
                                refused.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            callbacks.forEach(CompletableFuture::join);
            assertTrue(onReaper.get() > 0, "some callbacks ran on the reaper");
            assertEquals(onReaper.get(), refused.get());
            assertFalse(k.closing());
            assertTrue(k.call(Opcodes.NOP, 0, Priority.NORMAL).isDone(), "the kernel still runs");
        }
    }

    @Test
    void callbacksOnTheReaperMayPublishIntoAFullRing() {
        TestBackends.Gated gated = new TestBackends.Gated();
        try (Megakernel k = Megakernel.bootstrap(gated, Kernels.small().withSlots(1).withWorkers(1))) {
            String[] callbackThread = new String[1];
            CompletableFuture<List<Ticket>> chained = k.publish(Opcodes.NOP, 0,
                    Priority.NORMAL).future().thenApply(first -> {
                        callbackThread[0] = Thread.currentThread().getName();
                        // the second publish needs the first one reaped, by the thread that runs this callback
                        Ticket a = k.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, OBS);
                        Ticket b = k.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 2, OBS);
                        return List.of(a, b);
                    });
            gated.open();
            List<Ticket> tickets = chained.orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals("vyre-reaper", callbackThread[0]);
            assertTrue(tickets.get(0).await(Kernels.WAIT).isDone() && tickets.get(1).await(Kernels.WAIT).isDone());
            assertEquals(3, k.control().load(OBS));
        }
    }

    @Test
    void workersThatNeverRunFailTicketsTyped() {
        TestBackends.Dead dead = new TestBackends.Dead();
        Megakernel k = Megakernel.bootstrap(dead, Kernels.small().withSlots(4).withWorkers(0));
        Ticket t;
        try {
            t = k.publish(Opcodes.NOP, 0, Priority.NORMAL);
        } catch (KernelClosedException e) {
            t = null; // the reaper already noticed that no worker runs
        }
        if (t != null) {
            Ticket stranded = t;
            SlotNotExecutedException e = assertThrows(SlotNotExecutedException.class,
                    () -> stranded.await(Kernels.WAIT));
            assertTrue(e.getMessage().contains("Fix: "));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!k.closing() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThrows(KernelClosedException.class, () -> k.publish(Opcodes.NOP, 0, Priority.NORMAL));
        assertThrows(KernelClosedException.class, () -> k.call(Opcodes.NOP, 0, Priority.NORMAL));
        k.close();
        assertTrue(dead.closed);
    }

    @Test
    void aBackendThatFailsToStartIsClosedAndReported() {
        TestBackends.Dead failing = new TestBackends.Dead() {
            @Override
            public void start(RingBuffers buffers, MegakernelConfig config) {
                throw new IllegalStateException("no device");
            }
        };
        BootstrapException e = assertThrows(BootstrapException.class,
                () -> Megakernel.bootstrap(failing, Kernels.small()));
        assertTrue(e.getMessage().contains("no device") && e.getMessage().contains("Fix: "), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(failing.closed);
    }
}
