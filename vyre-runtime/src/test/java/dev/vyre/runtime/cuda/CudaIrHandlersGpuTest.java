package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.parity.SlotStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * User handlers inlined into the IR-built kernel ({@code Settings.withIrKernel()}) on the GPU against the CPU
 * backend: the parity harness's streams with the counting and spinning handlers, and {@link HandlerStream}'s with
 * 20 handlers (hand-written and random integer ones; ones adapted from random programs over every type and
 * operator) under budgets that cut many runs short: identical outcomes, argument words, control words, observables
 * and debug records. {@link SimIrHandlersTest} runs the same kinds of streams in the PTX simulator on every build.
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaIrHandlersGpuTest {
    private static final int RING = 4096;
    private static final int SLOTS = 16_384;

    private static void assertSameRun(SlotStream stream, int workers, String what) {
        CudaTests.assumeGpu();
        CudaHandlersGpuTest.assertSameRun(stream, CudaBackend.Settings.defaults().withIrKernel(), workers, what);
    }

    @Test
    void theParityHarnessWithHandlersMatchesTheCpuBackend() {
        for (int s = 0; s < 2; s++) {
            SlotStream stream = SlotStream.random(0x1EED_F000L + s, 65_536, new SlotStream.Options(RING, 6, true, 10));
            assertSameRun(stream, 0, "parity harness seed " + s);
        }
    }

    @ParameterizedTest
    @CsvSource({"61, 0, 1", "62, 32, 1024", "63, 128, 40000", "64, 1, 300"})
    void handWrittenAndRandomIntegerHandlersMatchTheCpuBackend(long seed, int workers, long budget) {
        SlotStream stream = HandlerStream.random(seed, SLOTS, SimHandlersTest.mixedHandlers(seed), budget, RING);
        assertSameRun(stream, workers, "mixed seed " + seed + ", budget " + budget + ", " + workers + " workers");
    }

    /** The data-region handlers (FNV-1a over Bytes, a word sum over U32, a writer) of {@link SimDataHandlersTest}. */
    @ParameterizedTest
    @CsvSource({"81, 1000000, 4", "82, 5000, 2", "83, 1000000, 32"})
    void dataRegionHandlersMatchTheCpuBackend(long seed, long budget, int workers) {
        CudaTests.assumeGpu();
        CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withIrKernel());
        SimDataHandlersTest.assertSameData(seed, budget, workers, backend, "the cuda IR kernel");
        assertTrue(backend.ptx().contains(".entry " + IrKernel.ENTRY), "the IR-built kernel ran");
        System.out.println("cuda-ir-handlers data seed " + seed + ": 400 slots identical to the CPU backend");
    }

    @ParameterizedTest
    @CsvSource({"71, 0, 300", "72, 64, 2000", "73, 16, 20000"})
    void handlersAdaptedFromRandomProgramsMatchTheCpuBackend(long seed, int workers, long budget) {
        List<Program> programs = MegakernelPtxTest.adapted(seed, 20);
        SlotStream stream = HandlerStream.random(seed, SLOTS, programs, budget, RING);
        assertSameRun(stream, workers, "adapted seed " + seed + ", budget " + budget + ", " + workers + " workers");
    }
}
