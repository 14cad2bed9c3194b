package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import java.util.List;
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

    /**
     * The harness's streams, without and with the counting and spinning handlers inlined (tenants without their bits
     * among the six).
     */
    @ParameterizedTest
    @CsvSource({"21, false", "22, false", "23, false", "24, true", "25, true"})
    void theInterpretedProgramMatchesTheCpuBackend(long seed, boolean handlers) {
        InterpretedIrBackend interpreted = new InterpretedIrBackend();
        CudaTests.assertParity(seed, 1, 1_000, new SlotStream.Options(64, 6, handlers, 15), 64, s -> interpreted,
                s -> "the interpreted IR kernel" + (handlers ? " with handlers" : ""));
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

    /**
     * With confined tenants ({@link ConfinedStream}): built-ins, packed slots and inlined handlers of confined and
     * unconfined tenants reaching in and out of their windows; outcomes (OUT_OF_REGION details included), control
     * block and data region as on the CPU backend.
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32})
    void withConfinedTenantsTheInterpretedProgramMatchesTheCpuBackend(long seed) {
        InterpretedIrBackend interpreted = new InterpretedIrBackend();
        List<ConfinedStream.Work> work = ConfinedStream.random(seed, 400, false, false);
        byte[] contents = ConfinedStream.contents(seed);
        MegakernelConfig config = ConfinedStream.config(1, false);
        ConfinedStream.Snapshot cpu = ConfinedStream.run(new CpuBackend(), config, contents, work);
        ConfinedStream.Snapshot other = ConfinedStream.run(interpreted, config, contents, work);
        assertNull(interpreted.failure(), "the interpreter failed");
        String difference = cpu.differenceFrom(other);
        assertNull(difference, () -> "seed " + seed + ": cpu vs the interpreted IR kernel differ at " + difference);
        assertTrue(cpu.outcomes().stream().filter(o -> o.fault() == FaultCode.OUT_OF_REGION).count() > 20,
                "the stream should fault OUT_OF_REGION often");
    }
}
