package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized streams (mixed built-ins, packed slots, faults, tenants and priorities; the runtime's parity harness)
 * run on the CPU backend and on CUDA must end in identical control words, observables, debug records and slot
 * outcomes: 8 streams of 131,072 slots, 1,048,576 in all, alternating the worker shape.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaParityGpuTest {
    private static final int STREAMS = 8;
    private static final int SLOTS_PER_STREAM = 131_072;
    private static final int BATCH = 4096;

    @Test
    void cudaMatchesTheCpuBackendOnAMillionRandomSlots() {
        CudaTests.assumeGpu();
        SlotStream.Options options = new SlotStream.Options(4096, 6, false, 10);
        long total = 0;
        for (int s = 0; s < STREAMS; s++) {
            long seed = 0x5EED_0000L + s;
            SlotStream stream = SlotStream.random(seed, SLOTS_PER_STREAM, options);
            RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, BATCH);
            WorkerShape shape = WorkerShape.values()[s % WorkerShape.values().length];
            RunSnapshot cuda = SettledRun.run(CudaBackend.open(CudaBackend.Settings.defaults().withShape(shape)),
                    stream, BATCH);
            Optional<String> difference = cpu.firstDifference(cuda);
            assertTrue(difference.isEmpty(), () -> "stream seed " + seed + " (" + shape + "): cpu vs cuda differ at "
                    + difference.orElseThrow());
            assertEquals(SLOTS_PER_STREAM, cuda.outcomes().size());
            total += cuda.outcomes().size();
        }
        assertEquals(1_048_576, total);
    }
}
