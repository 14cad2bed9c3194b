package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamHandlers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Single-invocation user handlers inlined into the IR-built kernel ({@code HandlerNodes}), run by {@link PtxSim},
 * against the CPU backend (handlers through the reference interpreter): identical outcomes, argument words, control
 * words, observables and debug records, on the parity harness's streams (built-ins mixed with the counting and the
 * spinning handler, six tenants, some not permitted the handlers) and on {@link HandlerStream}'s (the hand-written
 * handlers and random ones up to 20, under budgets that cut runs in the middle of their effects). The same runs on
 * the GPU in {@link CudaIrHandlersGpuTest}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SimIrHandlersTest {

    @ParameterizedTest
    @CsvSource({"31, 4", "32, 1", "33, 16"})
    void theParityHarnessStreamsMatchTheCpuBackend(long seed, int workers) {
        SimBackend sim = SimBackend.irKernel(workers);
        SlotStream stream = SlotStream.random(seed, 1_500, new SlotStream.Options(64, 6, true, 15));
        RunSnapshot cpu = SimHandlersTest.assertSameRun(stream, sim, "seed " + seed);
        long counted = 0;
        long spun = 0;
        for (int s = 0; s < stream.slots().size(); s++) {
            SlotOutcome o = cpu.outcomes().get(s);
            int op = stream.slots().get(s).opcode();
            counted += op == StreamHandlers.COUNTING && o.isDone() ? 1 : 0;
            spun += op == StreamHandlers.SPINNING && o.fault() == FaultCode.STEP_BUDGET ? 1 : 0;
        }
        assertTrue(counted > 10 && spun > 0, "the stream runs too few handlers: " + counted + " counting, " + spun
                + " spinning");
    }

    @ParameterizedTest
    @CsvSource({"41, 4, 1", "42, 8, 300", "43, 1, 1024", "44, 4, 1025", "45, 16, 5000", "46, 3, 40000"})
    void handWrittenAndRandomHandlersMatchTheCpuBackend(long seed, int workers, long budget) {
        SlotStream stream = HandlerStream.random(seed, 600, SimHandlersTest.mixedHandlers(seed), budget, 64);
        SimBackend sim = SimBackend.irKernel(workers);
        SimHandlersTest.assertExercised(SimHandlersTest.assertSameRun(stream, sim, "seed " + seed + ", budget "
                + budget));
        assertNull(sim.failure());
    }

    /** Handlers adapted from random programs over every type and operator (F32, I32, casts, loops, Loop bodies). */
    @ParameterizedTest
    @CsvSource({"51, 4, 300", "52, 8, 2000", "53, 1, 20000"})
    void handlersAdaptedFromRandomProgramsMatchTheCpuBackend(long seed, int workers, long budget) {
        SlotStream stream = HandlerStream.random(seed, 400, MegakernelPtxTest.adapted(seed, 20), budget, 64);
        SimBackend sim = SimBackend.irKernel(workers);
        SimHandlersTest.assertSameRun(stream, sim, "adapted seed " + seed + ", budget " + budget);
        assertNull(sim.failure());
    }

    /**
     * Under the largest budget (0xFFFFFBFF), a Loop that returns after a few iterations and a For over 2^32 - 1
     * iterations that returns within 16: the inlined loops are bounded by the budget, so they must stop on the
     * Return, not spend the rest of it (billions of empty iterations would time this test out: the timeout runs on a thread of its own, so it fails even
     * while the run spins).
     */
    @ParameterizedTest
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @CsvSource({"91, 4", "92, 1"})
    void loopsEndAtTheirReturnUnderTheLargestBudget(long seed, int workers) {
        SlotStream stream = HandlerStream.random(seed, 120, HandlerPrograms.earlyReturns(), 0xFFFF_FBFFL, 64);
        SimBackend sim = SimBackend.irKernel(workers);
        RunSnapshot cpu = SimHandlersTest.assertSameRun(stream, sim, "early returns, seed " + seed);
        assertTrue(cpu.outcomes().stream().filter(SlotOutcome::isDone).count() > 40, "too few handler runs");
        assertNull(sim.failure());
    }

    /** The spinner's runs are cut where the interpreter cuts them (see SimHandlersTest): same additions, same words. */
    @ParameterizedTest
    @ValueSource(longs = {1, 1023, 1024, 2048, 3000})
    void theSpinnerStopsWhereTheInterpreterDoes(long budget) {
        int n = 12;
        SlotStream stream = HandlerStream.uniform(budget, n, HandlerPrograms.spinner(), budget, 64);
        RunSnapshot cpu = SimHandlersTest.assertSameRun(stream, SimBackend.irKernel(4), "budget " + budget);
        SimHandlersTest.assertOutOfSteps(stream, cpu, n, budget);
    }

    /**
     * The writer rewrites every argument word ({@code args[k] = args[k] * 3 + k}) and, for odd {@code args[0]},
     * complements {@code args[1]}: the host sees exactly those words, so a handler bound to the wrong words (another
     * slot's, the kernel's copies, an offset) differs here.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 5})
    void theHostSeesTheArgumentsTheHandlerWrote(int workers) {
        int n = 24;
        SlotStream stream = HandlerStream.uniform(77 + workers, n, HandlerPrograms.writer(), 100_000, 64);
        RunSnapshot cpu = SimHandlersTest.assertSameRun(stream, SimBackend.irKernel(workers), "writer");
        for (int s = 0; s < n; s++) {
            int[] published = stream.slots().get(s).args();
            int[] expected = new int[SlotLayout.ARGS_PER_SLOT];
            for (int k = 0; k < expected.length; k++) {
                expected[k] = published[k] * 3 + k;
            }
            if ((published[0] * 3 & 1) != 0) {
                expected[1] = ~expected[1];
            }
            SlotOutcome o = cpu.outcomes().get(s);
            assertTrue(o.isDone(), o.toString());
            assertArrayEquals(expected, o.args(), "arguments of slot " + s);
        }
    }
}
