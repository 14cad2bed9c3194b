package dev.vyre.runtime.isolated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
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
            List<Ticket> tickets = PoisonRun.publish(k, ITEMS, poisonAt, TENANT);
            WorkerRecovery w = PoisonRun.check(k, tickets, poisonAt, WorkerRecovery.Cause.DIED, TENANT,
                    Duration.ofSeconds(120));
            assertTrue(w.error().contains("ILLEGAL_ADDRESS"), w.error());
            assertTrue(k.call(Opcodes.NOP, 0, Priority.NORMAL).isDone(), "the fresh child serves");
            System.out.println("cuda-isolated fault: culprit " + w + "; " + backend.children() + " children; whole"
                    + " run " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }
}
