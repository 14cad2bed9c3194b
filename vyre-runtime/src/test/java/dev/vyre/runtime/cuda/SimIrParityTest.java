package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vyre.runtime.parity.SlotStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IR-built kernel ({@link dev.vyre.runtime.cuda.ir.IrKernel}), run by the PTX simulator, against the CPU backend
 * on the random streams {@link SimParityTest} uses (built-ins, packed slots, PRINTF, faults, tenants, priorities):
 * identical control words, observables, debug records and outcomes, and not one out-of-bounds access in the kernel.
 * The same comparison runs on the GPU in {@link CudaIrParityGpuTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimIrParityTest {

    @ParameterizedTest
    @CsvSource({"1, 4", "2, 8", "3, 1", "4, 16", "5, 64"})
    void irKernelMatchesTheCpuBackend(long seed, int workers) {
        SimBackend sim = SimBackend.irKernel(workers);
        CudaTests.assertParity(seed, 1, 2_000, new SlotStream.Options(64, 6, false, 15), 64, s -> sim,
                s -> "simulated IR kernel, " + workers + " workers");
        assertNull(sim.failure(), "the simulated IR kernel failed");
        assertEquals(workers, sim.liveThreads(), "one live device thread per worker");
        assertArrayEquals(new int[] {0, 0}, sim.outOfBoundsCounts(), "out-of-bounds loads and stores of the kernel");
    }
}
