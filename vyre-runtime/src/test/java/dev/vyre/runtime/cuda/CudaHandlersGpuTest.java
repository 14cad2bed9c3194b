package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamHandlers;
import dev.vyre.runtime.parity.StreamRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fused user handlers on the GPU against the CPU backend: random streams of {@link HandlerStream} running the
 * hand-written handlers, random integer handlers ({@link RandomHandlers}) and handlers adapted from random
 * programs over every type and operator ({@link AdaptedHandlers}), under budgets that cut many runs short:
 * identical outcomes, arguments, control words and observables. Also: a handler that never returns faults only its
 * own slot, and the round trip of a handler slot (printed as a {@code cuda-handler-bench} line).
 */
@Tag("gpu")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CudaHandlersGpuTest {
    private static final int RING = 4096;
    private static final int BATCH = 4096;
    private static final int SLOTS = 16_384;

    private static void assertSameRun(SlotStream stream, WorkerShape shape, int workers, String what) {
        CudaTests.assumeGpu();
        assertSameRun(stream, CudaBackend.Settings.defaults().withShape(shape).withKernel(KernelBuild.HAND_WRITTEN), workers, what);
    }

    /**
     * Runs {@code stream} with {@code workers} workers on the CPU backend and on a CUDA backend with {@code settings};
     * asserts identical snapshots and prints a {@code cuda-handlers} line.
     */
    static void assertSameRun(SlotStream stream, CudaBackend.Settings settings, int workers, String what) {
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, BATCH);
        long start = System.nanoTime();
        CudaBackend backend = CudaBackend.open(settings);
        RunSnapshot cuda = SettledRun.run(backend,
                new SlotStream(stream.seed(), stream.slots(), stream.config().withWorkers(workers)), BATCH);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Optional<String> difference = cpu.firstDifference(cuda);
        assertTrue(difference.isEmpty(), () -> what + ": cpu vs cuda differ at " + difference.orElseThrow());
        long budgetFaults = cuda.outcomes().stream().filter(o -> o.fault() == FaultCode.STEP_BUDGET).count();
        long done = cuda.outcomes().stream().filter(SlotOutcome::isDone).count();
        assertEquals(stream.slots().size(), cuda.outcomes().size());
        System.out.println("cuda-handlers " + what + " (" + (backend.ptx().contains(".entry "
                + dev.vyre.runtime.cuda.ir.IrKernel.ENTRY) ? "IR-built kernel" : "hand-written kernel") + "): "
                + stream.slots().size() + " slots, " + done + " done, " + budgetFaults
                + " out of steps, identical to the CPU backend (cuda run " + millis + " ms)");
    }

    @ParameterizedTest
    @CsvSource({"21, THREAD, 0, 1", "22, THREAD, 32, 1024", "23, WARP, 16, 1025", "24, THREAD, 128, 40000",
        "25, THREAD, 1, 300"})
    void handWrittenAndRandomIntegerHandlersMatchTheCpuBackend(long seed, WorkerShape shape, int workers,
                                                                long budget) {
        SlotStream stream = HandlerStream.random(seed, SLOTS, SimHandlersTest.mixedHandlers(seed), budget, RING);
        assertSameRun(stream, shape, workers, "mixed seed " + seed + ", budget " + budget + ", " + shape + " x "
                + workers);
    }

    @ParameterizedTest
    @CsvSource({"31, THREAD, 0, 300", "32, THREAD, 64, 2000", "33, WARP, 16, 20000", "34, THREAD, 1, 1023"})
    void handlersAdaptedFromRandomProgramsMatchTheCpuBackend(long seed, WorkerShape shape, int workers,
                                                              long budget) {
        List<Program> programs = MegakernelPtxTest.adapted(seed, 20);
        SlotStream stream = HandlerStream.random(seed, SLOTS, programs, budget, RING);
        assertSameRun(stream, shape, workers, "adapted seed " + seed + ", budget " + budget + ", " + shape + " x "
                + workers);
    }

    @Test
    void theParityHarnessWithHandlersMatchesTheCpuBackend() {
        for (int s = 0; s < 2; s++) {
            SlotStream stream = SlotStream.random(0xF05E_0000L + s, 65_536, new SlotStream.Options(RING, 6, true, 10));
            assertSameRun(stream, WorkerShape.values()[s], 0, "parity harness seed " + s);
        }
    }

    /**
     * A handler that loops forever (with a budget of 200 million steps) in slot 0, while 200 counter slots run: the
     * spinner faults STEP_BUDGET with the budget as detail and every other slot completes (the spinner's own worker
     * runs its next slots after it). The line it prints says whether the other workers' slots finished while the
     * spinner still ran: on the H100 they did not need to, because the loop has no effect and the JIT compiler
     * computes its exit (the step count passing the cut-off) without iterating: 2.5 ms for 200 million steps.
     */
    @Test
    void aHandlerThatNeverReturnsFaultsOnlyItsSlot() {
        CudaTests.assumeGpu();
        long budget = 200_000_000L;
        int workers = 32;
        MegakernelConfig config = CudaTests.small().withWorkers(workers).withHandlerStepBudget(budget)
                .withObservables(HandlerStream.FIRST_PRIVATE - ControlLayout.OBSERVABLE_BASE)
                .withHandler(StreamHandlers.SPINNING, StreamHandlers.spinning())
                .withHandler(HandlerStream.FIRST_OPCODE, HandlerPrograms.counter());
        try (Megakernel kernel = CudaTests.bootstrap(config)) {
            long start = System.nanoTime();
            Ticket spinner = kernel.publish(StreamHandlers.SPINNING, 0, Priority.NORMAL);
            int n = 200;
            List<Ticket> counters = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                counters.add(kernel.publish(HandlerStream.FIRST_OPCODE, 0, Priority.NORMAL, i, 1, 0, 0, 0, 0, 0, 0,
                        0, 0, HandlerStream.FIRST_SHARED));
            }
            int meanwhile = 0;
            for (int i = 0; i < n; i++) {
                boolean otherWorker = (i + 1) % workers != 0; // sequence i + 1 runs in slot i + 1
                if (otherWorker) {
                    SlotOutcome o = counters.get(i).await(StreamRun.SLOT_TIMEOUT);
                    assertTrue(o.isDone(), o.toString());
                    assertEquals(i + 1, o.arg(3), "args[3] = args[0] + args[1]");
                    meanwhile++;
                }
            }
            long othersDone = System.nanoTime();
            boolean spinning = !spinner.future().isDone();
            SlotOutcome spun = spinner.await(StreamRun.SLOT_TIMEOUT);
            long spinnerDone = System.nanoTime();
            assertEquals(FaultCode.STEP_BUDGET, spun.fault(), spun.toString());
            assertEquals((int) budget, spun.faultDetail());
            for (int i = 0; i < n; i++) {
                SlotOutcome o = counters.get(i).await(StreamRun.SLOT_TIMEOUT);
                assertTrue(o.isDone(), o.toString());
            }
            CudaTests.awaitDoneCount(kernel.control(), n + 1);
            assertEquals(n, kernel.control().load(HandlerStream.FIRST_SHARED), "every counter slot added 1");
            System.out.printf(Locale.ROOT, "cuda-handlers spinner: STEP_BUDGET after %.1f ms (budget %d); %d slots "
                    + "of other workers done after %.1f ms%s%n", (spinnerDone - start) / 1e6, budget, meanwhile,
                    (othersDone - start) / 1e6, spinning ? ", while it still ran" : "");
        }
    }

    /** Round trip of {@link Megakernel#call} for a handler slot and for NOP, one after another on one kernel. */
    @Test
    void handlerRoundTrip() {
        CudaTests.assumeGpu();
        MegakernelConfig config = CudaTests.small().withHandler(HandlerStream.FIRST_OPCODE, HandlerPrograms.counter())
                .withObservables(HandlerStream.FIRST_PRIVATE - ControlLayout.OBSERVABLE_BASE);
        try (Megakernel kernel = CudaTests.bootstrap(config)) {
            SplittableRandom rnd = new SplittableRandom(1);
            for (int op : new int[] {HandlerStream.FIRST_OPCODE, Opcodes.NOP}) {
                long[] nanos = new long[5_000];
                for (int i = -1_000; i < nanos.length; i++) {
                    int a = rnd.nextInt();
                    long t0 = System.nanoTime();
                    SlotOutcome o = kernel.call(op, 0, Priority.NORMAL, a, 2, 0, 0, 0, 0, 0, 0, 0, 0,
                            HandlerStream.FIRST_SHARED);
                    long t1 = System.nanoTime();
                    assertTrue(o.isDone(), o.toString());
                    if (op == HandlerStream.FIRST_OPCODE) {
                        assertEquals(a + 2, o.arg(3));
                    }
                    if (i >= 0) {
                        nanos[i] = t1 - t0;
                    }
                }
                Arrays.sort(nanos);
                System.out.printf(Locale.ROOT, "cuda-handler-bench %s: call round trip p50 %.2f us, p90 %.2f us, "
                        + "p99 %.2f us (min %.2f)%n", op == Opcodes.NOP ? "NOP" : "counter handler",
                        nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 9 / 10] / 1e3,
                        nanos[nanos.length * 99 / 100] / 1e3, nanos[0] / 1e3);
            }
        }
    }
}
