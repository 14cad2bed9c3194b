package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated megakernel, run by the PTX simulator, against the CPU backend on random streams of the runtime's
 * parity harness (built-ins, packed slots, faults, several tenants and priorities): identical control words,
 * observables, debug records and outcomes. The same comparison runs on the GPU in {@link CudaParityGpuTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimParityTest {

    @ParameterizedTest
    @CsvSource({"1, WARP, 4", "2, THREAD, 8", "3, THREAD, 1", "4, WARP, 16"})
    void simulatedKernelMatchesTheCpuBackend(long seed, WorkerShape shape, int workers) {
        SlotStream stream = SlotStream.random(seed, 2_000, new SlotStream.Options(64, 6, false, 15));
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, 64);
        SimBackend sim = new SimBackend(shape, workers);
        RunSnapshot simulated = SettledRun.run(sim, stream, 64);
        assertNull(sim.failure(), "the simulated kernel failed");
        assertEquals(workers, sim.liveThreads(), "one live device thread per worker");
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs simulated kernel differ at "
                + difference.orElseThrow());
    }
}
