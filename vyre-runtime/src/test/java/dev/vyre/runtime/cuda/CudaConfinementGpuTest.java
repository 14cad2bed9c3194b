package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.ConfinedStream.Snapshot;
import dev.vyre.runtime.cuda.ConfinedStream.Work;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tenant confinement on the GPU (docs/TENANTS.md, "Confinement"): the streams of {@link SimConfinementTest}, longer,
 * on CUDA against the CPU backend. Confined and unconfined tenants' built-ins and fused handlers reaching in and out
 * of their windows must give identical outcomes (OUT_OF_REGION details included), control blocks and data regions:
 * one worker with every kind of slot (also cooperative handlers), then several workers (both shapes, the default
 * doorbell pollers) on order-independent atomic adds. Prints the slots and the OUT_OF_REGION faults per stream.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaConfinementGpuTest {
    private static final int SLOTS = 20_000;

    private static void parity(String name, long seed, List<Work> work, MegakernelConfig config, WorkerShape shape) {
        parity(name, seed, work, config, CudaBackend.Settings.defaults().withShape(shape).withKernel(KernelBuild.HAND_WRITTEN), ConfinementPtx.OUT_OF_REGION);
    }

    /**
     * {@code work} on CUDA with {@code settings} against the CPU backend; the kernel's PTX must contain
     * {@code marker} (its confinement code).
     */
    static void parity(String name, long seed, List<Work> work, MegakernelConfig config,
                       CudaBackend.Settings settings, String marker) {
        WorkerShape shape = settings.shape();
        byte[] contents = ConfinedStream.contents(seed);
        Snapshot cpu = ConfinedStream.run(new CpuBackend(), config, contents, work);
        CudaBackend backend = CudaBackend.open(settings);
        Snapshot cuda = ConfinedStream.run(backend, config, contents, work);
        assertTrue(backend.ptx().contains(marker), "the kernel has the confinement code");
        String difference = cpu.differenceFrom(cuda);
        assertNull(difference, () -> name + " seed " + seed + ": cpu vs cuda differ at " + difference);
        long faults = cuda.outcomes().stream().filter(o -> o.fault() == FaultCode.OUT_OF_REGION).count();
        assertTrue(faults > work.size() / 20, "too few OUT_OF_REGION faults: " + faults);
        System.out.printf("confinement %s (%s): %d slots, %d OUT_OF_REGION, identical to the cpu backend%n", name,
                shape, work.size(), faults);
    }

    @Test
    void oneWorkerEveryKindOfSlotMatchesTheCpuBackend() {
        CudaTests.assumeGpu();
        parity("one worker", 31, ConfinedStream.random(31, SLOTS, false, false), ConfinedStream.config(1, false),
                WorkerShape.THREAD);
        parity("one worker, cooperative", 32, ConfinedStream.random(32, SLOTS / 4, false, true),
                ConfinedStream.config(1, true), WorkerShape.WARP);
    }

    @Test
    void severalWorkersMatchTheCpuBackend() {
        CudaTests.assumeGpu();
        int s = 0;
        for (WorkerShape shape : WorkerShape.values()) {
            for (int workers : new int[] {4, 32}) {
                long seed = 40 + s++;
                parity(workers + " workers", seed, ConfinedStream.random(seed, SLOTS, true, false),
                        ConfinedStream.config(workers, false), shape);
            }
        }
        parity("16 workers, cooperative", 50, ConfinedStream.random(50, SLOTS / 4, true, true),
                ConfinedStream.config(16, true), WorkerShape.WARP);
    }

    @Test
    void aTenantCannotTouchAnotherTenantsRegionsOnTheGpu() {
        CudaTests.assumeGpu();
        escapesRefused(CudaBackend.Settings.defaults().withKernel(KernelBuild.HAND_WRITTEN));
    }

    /** {@link SimConfinementTest#escapes()} on CUDA with {@code settings}: refused, as on the CPU backend. */
    static void escapesRefused(CudaBackend.Settings settings) {
        List<Work> work = SimConfinementTest.escapes();
        MegakernelConfig config = ConfinedStream.config(1, false);
        byte[] contents = ConfinedStream.contents(5);
        Snapshot cuda = ConfinedStream.run(CudaBackend.open(settings), config, contents, work);
        SimConfinementTest.assertEscapesRefused(cuda, contents);
        assertEquals(null, ConfinedStream.run(new CpuBackend(), config, contents, work).differenceFrom(cuda));
    }
}
