package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.Backend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The opcode contract on the GPU. */
@Tag("gpu")
class CudaOpcodesGpuTest extends OpcodeContract {

    @Override
    protected void assumeAvailable() {
        CudaTests.assumeGpu();
    }

    @Override
    protected Backend newBackend() {
        return CudaBackend.open(CudaBackend.Settings.defaults().withKernel(KernelBuild.HAND_WRITTEN));
    }

    @Test
    void defaultWorkersAreTheLargestDivisorOfTheRingWithinTheBound() {
        int bound;
        try (CudaBackend probe = CudaBackend.open()) {
            bound = Math.min(probe.device().multiprocessors(), probe.settings().maxDefaultWorkers());
        }
        int slots = CudaTests.small().slotCount();
        int w = kernel.workers();
        assertTrue(w >= 1 && w <= bound && slots % w == 0, "workers " + w);
        for (int d = w + 1; d <= Math.min(bound, slots); d++) {
            assertTrue(slots % d != 0, d + " divides " + slots + " and is a larger default than " + w);
        }
    }
}
