package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.protocol.ControlView;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import org.junit.jupiter.api.Assumptions;

/** Shared guard and helpers of the GPU tests: they skip, with the probe's reason, where no CUDA GPU exists. */
final class CudaTests {
    private CudaTests() {
    }

    /** Skips the calling test unless a CUDA device that can map host memory is present. */
    static void assumeGpu() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, GPU test skipped: " + probe.reason());
        Assumptions.assumeTrue(probe.devices().get(0).canMapHostMemory(),
                "CUDA device 0 cannot map host memory, GPU test skipped");
    }

    /** A megakernel on a fresh CUDA backend with default settings. */
    static Megakernel bootstrap(MegakernelConfig config) {
        return Megakernel.bootstrap(CudaBackend.open(), config);
    }

    /**
     * Waits up to 10 s for {@code control[DONE_COUNT]} to reach {@code expected}, then asserts it. Workers increment
     * DONE_COUNT after they release STATUS (docs/MEGAKERNEL.md), so a host that has just seen a slot finish may
     * still read the count before its increment: on the GPU that lag is a few microseconds.
     */
    static void awaitDoneCount(ControlView control, int expected) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (control.doneCount() != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(expected, control.doneCount(), "control[DONE_COUNT]");
    }

    /** A small configuration: 256 slots, 1024 observables, 64 debug records. */
    static MegakernelConfig small() {
        return MegakernelConfig.defaults().withSlots(256).withObservables(1024).withDebugRecords(64);
    }
}
