package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import java.util.Optional;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vyre.runtime.parity.SlotStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IR-built megakernel's program itself, run by the reference interpreter ({@link InterpretedIrBackend}), against
 * the CPU backend on the parity harness's random streams: the VIR0 program has the CPU backend's semantics before any
 * lowering (the PTX simulator and the GPU check the lowering: {@code SimIrParityTest}, {@code CudaIrParityGpuTest}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InterpretedIrParityTest {

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void theInterpretedProgramMatchesTheCpuBackend(long seed) {
        InterpretedIrBackend interpreted = new InterpretedIrBackend();
        CudaTests.assertParity(seed, 1, 1_000, new SlotStream.Options(64, 6, false, 15), 64, s -> interpreted,
                s -> "the interpreted IR kernel");
        assertNull(interpreted.failure(), "the interpreter failed");
    }

    /** With the counting and spinning handlers inlined (tenants without their bits among the six). */
    @ParameterizedTest
    @ValueSource(longs = {24, 25})
    void withUserHandlersTheInterpretedProgramMatchesTheCpuBackend(long seed) {
        InterpretedIrBackend interpreted = new InterpretedIrBackend();
        CudaTests.assertParity(seed, 1, 1_000, new SlotStream.Options(64, 6, true, 15), 64, s -> interpreted,
                s -> "the interpreted IR kernel with handlers");
        assertNull(interpreted.failure(), "the interpreter failed");
    }

    /**
     * The hand-written and random handlers of {@link HandlerStream}, budgets that cut runs short included; and
     * (budget 0xFFFFFBFF) loops that end only by their Return: inlined loops bounded by the budget alone would spend
     * billions of empty iterations (the timeout, on a thread of its own, fails the test even while the run spins).
     */
    @ParameterizedTest
    @CsvSource({"26, 300", "27, 1025", "28, 40000", "29, 4294966271"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void inlinedHandlersMatchTheCpuBackend(long seed, long budget) {
        InterpretedIrBackend interpreted = new InterpretedIrBackend();
        SlotStream stream = HandlerStream.random(seed, 500, budget == 0xFFFF_FBFFL ? HandlerPrograms.earlyReturns()
                : SimHandlersTest.mixedHandlers(seed), budget, 64);
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, 64);
        RunSnapshot other = SettledRun.run(interpreted, stream, 64);
        Optional<String> difference = cpu.firstDifference(other);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs the interpreted IR kernel differ at "
                + difference.orElseThrow());
        assertNull(interpreted.failure(), "the interpreter failed");
    }
}
