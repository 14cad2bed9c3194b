package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.parity.SlotStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The IR-built kernel ({@code Settings.withIrKernel()}) on the GPU against the CPU backend: 4 random streams of
 * 65,536 slots (262,144 in all) of the runtime's parity harness (mixed built-ins, packed slots, PRINTF, faults,
 * tenants, priorities) must end in identical control words, observables, debug records and slot outcomes, as
 * {@link CudaParityGpuTest} checks for the hand-written kernel. The opcode contract on the GPU for this kernel is
 * {@link CudaIrOpcodesGpuTest}.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaIrParityGpuTest {
    private static final int STREAMS = 4;
    private static final int SLOTS_PER_STREAM = 65_536;
    private static final int BATCH = 4096;

    @Test
    void theIrKernelMatchesTheCpuBackendOnRandomStreams() {
        CudaTests.assumeGpu();
        List<CudaBackend> backends = new ArrayList<>();
        long total = CudaTests.assertParity(0x1EED_0000L, STREAMS, SLOTS_PER_STREAM,
                new SlotStream.Options(4096, 6, false, 10), BATCH, s -> {
                    CudaBackend b = CudaBackend.open(CudaBackend.Settings.defaults().withIrKernel());
                    backends.add(b);
                    return b;
                }, s -> "cuda IR-built kernel");
        assertEquals(262_144, total);
        for (CudaBackend b : backends) {
            assertTrue(b.ptx().contains(".entry " + IrKernel.ENTRY), "the IR-built kernel ran");
        }
    }
}
