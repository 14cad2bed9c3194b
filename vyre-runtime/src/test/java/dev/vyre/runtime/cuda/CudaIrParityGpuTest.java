package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The IR-built kernel ({@code Settings.withIrKernel()}) on the GPU against the CPU backend: 4 random streams of
 * 65,536 slots (262,144 in all) of the runtime's parity harness (mixed built-ins, packed slots, PRINTF, faults,
 * tenants, priorities) must end in identical control words, observables, debug records and slot outcomes, as
 * {@link CudaParityGpuTest} checks for the hand-written kernel.
 * The opcode contract on the GPU for this kernel is {@link CudaIrOpcodesGpuTest}.
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
        SlotStream.Options options = new SlotStream.Options(4096, 6, false, 10);
        long total = 0;
        for (int s = 0; s < STREAMS; s++) {
            long seed = 0x1EED_0000L + s;
            SlotStream stream = SlotStream.random(seed, SLOTS_PER_STREAM, options);
            RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, BATCH);
            CudaBackend cuda = CudaBackend.open(CudaBackend.Settings.defaults().withIrKernel());
            RunSnapshot gpu = SettledRun.run(cuda, stream, BATCH);
            assertNotNull(cuda.ptx());
            assertTrue(cuda.ptx().contains(".entry " + IrKernel.ENTRY), "the IR-built kernel ran");
            Optional<String> difference = cpu.firstDifference(gpu);
            assertTrue(difference.isEmpty(), () -> "stream seed " + seed + ": cpu vs IR kernel on cuda differ at "
                    + difference.orElseThrow());
            assertEquals(SLOTS_PER_STREAM, gpu.outcomes().size());
            total += gpu.outcomes().size();
        }
        assertEquals(262_144, total);
    }
}
