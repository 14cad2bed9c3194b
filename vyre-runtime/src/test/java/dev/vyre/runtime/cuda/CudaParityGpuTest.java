package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.runtime.parity.SlotStream;
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

    private static WorkerShape shape(int stream) {
        return WorkerShape.values()[stream % WorkerShape.values().length];
    }

    @Test
    void cudaMatchesTheCpuBackendOnAMillionRandomSlots() {
        CudaTests.assumeGpu();
        long total = CudaTests.assertParity(0x5EED_0000L, STREAMS, SLOTS_PER_STREAM,
                new SlotStream.Options(4096, 6, false, 10), BATCH,
                s -> CudaBackend.open(CudaBackend.Settings.defaults().withShape(shape(s))), s -> "cuda " + shape(s));
        assertEquals(1_048_576, total);
    }
}
