package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static dev.vyre.runtime.Kernels.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.StreamHandlers;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tenants: opcode sets, quota backpressure, confined regions, shares, and the bootstrap checks. */
class TenantTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;
    /** The spec's control words, restated for independent expectations. */
    private static final int SPEC_TENANT_BASE = 2;
    private static final int SPEC_QUOTA_BASE = 32;
    private static final int SPEC_FAIRNESS_BASE = 64;

    @Test
    void opcodeOutsideTheSetIsRefusedAtPublishAndFaultsInTheKernel() {
        MegakernelConfig c = Kernels.small().withTenant(1, TenantSpec.allowing(Opcodes.NOP, Opcodes.ATOMIC_ADD)
                .withQuota(5).withShare(7));
        try (Megakernel k = Kernels.cpu(c)) {
            TenantHandle h = k.tenant(1);
            OpcodeNotPermittedException e = assertThrows(OpcodeNotPermittedException.class,
                    () -> h.publish(Opcodes.STORE_U32, Priority.NORMAL, 1, OBS));
            assertTrue(e.getMessage().contains("tenant 1") && e.getMessage().contains("STORE_U32")
                    && e.getMessage().contains("Fix:"), e.getMessage());
            assertEquals(0, h.inFlight(), "a refused publish takes no quota");
            assertThrows(OpcodeNotPermittedException.class, () -> h.tryPublish(Opcodes.MEMCPY, Priority.NORMAL));
            SlotOutcome raw = k.publish(Opcodes.STORE_U32, 1, Priority.NORMAL, 9, OBS).await(WAIT);
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, raw.fault(), "the kernel refuses it too");
            assertEquals(0, k.control().load(OBS));
            assertTrue(h.publish(Opcodes.ATOMIC_ADD, Priority.NORMAL, 4, OBS).await(WAIT).isDone());
            assertEquals(4, k.control().load(OBS));
            assertEquals(1 << Opcodes.NOP | 1 << Opcodes.ATOMIC_ADD, k.control().load(SPEC_TENANT_BASE + 1));
            assertEquals(5, k.control().load(SPEC_QUOTA_BASE + 1));
            assertEquals(7, k.control().load(SPEC_FAIRNESS_BASE + 1));
            assertThrows(MegakernelException.class, () -> k.tenant(2), "undeclared tenant");
        }
    }

    @Test
    void fullQuotaIsBackpressureNotAnError() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CpuBackend backend = new CpuBackend((worker, slot) -> await(release));
        MegakernelConfig c = Kernels.small().withTenant(3, TenantSpec.allowing(Opcodes.ATOMIC_ADD).withQuota(2));
        try (Megakernel k = Megakernel.bootstrap(backend, c)) {
            TenantHandle h = k.tenant(3);
            List<Ticket> tickets = new ArrayList<>();
            tickets.add(h.publish(Opcodes.ATOMIC_ADD, Priority.NORMAL, 1, OBS));
            tickets.add(h.publish(Opcodes.ATOMIC_ADD, Priority.NORMAL, 1, OBS));
            assertTrue(h.tryPublish(Opcodes.ATOMIC_ADD, Priority.NORMAL, 1, OBS).isEmpty(), "quota full");
            long start = System.nanoTime();
            assertThrows(QuotaTimeoutException.class,
                    () -> h.publish(Duration.ofMillis(50), Opcodes.ATOMIC_ADD, Priority.NORMAL, 1, OBS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "it waited the timeout");
            AtomicBoolean blockedDone = new AtomicBoolean();
            Thread blocked = Thread.ofPlatform().start(() -> {
                tickets.add(h.publish(Opcodes.ATOMIC_ADD, Priority.NORMAL, 1, OBS));
                blockedDone.set(true);
            });
            Thread.sleep(100);
            assertFalse(blockedDone.get(), "the third publish waits for the quota");
            assertEquals(2, slotsOf(k, 3), "two slots of the tenant are in the ring");
            release.countDown();
            blocked.join(WAIT.toMillis());
            assertTrue(blockedDone.get());
            for (Ticket t : List.copyOf(tickets)) {
                assertTrue(t.await(WAIT).isDone());
            }
            assertEquals(3, k.control().load(OBS));
        }
    }

    @Test
    void quotaBoundsTheTenantsSlotsInTheRingUnderFlood() throws Exception {
        Kernels.assumeInterpreter();
        MegakernelConfig c = Kernels.small().withSlots(256).withHandlerStepBudget(400)
                .withHandler(StreamHandlers.SPINNING, StreamHandlers.spinning())
                .withTenant(4, TenantSpec.allowing(StreamHandlers.SPINNING).withQuota(3));
        try (Megakernel k = Kernels.cpu(c)) {
            TenantHandle h = k.tenant(4);
            AtomicInteger published = new AtomicInteger();
            List<Thread> floods = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                floods.add(Thread.ofPlatform().start(() -> {
                    for (int n = 0; n < 150; n++) {
                        h.publish(StreamHandlers.SPINNING, Priority.NORMAL);
                        published.incrementAndGet();
                    }
                }));
            }
            int most = 0;
            while (floods.stream().anyMatch(Thread::isAlive)) {
                most = Math.max(most, slotsOf(k, 4));
            }
            for (Thread t : floods) {
                t.join();
            }
            assertEquals(600, published.get(), "every publish went through, none was refused");
            assertTrue(most <= 3, "at most the quota of slots in the ring, saw " + most);
            assertTrue(most >= 1, "the sampler saw the flood");
        }
    }

    @Test
    void sharesSplitAContendedAdmissionWindow() throws Exception {
        MegakernelConfig c = Kernels.small().withScheduler(SchedulerConfig.defaults().withAdmissionSlots(2)
                .withTenant(1, TenantSpec.allowing(Opcodes.NOP).withShare(3))
                .withTenant(2, TenantSpec.allowing(Opcodes.NOP).withShare(1)));
        try (Megakernel k = Kernels.cpu(c)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> floods = new ArrayList<>();
            for (int tenant = 1; tenant <= 2; tenant++) {
                TenantHandle h = k.tenant(tenant);
                for (int i = 0; i < 3; i++) {
                    floods.add(Thread.ofPlatform().start(() -> {
                        while (!stop.get()) {
                            h.publish(Opcodes.NOP, Priority.NORMAL);
                        }
                    }));
                }
            }
            TenantHandle a = k.tenant(1);
            TenantHandle b = k.tenant(2);
            waitForAdmissions(a, b, 1_000);
            long a0 = a.admitted();
            long b0 = b.admitted();
            waitForAdmissions(a, b, 5_000);
            double ratio = (double) (a.admitted() - a0) / Math.max(1, b.admitted() - b0);
            stop.set(true);
            for (Thread t : floods) {
                t.join(WAIT.toMillis());
            }
            assertTrue(ratio > 2.0 && ratio < 4.5, "shares 3:1 admit about 3:1, got " + ratio);
        }
    }

    @Test
    void confinedTenantsTouchOnlyTheirRegions() {
        Kernels.assumeInterpreter();
        MegakernelConfig c = Kernels.small().withDataBytes(8192)
                .withHandler(StreamHandlers.COUNTING, StreamHandlers.counting())
                .withHandler(TenantPrograms.DATA_STORE, TenantPrograms.dataStore())
                .withTenant(1, TenantSpec.allowing(Opcodes.STORE_U32, Opcodes.MEMCPY, Opcodes.BATCH_FENCE,
                        StreamHandlers.COUNTING, TenantPrograms.DATA_STORE).confinedTo(OBS, 8, 0, 4096))
                .withTenant(2, TenantSpec.allowing(StreamHandlers.COUNTING, TenantPrograms.DATA_STORE)
                        .confinedTo(OBS + 8, 8, 4096, 4096));
        try (Megakernel k = Kernels.cpu(c)) {
            TenantHandle one = k.tenant(1);
            TenantHandle two = k.tenant(2);
            assertTrue(one.publish(Opcodes.STORE_U32, Priority.NORMAL, 11, OBS + 7).await(WAIT).isDone());
            assertEquals(11, k.control().load(OBS + 7));
            expectRegionFault(one.publish(Opcodes.STORE_U32, Priority.NORMAL, 12, OBS + 8).await(WAIT), OBS + 8);
            expectRegionFault(one.publish(Opcodes.STORE_U32, Priority.NORMAL, 0, SPEC_TENANT_BASE + 2)
                    .await(WAIT), SPEC_TENANT_BASE + 2);
            expectRegionFault(one.publish(Opcodes.MEMCPY, Priority.NORMAL, OBS + 6, OBS + 2, 3).await(WAIT),
                    OBS + 8);
            expectRegionFault(one.publish(Opcodes.BATCH_FENCE, Priority.NORMAL, 0, 5).await(WAIT), 128);
            assertEquals(0, k.control().load(OBS + 8), "tenant 2's word was not written");
            assertEquals(1 << 12 | 1 << 13, k.control().load(SPEC_TENANT_BASE + 2), "tenant 2's mask is intact"
                    + " (its handlers 0x100 and 0x200 have bits 12 and 13)");
            // handlers index their own window: word 1 of tenant 1 is OBS + 1, of tenant 2 OBS + 9
            assertTrue(one.publish(StreamHandlers.COUNTING, Priority.NORMAL, 1, 1, 1, 2).await(WAIT).isDone());
            assertTrue(two.publish(StreamHandlers.COUNTING, Priority.NORMAL, 1, 1, 1, 2).await(WAIT).isDone());
            assertEquals(1, k.control().load(OBS + 1));
            assertEquals(1, k.control().load(OBS + 9));
            SlotOutcome escape = one.publish(StreamHandlers.COUNTING, Priority.NORMAL, 1, 1, 9, 3).await(WAIT);
            assertEquals(FaultCode.OUT_OF_REGION, escape.fault(), escape.toString());
            assertEquals(1, escape.faultDetail(), "one atomic fell outside the window");
            assertEquals(1, k.control().load(OBS + 9), "tenant 2's counter was not touched");
            assertTrue(one.publish(TenantPrograms.DATA_STORE, Priority.NORMAL, 3, 0xAB).await(WAIT).isDone());
            assertTrue(two.publish(TenantPrograms.DATA_STORE, Priority.NORMAL, 3, 0xCD).await(WAIT).isDone());
            assertEquals(0xAB, dataWord(k, 3));
            assertEquals(0xCD, dataWord(k, 1024 + 3));
            SlotOutcome far = one.publish(TenantPrograms.DATA_STORE, Priority.NORMAL, 1024 + 3, 0xEE).await(WAIT);
            assertEquals(FaultCode.OUT_OF_REGION, far.fault());
            assertEquals(0xCD, dataWord(k, 1024 + 3), "tenant 2's data is intact");
        }
    }

    @Test
    void bootstrapRefusesBadTenants() {
        MegakernelConfig base = Kernels.small().withDataBytes(4096);
        assertRefused(base.withTenant(30, TenantSpec.allowing(Opcodes.NOP)), "tenant 30");
        assertRefused(base.withTenant(1, TenantSpec.allowing(0x300)), "neither a system opcode");
        assertRefused(base.withTenant(1, TenantSpec.allowing(Opcodes.NOP).withQuota(65)), "quota");
        assertRefused(base.withTenant(1, TenantSpec.allowing(Opcodes.NOP).withShare(0)), "share");
        assertRefused(base.withTenant(1, TenantSpec.allowing(Opcodes.NOP).confinedTo(100, 4, 0, 0)), "control window");
        assertRefused(base.withTenant(1, TenantSpec.allowing(Opcodes.NOP).confinedTo(OBS, 4, 0, 8192)), "data range");
        assertRefused(base.withTenant(1, TenantSpec.allowing(Opcodes.DFA_STEP).confinedTo(OBS, 4, 0, 0)),
                "DFA_STEP");
        assertRefused(base.withTenant(1, TenantSpec.allowing(Opcodes.NOP).confinedTo(OBS, 4, 0, 0))
                .withTenant(2, TenantSpec.allowing(Opcodes.NOP).confinedTo(OBS + 3, 4, 0, 0)), "overlap");
        assertRefused(base.withTenantMask(1, 0).withTenant(1, TenantSpec.allowing(Opcodes.NOP)), "mask");
        assertRefused(base.withScheduler(SchedulerConfig.defaults().withLookahead(65)), "lookahead");
    }

    private static void assertRefused(MegakernelConfig c, String mention) {
        BootstrapException e = assertThrows(BootstrapException.class, () -> Kernels.cpu(c).close());
        assertTrue(e.getMessage().contains(mention) && e.getMessage().contains("Fix:"), e.getMessage());
    }

    private static void expectRegionFault(SlotOutcome o, int detail) {
        assertEquals(FaultCode.OUT_OF_REGION, o.fault(), o.toString());
        assertEquals(detail, o.faultDetail(), o.toString());
    }

    private static int dataWord(Megakernel k, int index) {
        return k.dataRegion().segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, index);
    }

    /**
     * Slots of {@code tenant} that are PUBLISHED or CLAIMED in the ring, from a scan during which no slot finished
     * (DONE_COUNT did not move), so that no slot freed during the scan is counted beside its successor.
     */
    static int slotsOf(Megakernel k, int tenant) {
        while (true) {
            int before = k.doneCount();
            int n = scan(k, tenant);
            if (k.doneCount() == before) {
                return n;
            }
        }
    }

    private static int scan(Megakernel k, int tenant) {
        int n = 0;
        for (int s = 0; s < k.ring().slotCount(); s++) {
            int status = k.ring().statusWord(s);
            if ((status == SlotState.PUBLISHED.wire() || status == SlotState.CLAIMED.wire())
                    && k.ring().word(s, SlotLayout.TENANT) == tenant) {
                n++;
            }
        }
        return n;
    }

    private static void waitForAdmissions(TenantHandle a, TenantHandle b, long total) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (a.admitted() + b.admitted() < total && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
