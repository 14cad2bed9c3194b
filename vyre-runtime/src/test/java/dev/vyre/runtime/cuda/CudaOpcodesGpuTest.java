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
        return CudaBackend.open();
    }

    @Test
    void defaultWorkersAreTheLargestDivisorOfTheRingUpToTheSmCount() {
        int sms;
        try (CudaBackend probe = CudaBackend.open()) {
            sms = probe.device().multiprocessors();
        }
        int slots = CudaTests.small().slotCount();
        int w = kernel.workers();
        assertTrue(w >= 1 && w <= sms && slots % w == 0, "workers " + w);
        for (int d = w + 1; d <= Math.min(sms, slots); d++) {
            assertTrue(slots % d != 0, d + " divides " + slots + " and is a larger default than " + w);
        }
    }
}
