package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.protocol.ControlView;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.Optional;
import java.util.function.IntFunction;
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

    /**
     * Runs random streams {@code seedBase + s} (s = 0..streams-1) of {@code slots} slots on the CPU backend and on
     * {@code backend.apply(s)}, {@code batch} slots per publish, and asserts identical snapshots (outcomes, control
     * words, observables, debug records); {@code label.apply(s)} names the backend in a failure. Returns the slots
     * compared.
     */
    static long assertParity(long seedBase, int streams, int slots, SlotStream.Options options, int batch,
                             IntFunction<Backend> backend, IntFunction<String> label) {
        long total = 0;
        for (int s = 0; s < streams; s++) {
            long seed = seedBase + s;
            SlotStream stream = SlotStream.random(seed, slots, options);
            RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, batch);
            RunSnapshot other = SettledRun.run(backend.apply(s), stream, batch);
            String who = label.apply(s);
            Optional<String> difference = cpu.firstDifference(other);
            assertTrue(difference.isEmpty(), () -> "stream seed " + seed + ": cpu vs " + who + " differ at "
                    + difference.orElseThrow());
            assertEquals(slots, other.outcomes().size());
            total += other.outcomes().size();
        }
        return total;
    }

    /** A small configuration: 256 slots, 1024 observables, 64 debug records. */
    static MegakernelConfig small() {
        return MegakernelConfig.defaults().withSlots(256).withObservables(1024).withDebugRecords(64);
    }
}
