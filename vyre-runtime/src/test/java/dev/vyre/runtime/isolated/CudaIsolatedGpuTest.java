package dev.vyre.runtime.isolated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.WorkerRecovery;
import dev.vyre.runtime.parity.StreamHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The isolated backend with the CUDA megakernel in the child (docs/TENANTS.md): the ring file registered with the
 * driver, the kernel serving it from the child; a user handler slot that stores out of bounds (the test-only
 * injected fault: CUDA_ERROR_ILLEGAL_ADDRESS, which poisons the child's CUDA state for good) is survived with nothing
 * lost: the culprit faults WORKER_LOST and is reported, every other slot completes with its result.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaIsolatedGpuTest {
    private static final int OBS = Kernels.SPEC_OBSERVABLE_BASE;
    private static final int ITEMS = 20_000;
    private static final int TENANT = 7;

    private static void assumeGpu() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
    }

    private static MegakernelConfig config() {
        return MegakernelConfig.defaults().withSlots(4096).withObservables(ITEMS + 16).withDebugRecords(64)
                .withHandler(StreamHandlers.COUNTING, StreamHandlers.counting())
                .withHandler(PoisonHooks.POISON, StreamHandlers.counting());
    }

    @Test
    void theCudaChildServesTheSharedRingAndDrainsOnClose() {
        assumeGpu();
        long start = System.nanoTime();
        Megakernel k = Megakernel.bootstrap(BackendKind.CUDA_ISOLATED, config());
        long startMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("cuda-isolated", k.backendName());
        List<Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            tickets.add(k.publish(StreamHandlers.COUNTING, TENANT, Priority.NORMAL, i, 2, OBS + i, OBS + ITEMS));
        }
        for (int i = 0; i < ITEMS; i++) {
            assertEquals(i * 31 + 2, tickets.get(i).await(Kernels.WAIT).args()[0], "slot " + i);
            assertEquals(1, k.control().load(OBS + i), "slot " + i + " ran once");
        }
        long callStart = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertTrue(k.call(Opcodes.NOP, 0, Priority.NORMAL).isDone());
        }
        long callNanos = (System.nanoTime() - callStart) / 1000;
        assertTrue(k.recoveries().isEmpty(), k.recoveries().toString());
        k.close();
        System.out.println("cuda-isolated: bootstrap with the child " + startMillis + " ms, " + k.workers()
                + " workers, NOP call round trip " + callNanos + " ns (mean of 1000)");
    }

    @Test
    void anOutOfBoundsStoreKillsOnlyTheChildTheCulpritIsReportedAndNothingIsLost() {
        assumeGpu();
        IsolatedBackend backend = new IsolatedBackend(IsolatedOptions.cuda().withInjectedFault(PoisonHooks.POISON));
        int poisonAt = ITEMS / 2;
        long start = System.nanoTime();
        try (Megakernel k = Megakernel.bootstrap(backend, config())) {
            List<Ticket> tickets = new ArrayList<>();
            for (int i = 0; i < ITEMS; i++) {
                int opcode = i == poisonAt ? PoisonHooks.POISON : StreamHandlers.COUNTING;
                tickets.add(k.publish(opcode, TENANT, Priority.NORMAL, i, 1, OBS + i, OBS + ITEMS));
            }
            int twice = 0;
            for (int i = 0; i < ITEMS; i++) {
                SlotOutcome o = tickets.get(i).await(Duration.ofSeconds(120));
                int runs = k.control().load(OBS + i);
                if (i == poisonAt) {
                    assertEquals(FaultCode.WORKER_LOST, o.fault(), o.toString());
                    assertEquals(WorkerRecovery.Cause.DIED.detail(), o.faultDetail());
                    assertEquals(0, runs, "the poisoned slot faulted before its handler ran");
                    continue;
                }
                assertTrue(o.isDone(), "slot " + i + ": " + o);
                assertEquals(i * 31 + 1, o.args()[0], "slot " + i + " result");
                assertTrue(runs == 1 || runs == 2, "slot " + i + " ran " + runs + " times");
                twice += runs - 1;
            }
            List<WorkerRecovery> r = k.recoveries();
            List<WorkerRecovery> named = r.stream().filter(w -> w.slot() >= 0).toList();
            assertEquals(1, named.size(), r.toString());
            WorkerRecovery w = named.getFirst();
            assertEquals(tickets.get(poisonAt).slot(), w.slot(), w.toString());
            assertEquals(PoisonHooks.POISON, w.opcode());
            assertEquals(TENANT, w.tenant());
            assertTrue(w.error().contains("ILLEGAL_ADDRESS"), w.error());
            assertTrue(twice <= (k.workers() - 1) * r.size(), twice + " slots ran twice: " + r);
            assertTrue(k.call(Opcodes.NOP, 0, Priority.NORMAL).isDone(), "the fresh child serves");
            System.out.println("cuda-isolated fault: " + ITEMS + " slots, culprit " + w + "; " + twice + " in-flight"
                    + " slots ran twice; " + backend.children() + " children; whole run "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }
}
