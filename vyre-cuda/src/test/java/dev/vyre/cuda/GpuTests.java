package dev.vyre.cuda;

import org.junit.jupiter.api.Assumptions;

/** Shared guard of the GPU tests: they skip, with the probe's reason, where no CUDA driver or device exists. */
final class GpuTests {
    private GpuTests() {
    }

    static void assumeGpu() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
    }
}
