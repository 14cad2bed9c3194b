package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fused user handlers in the generated megakernel, run by {@link PtxSim}, against the CPU backend (which runs them
 * through the reference interpreter): identical outcomes, arguments, control words and observables, including
 * where a run is cut off by its step budget half way through its effects. The same streams run on the GPU in
 * {@link CudaHandlersGpuTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimHandlersTest {
    private static final int RING = 64;

    /** Runs {@code stream} on the CPU backend and in the simulator; asserts equal snapshots; returns the CPU's. */
    static RunSnapshot assertSameRun(SlotStream stream, WorkerShape shape, int workers, String what) {
        return assertSameRun(stream, new SimBackend(shape, workers), what);
    }

    /** Runs {@code stream} on the CPU backend and on {@code sim}; asserts equal snapshots; returns the CPU's. */
    static RunSnapshot assertSameRun(SlotStream stream, SimBackend sim, String what) {
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, RING);
        RunSnapshot simulated = SettledRun.run(sim, stream, RING);
        assertNull(sim.failure(), () -> what + ": the simulated kernel failed: " + sim.failure());
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> what + ": cpu vs simulated kernel differ at "
                + difference.orElseThrow());
        return cpu;
    }

    /** The hand-written handlers and random ones up to 20, each valid. */
    static List<Program> mixedHandlers(long seed) {
        List<Program> programs = new ArrayList<>(HandlerPrograms.all());
        SplittableRandom rnd = new SplittableRandom(seed);
        while (programs.size() < 20) {
            Program p = RandomHandlers.generate(rnd.split());
            assertTrue(Validator.check(p).isEmpty(), () -> "a random handler is invalid: " + Validator.check(p));
            programs.add(p);
        }
        return programs;
    }

    private static long sharedTotal(RunSnapshot s) {
        long total = 0;
        for (int k = 0; k < HandlerStream.SHARED_COUNTERS; k++) {
            total += Integer.toUnsignedLong(s.observables()[HandlerStream.FIRST_SHARED - ControlLayout.OBSERVABLE_BASE
                    + k]);
        }
        return total;
    }

    @ParameterizedTest
    @CsvSource({"1, THREAD, 4", "2, WARP, 2"})
    void theParityHarnessHandlersMatchTheCpuBackend(long seed, WorkerShape shape, int workers) {
        SlotStream stream = SlotStream.random(seed, 1_000, new SlotStream.Options(RING, 4, true, 10));
        assertSameRun(stream, shape, workers, "seed " + seed);
    }

    @ParameterizedTest
    @CsvSource({"11, THREAD, 4, 1", "12, THREAD, 8, 300", "13, WARP, 2, 1023", "14, THREAD, 1, 1024",
        "15, THREAD, 4, 1025", "16, WARP, 4, 5000", "17, THREAD, 16, 40000"})
    void handWrittenAndRandomHandlersMatchTheCpuBackend(long seed, WorkerShape shape, int workers, long budget) {
        SlotStream stream = HandlerStream.random(seed, 800, mixedHandlers(seed), budget, RING);
        assertExercised(assertSameRun(stream, shape, workers, "seed " + seed + ", budget " + budget));
    }

    /** Asserts that a run has completed slots and STEP_BUDGET, UNKNOWN_OPCODE and OPCODE_NOT_PERMITTED faults. */
    static void assertExercised(RunSnapshot cpu) {
        Set<FaultCode> faults = EnumSet.noneOf(FaultCode.class);
        long done = 0;
        for (SlotOutcome o : cpu.outcomes()) {
            if (o.isDone()) {
                done++;
            } else {
                faults.add(o.fault());
            }
        }
        assertTrue(done > 0 && faults.containsAll(EnumSet.of(FaultCode.STEP_BUDGET, FaultCode.UNKNOWN_OPCODE,
                FaultCode.OPCODE_NOT_PERMITTED)), "the stream exercises too little: " + done + " done, " + faults);
    }

    /** Asserts that the first {@code n} slots faulted STEP_BUDGET, detail {@code budget}, ARG2..ARG11 as published. */
    static void assertOutOfSteps(SlotStream stream, RunSnapshot cpu, int n, long budget) {
        for (int s = 0; s < n; s++) {
            SlotOutcome o = cpu.outcomes().get(s);
            assertEquals(FaultCode.STEP_BUDGET, o.fault(), o.toString());
            assertEquals((int) budget, o.faultDetail(), "the detail is the budget");
            int[] published = stream.slots().get(s).args();
            for (int k = 2; k < SlotLayout.ARGS_PER_SLOT; k++) {
                assertEquals(published[k], o.arg(k), "a faulting handler leaves ARG" + k + " as published");
            }
        }
    }

    /**
     * The spinner adds 1 to a shared counter on each Loop iteration, forever. Its i-th addition (i >= 1) comes after
     * 2 + 6i steps (the invocation and the Loop node, then per iteration: the iteration, Let, Atomic, its index
     * Load and Lit, its value Lit), and the interpreter stops a run at step L = (B / 1024 + 1) * 1024, before
     * that step's work. So each run makes exactly #{i >= 1 : 2 + 6i < L} additions, on the CPU and on the device.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 8, 1023, 1024, 1025, 2047, 2048, 3000})
    void theSpinnerStopsWhereTheInterpreterDoes(long budget) {
        int n = 12;
        SlotStream stream = HandlerStream.uniform(budget, n, HandlerPrograms.spinner(), budget, RING);
        RunSnapshot cpu = assertSameRun(stream, WorkerShape.THREAD, 4, "budget " + budget);
        long cutOff = (budget / 1024 + 1) * 1024;
        long additions = 0;
        for (long i = 1; 2 + 6 * i < cutOff; i++) {
            additions++;
        }
        assertEquals(n * additions, sharedTotal(cpu), "additions before the cut-off at step " + cutOff);
        assertOutOfSteps(stream, cpu, n, budget);
    }

    /**
     * The counter takes T steps whatever its data: with budget T every run completes and writes its result
     * argument; with T - 1 every run faults STEP_BUDGET at the end, after its (shared) addition, and its arguments
     * stay as published.
     */
    @Test
    void aBudgetOfExactlyTheStepCountSuffices() {
        Program counter = HandlerPrograms.counter();
        long steps = stepsOf(counter);
        int n = 16;
        for (long budget : new long[] {steps, steps - 1}) {
            SlotStream stream = HandlerStream.uniform(7, n, counter, budget, RING);
            RunSnapshot cpu = assertSameRun(stream, WorkerShape.THREAD, 3, "budget " + budget + " of " + steps);
            long added = 0;
            for (int s = 0; s < n; s++) {
                int[] published = stream.slots().get(s).args();
                added += Integer.toUnsignedLong(published[1]);
                SlotOutcome o = cpu.outcomes().get(s);
                int[] expected = published.clone();
                if (budget == steps) {
                    assertTrue(o.isDone(), o.toString());
                    expected[3] = published[0] + published[1];
                } else {
                    assertEquals(FaultCode.STEP_BUDGET, o.fault(), o.toString());
                    expected[0] = FaultCode.STEP_BUDGET.wire();
                    expected[1] = (int) budget;
                }
                assertArrayEquals(expected, o.args(), "arguments of slot " + s);
            }
            assertEquals(added & 0xFFFF_FFFFL, sharedTotal(cpu) & 0xFFFF_FFFFL, "every run added before the end");
        }
    }

    /** Steps of one run of {@code handler} by the reference interpreter (independent of its data here). */
    private static long stepsOf(Program handler) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = arena.allocate(4L * SlotLayout.ARGS_PER_SLOT, 4);
            MemorySegment control = arena.allocate(4L * 4096, 4);
            args.setAtIndex(ValueLayout.JAVA_INT, HandlerPrograms.SHARED_ARG, HandlerStream.FIRST_SHARED);
            return new ReferenceInterpreter().run(handler, Dispatch.of(1),
                    Map.of(HandlerTable.ARGS, args, HandlerTable.CONTROL, control)).steps();
        }
    }

    @Test
    void aHandlerThatNeverReturnsFaultsOnlyItsOwnSlots() {
        SlotStream stream = HandlerStream.random(5, 400, List.of(HandlerPrograms.spinner(), HandlerPrograms.counter(),
                HandlerPrograms.writer()), 2_000, RING);
        RunSnapshot cpu = assertSameRun(stream, WorkerShape.THREAD, 8, "spinner among others");
        int spinners = 0;
        for (int s = 0; s < stream.slots().size(); s++) {
            Slot slot = stream.slots().get(s);
            SlotOutcome o = cpu.outcomes().get(s);
            boolean permitted = slot.tenant() == 0
                    || slot.tenant() == 1 && slot.opcode() != HandlerStream.FIRST_OPCODE + 1;
            if (slot.opcode() == HandlerStream.FIRST_OPCODE && permitted) {
                spinners++;
                assertEquals(FaultCode.STEP_BUDGET, o.fault(), o.toString());
            } else if (slot.opcode() > HandlerStream.FIRST_OPCODE && slot.opcode() < HandlerStream.UNREGISTERED
                    && permitted) {
                assertTrue(o.isDone(), "the other handlers complete: " + o);
            }
        }
        assertTrue(spinners > 10, "too few spinner slots: " + spinners);
    }
}
