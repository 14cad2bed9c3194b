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

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimHandlersTest {

    @ParameterizedTest
    @CsvSource({"1, THREAD, 4", "2, WARP, 2"})
    void streamHandlersMatchTheCpuBackend(long seed, WorkerShape shape, int workers) {
        SlotStream stream = SlotStream.random(seed, 1_000, new SlotStream.Options(64, 4, true, 10));
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, 64);
        SimBackend sim = new SimBackend(shape, workers);
        RunSnapshot simulated = SettledRun.run(sim, stream, 64);
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> "cpu vs sim: " + difference.orElseThrow());
    }
}
