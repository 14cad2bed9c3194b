package dev.vyre.runtime.cuda;

import dev.vyre.runtime.cuda.ir.IrKernel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tenant confinement in the IR-built kernel ({@code Settings.withIrKernel()}, {@code ConfinementNodes}) on the GPU:
 * {@link CudaConfinementGpuTest}'s streams (without cooperative handlers, which the IR-built kernel refuses) on CUDA
 * against the CPU backend: confined and unconfined tenants' built-ins, packed slots and inlined handlers reaching in
 * and out of their windows give identical outcomes (OUT_OF_REGION details included), control blocks and data
 * regions; one worker with every kind of slot, then 4, 32 and the default workers (with the default doorbell
 * pollers) on order-independent atomic adds. {@link SimIrConfinementTest} runs the same streams in the PTX
 * simulator on every build.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaIrConfinementGpuTest {
    private static final int SLOTS = 20_000;
    /** The IR-built kernel's entry: the test ran it, not the hand-written kernel. */
    private static final String IR_ENTRY = ".entry " + IrKernel.ENTRY;

    @Test
    void oneWorkerEveryKindOfSlotMatchesTheCpuBackend() {
        CudaTests.assumeGpu();
        CudaConfinementGpuTest.parity("ir kernel, one worker", 61, ConfinedStream.random(61, SLOTS, false, false),
                ConfinedStream.config(1, false), CudaBackend.Settings.defaults().withIrKernel(), IR_ENTRY);
    }

    @Test
    void severalWorkersMatchTheCpuBackend() {
        CudaTests.assumeGpu();
        int s = 0;
        for (int workers : new int[] {4, 32, 0}) {
            long seed = 70 + s++;
            CudaConfinementGpuTest.parity("ir kernel, " + workers + " workers", seed, ConfinedStream.random(seed,
                    SLOTS, true, false), ConfinedStream.config(workers, false),
                    CudaBackend.Settings.defaults().withIrKernel(), IR_ENTRY);
        }
    }

    @Test
    void aTenantCannotTouchAnotherTenantsRegionsOnTheGpu() {
        CudaTests.assumeGpu();
        CudaConfinementGpuTest.escapesRefused(CudaBackend.Settings.defaults().withIrKernel());
    }
}
