package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Doorbell;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IR-built kernel's doorbell fast path ({@link dev.vyre.runtime.cuda.ir.IrKernel} with doorbell pollers) in the
 * PTX simulator, as {@link SimDoorbellTest} for the hand-written kernel: the CPU backend's results on the parity
 * harness's streams published one slot at a time (every third by {@code call}, which rings the doorbell) with 1 to
 * 4 pollers; every slot run exactly once under 4 publishers over a 16-slot ring; the pollers alone run every call
 * when the ring workers are kept from claiming; a claim that skips the claim word is caught.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SimIrDoorbellTest {
    /** The ring workers' claim-word load: only ring workers read a claim word (pollers CAS it). */
    private static final Pattern RING_CLAIM_WORD_LOAD =
            Pattern.compile("(ld\\.acquire\\.gpu\\.global\\.u32 (%r\\d+), \\[%rd\\d+\\];)");
    /** Every claim's CAS (ring workers' and pollers'). */
    private static final Pattern CLAIM_CAS =
            Pattern.compile("atom\\.acquire\\.gpu\\.global\\.cas\\.b32 (%r\\d+), \\[%rd\\d+\\], (%r\\d+), %r\\d+;");

    /**
     * The ring workers see their claim word 2^26 ahead of what it holds, i.e. always behind their key: they idle
     * and never poll the ring or claim, so only the doorbell pollers run slots.
     */
    static final UnaryOperator<String> RING_NEVER_CLAIMS = ptx -> replaceAll(ptx, RING_CLAIM_WORD_LOAD,
            m -> m.group(1) + "\n\tadd.u32 " + m.group(2) + ", " + m.group(2) + ", " + (1 << 26) + ";");
    /**
     * The ring workers' claim (the CAS after their claim-word load; the pollers' comes before it) "wins" without
     * touching the claim word: a poller can then claim and run the slot that its ring worker runs too.
     */
    static final UnaryOperator<String> RING_CLAIM_SKIPS_THE_CLAIM_WORD = ptx -> {
        Matcher load = RING_CLAIM_WORD_LOAD.matcher(ptx);
        if (!load.find()) {
            throw new IllegalStateException("no ring claim-word load in the IR kernel's PTX");
        }
        String ring = ptx.substring(load.end());
        return ptx.substring(0, load.end()) + replaceAll(ring, CLAIM_CAS,
                m -> "mov.b32 " + m.group(1) + ", " + m.group(2) + ";");
    };

    /** The harness's user handlers, inlined into the IR kernel, run on its pollers too (on the ring slot's words). */
    @ParameterizedTest
    @CsvSource({"25, 4, 3", "26, 1, 2"})
    void irDoorbellKernelWithHandlersMatchesTheCpuBackend(long seed, int workers, int pollers) {
        assertSameAsCpu(SlotStream.random(seed, 400, new SlotStream.Options(64, 6, true, 15)), 2, workers, pollers,
                "seed " + seed + " with handlers");
    }

    @ParameterizedTest
    @CsvSource({"21, 4, 1", "22, 1, 2", "23, 8, 3", "24, 4, 4"})
    void irDoorbellKernelMatchesTheCpuBackend(long seed, int workers, int pollers) {
        SimBackend sim = assertSameAsCpu(SlotStream.random(seed, 600, new SlotStream.Options(64, 6, false, 15)), 3,
                workers, pollers, "seed " + seed);
        assertArrayEquals(new int[] {0, 0}, sim.outOfBoundsCounts(), "out-of-bounds loads and stores of the kernel");
    }

    /**
     * Runs {@code stream} one slot at a time (every {@code callEvery}th by {@code call}) on the CPU backend and on the
     * simulated IR kernel with {@code pollers} pollers; asserts identical runs and returns the simulated backend.
     */
    private static SimBackend assertSameAsCpu(SlotStream stream, int callEvery, int workers, int pollers, String what) {
        RunSnapshot cpu = DoorbellRuns.oneAtATime(new CpuBackend(), stream, callEvery);
        SimBackend sim = SimBackend.irKernel(workers, pollers, UnaryOperator.identity());
        RunSnapshot simulated = DoorbellRuns.oneAtATime(sim, stream, callEvery);
        assertNull(sim.failure(), "the simulated IR kernel failed");
        assertEquals(workers + pollers, sim.liveThreads(), "one live device thread per worker and per poller");
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> what + ": cpu vs simulated IR doorbell kernel differ at "
                + difference.orElseThrow());
        return sim;
    }

    @ParameterizedTest
    @CsvSource({"4, 2", "2, 4", "1, 1", "4, 3"})
    void everySlotRunsExactlyOnceUnderManyPublishers(int workers, int pollers) throws Exception {
        SimBackend sim = SimBackend.irKernel(workers, pollers, UnaryOperator.identity());
        List<String> problems = DoorbellRuns.exactlyOnce(sim, 16, workers, 4, 1_500);
        assertNull(sim.failure(), "the simulated IR kernel failed");
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first " + problems.getFirst());
    }

    @Test
    void thePollersAloneRunEveryCall() throws InterruptedException {
        SimBackend sim = SimBackend.irKernel(4, 2, RING_NEVER_CLAIMS);
        try (Megakernel kernel = Megakernel.bootstrap(sim, MegakernelConfig.defaults().withSlots(8).withWorkers(4)
                .withObservables(1))) {
            assertNotNull(sim.doorbell(), "a doorbell line");
            for (int i = 0; i < 100; i++) {
                SlotOutcome o = kernel.call(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1,
                        ControlLayout.OBSERVABLE_BASE);
                assertEquals(SlotState.DONE, o.state(), o::toString);
                SlotOutcome nop = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
                assertEquals(SlotState.DONE, nop.state(), nop::toString);
            }
            CudaTests.awaitDoneCount(kernel.control(), 200);
            assertEquals(100, kernel.control().observable(0));
            // 200 calls over 8 slots: every slot ran 25 times, each by a poller, so its word is 25 laps' key
            for (int s = 0; s < 8; s++) {
                assertEquals(25 * 8, sim.claimWord(s), "claim word of slot " + s);
            }
            // a slot only published (no doorbell) stays unrun: the ring workers really do not claim ...
            Ticket published = kernel.publish(Opcodes.NOP, 0, Priority.NORMAL);
            Thread.sleep(300);
            assertFalse(published.isDone(), "a ring worker ran a published slot: the edit did not stop them");
            // ... and once its doorbell rings, a poller runs it
            new Doorbell(sim.doorbell()).ring(published.sequence(), Opcodes.NOP, 0);
            assertEquals(SlotState.DONE, published.await(java.time.Duration.ofSeconds(30)).state());
        }
        assertNull(sim.failure(), "the simulated IR kernel failed");
    }

    /** A ring claim that skips the claim word lets a poller run the worker's slot too: the test sees it. */
    @Test
    void aRingClaimThatSkipsTheClaimWordIsCaught() throws Exception {
        boolean caught = false;
        for (int attempt = 0; attempt < 5 && !caught; attempt++) {
            SimBackend sim = SimBackend.irKernel(4, 2, RING_CLAIM_SKIPS_THE_CLAIM_WORD);
            try {
                caught = !DoorbellRuns.exactlyOnce(sim, 16, 4, 4, 1_500).isEmpty();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                caught = true; // a slot run twice may also fail or stall a publisher (a stale outcome in its slot)
            }
        }
        assertTrue(caught, "a kernel whose ring claims skip the claim word ran every slot exactly once in 5 runs: the "
                + "exactly-once test cannot see double executions");
    }

    @Test
    void aRingThatIsNotAPowerOfTwoRunsWithoutPollers() {
        SimBackend sim = SimBackend.irKernel(3, 2, UnaryOperator.identity());
        try (Megakernel kernel = Megakernel.bootstrap(sim, MegakernelConfig.defaults().withSlots(12).withWorkers(3))) {
            assertEquals(3, sim.liveThreads(), "the workers only: a 12-slot ring gets no doorbell pollers");
            assertNull(sim.doorbell(), "no doorbell line");
            assertEquals(SlotState.DONE, kernel.call(Opcodes.NOP, 0, Priority.NORMAL).state());
        }
        assertNull(sim.failure(), "the simulated IR kernel failed");
    }

    private static String replaceAll(String ptx, Pattern pattern, java.util.function.Function<Matcher, String> with) {
        Matcher m = pattern.matcher(ptx);
        StringBuilder out = new StringBuilder();
        int found = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
            found++;
        }
        if (found == 0) {
            throw new IllegalStateException("no " + pattern + " in the IR kernel's PTX");
        }
        m.appendTail(out);
        return out.toString();
    }
}
