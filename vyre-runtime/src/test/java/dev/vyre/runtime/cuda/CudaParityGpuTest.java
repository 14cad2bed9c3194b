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
 * outcomes: 8 streams of 131,072 slots, 1,048,576 in all, in turn on the default kernel (IR-built), WARP workers
 * (hand-written) and THREAD workers with the hand-written kernel.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaParityGpuTest {
    private static final int STREAMS = 8;
    private static final int SLOTS_PER_STREAM = 131_072;
    private static final int BATCH = 4096;

    /**
     * Stream s runs on the default settings (the IR-built kernel for THREAD workers), on WARP workers (the
     * hand-written kernel) or on THREAD workers with the hand-written kernel, in turn.
     */
    private static CudaBackend.Settings settings(int stream) {
        return switch (stream % 3) {
            case 0 -> CudaBackend.Settings.defaults();
            case 1 -> CudaBackend.Settings.defaults().withShape(WorkerShape.WARP);
            default -> CudaBackend.Settings.defaults().withKernel(KernelBuild.HAND_WRITTEN);
        };
    }

    @Test
    void cudaMatchesTheCpuBackendOnAMillionRandomSlots() {
        CudaTests.assumeGpu();
        long total = CudaTests.assertParity(0x5EED_0000L, STREAMS, SLOTS_PER_STREAM,
                new SlotStream.Options(4096, 6, false, 10), BATCH,
                s -> CudaBackend.open(settings(s)), s -> "cuda " + settings(s).shape() + " " + settings(s).kernel());
        assertEquals(1_048_576, total);
    }
}
