package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The doorbell fast path (docs/MEGAKERNEL-CUDA.md, "Doorbell fast path") in the PTX simulator: the kernel with
 * doorbell pollers against the CPU backend on the parity harness's streams published one slot at a time (every
 * slot rings the doorbell); every slot run exactly once under several publishers; the pollers alone run every
 * call when the ring workers are kept from claiming; deliberately broken claims are caught; a ring that is not a
 * power of two runs without pollers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SimDoorbellTest {
    /** The ring workers' claim through the claim word, replaced by a plain claim (no exclusivity). */
    static final UnaryOperator<String> RING_CLAIM_WITHOUT_CAS = ptx -> insertAfter(ptx,
            DoorbellPtx.RING_CLAIM + ":\n", "    bra L_CLAIM;\n");
    /** The ring workers never claim: only the doorbell pollers run slots. */
    static final UnaryOperator<String> RING_NEVER_CLAIMS = ptx -> insertAfter(ptx,
            DoorbellPtx.RING_CLAIM + ":\n", "    bra L_BACKOFF;\n");

    @ParameterizedTest
    @CsvSource({"11, THREAD, 4, 2", "12, WARP, 2, 1", "13, THREAD, 1, 4", "14, THREAD, 8, 3"})
    void doorbellKernelMatchesTheCpuBackend(long seed, WorkerShape shape, int workers, int pollers) {
        SlotStream stream = SlotStream.random(seed, 600, new SlotStream.Options(64, 6, false, 15));
        RunSnapshot cpu = DoorbellRuns.oneAtATime(new CpuBackend(), stream, 3);
        SimBackend sim = new SimBackend(shape, workers, pollers);
        RunSnapshot simulated = DoorbellRuns.oneAtATime(sim, stream, 3);
        assertNull(sim.failure(), "the simulated kernel failed");
        assertEquals(workers + pollers, sim.liveThreads(), "one live device thread per worker and per poller");
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs simulated doorbell kernel differ at "
                + difference.orElseThrow());
    }

    /** The harness's user handlers run on pollers too (their argument scratch is worker index W + d). */
    @ParameterizedTest
    @CsvSource({"15, 4, 3", "16, 1, 2"})
    void doorbellKernelWithHandlersMatchesTheCpuBackend(long seed, int workers, int pollers) {
        SlotStream stream = SlotStream.random(seed, 400, new SlotStream.Options(64, 6, true, 15));
        RunSnapshot cpu = DoorbellRuns.oneAtATime(new CpuBackend(), stream, 2);
        SimBackend sim = new SimBackend(WorkerShape.THREAD, workers, pollers);
        RunSnapshot simulated = DoorbellRuns.oneAtATime(sim, stream, 2);
        assertNull(sim.failure(), "the simulated kernel failed");
        assertEquals(workers + pollers, sim.liveThreads(), "one live device thread per worker and per poller");
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs simulated doorbell kernel with handlers"
                + " differ at " + difference.orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({"4, 2", "2, 4", "1, 1"})
    void everySlotRunsExactlyOnceUnderManyPublishers(int workers, int pollers) throws Exception {
        SimBackend sim = new SimBackend(WorkerShape.THREAD, workers, pollers);
        List<String> problems = DoorbellRuns.exactlyOnce(sim, 16, workers, 4, 1_500);
        assertNull(sim.failure(), "the simulated kernel failed");
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first " + problems.getFirst());
    }

    @Test
    void thePollersAloneRunEveryCall() {
        SimBackend sim = new SimBackend(WorkerShape.THREAD, 4, 2, RING_NEVER_CLAIMS);
        try (Megakernel kernel = Megakernel.bootstrap(sim, MegakernelConfig.defaults().withSlots(8).withWorkers(4)
                .withObservables(1))) {
            for (int i = 0; i < 100; i++) {
                SlotOutcome o = kernel.call(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1,
                        dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE);
                assertEquals(SlotState.DONE, o.state(), o::toString);
                SlotOutcome nop = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
                assertEquals(SlotState.DONE, nop.state(), nop::toString);
            }
            CudaTests.awaitDoneCount(kernel.control(), 200);
            assertEquals(100, kernel.control().observable(0));
        }
        assertNull(sim.failure(), "the simulated kernel failed");
    }

    /** Without the claim word on the ring workers' side a slot the pollers run can run twice: the test sees it. */
    @Test
    void aRingClaimWithoutTheClaimWordIsCaught() throws Exception {
        boolean caught = false;
        // a double run needs a ring worker and a poller to race for one slot: with other suites' threads on a
        // 2-core machine a few runs can pass without one, so allow up to 25 (it stops at the first caught)
        for (int attempt = 0; attempt < 25 && !caught; attempt++) {
            SimBackend sim = new SimBackend(WorkerShape.THREAD, 4, 2, RING_CLAIM_WITHOUT_CAS);
            caught = !DoorbellRuns.exactlyOnce(sim, 16, 4, 4, 1_500).isEmpty();
        }
        assertTrue(caught, "a kernel whose ring workers claim without the claim word ran every slot exactly once in"
                + " 25 runs: the exactly-once test cannot see double executions");
    }

    @Test
    void aRingThatIsNotAPowerOfTwoRunsWithoutPollers() {
        SimBackend sim = new SimBackend(WorkerShape.THREAD, 3, 2);
        try (Megakernel kernel = Megakernel.bootstrap(sim, MegakernelConfig.defaults().withSlots(12).withWorkers(3))) {
            assertEquals(3, sim.liveThreads(), "the workers only: a 12-slot ring gets no doorbell pollers");
            assertNull(sim.doorbell(), "no doorbell line");
            SlotOutcome o = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
            assertEquals(SlotState.DONE, o.state(), o::toString);
        }
        assertNull(sim.failure(), "the simulated kernel failed");
    }

    private static String insertAfter(String ptx, String anchor, String insertion) {
        int at = ptx.indexOf(anchor);
        if (at < 0) {
            throw new IllegalStateException("no " + anchor.strip() + " in the generated PTX");
        }
        return ptx.substring(0, at + anchor.length()) + insertion + ptx.substring(at + anchor.length());
    }
}
