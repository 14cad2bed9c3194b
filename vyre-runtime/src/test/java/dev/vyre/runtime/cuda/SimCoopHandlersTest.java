package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamRun;
import dev.vyre.runtime.stream.ChunkHandlers;
import dev.vyre.runtime.stream.ChunkSlot;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cooperative (32-lane) handlers in the generated megakernel, run by {@link PtxSim} with 32 simulated lanes per
 * worker ({@link SimWarp}), against the CPU backend (the reference's independent lanes): identical outcomes,
 * arguments, control words and observables for streams of collective, early-returning, budget-cut and divergent
 * handlers mixed with single-invocation ones; and the warp sums (scalar and vector loads) equal to the single-lane
 * word sum on the same chunks.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SimCoopHandlersTest {
    private static final int RING = 32;

    private static RunSnapshot assertSameRun(SlotStream stream, int workers, String what) {
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, RING);
        SimBackend sim = new SimBackend(WorkerShape.THREAD, workers);
        RunSnapshot simulated = SettledRun.run(sim, stream, RING);
        assertNull(sim.failure(), () -> what + ": the simulated kernel failed: " + sim.failure());
        Optional<String> difference = cpu.firstDifference(simulated);
        assertTrue(difference.isEmpty(), () -> what + ": cpu vs simulated kernel differ at "
                + difference.orElseThrow());
        return cpu;
    }

    @ParameterizedTest
    @CsvSource({"41, 1, 100000", "42, 2, 300", "43, 4, 1024", "44, 2, 1"})
    void cooperativeHandlersMatchTheCpuBackend(long seed, int workers, long budget) {
        SlotStream stream = HandlerStream.random(seed, 160, CoopPrograms.mixed(), budget, RING);
        RunSnapshot cpu = assertSameRun(stream, workers, "seed " + seed + ", budget " + budget);
        int done = 0;
        List<FaultCode> faults = new ArrayList<>();
        for (SlotOutcome o : cpu.outcomes()) {
            if (o.isDone()) {
                done++;
            } else {
                faults.add(o.fault());
            }
        }
        if (budget >= 1024) {
            assertTrue(done > 20 && faults.contains(FaultCode.HANDLER_FAULT), "the stream exercises too little: "
                    + done + " done, " + faults);
        }
    }

    /** Lanes cut off one by one: small budgets around the interpreter's 1024-step batches. */
    @ParameterizedTest
    @CsvSource({"51, 200", "52, 1023", "53, 1025", "54, 3000"})
    void laneBudgetsCutLanesWhereTheInterpreterDoes(long seed, long budget) {
        SlotStream stream = HandlerStream.uniform(seed, 48, CoopPrograms.laneLoops(), budget, RING);
        RunSnapshot cpu = assertSameRun(stream, 2, "lane loops, budget " + budget);
        long faults = cpu.outcomes().stream().filter(o -> !o.isDone()).count();
        assertTrue(faults > 0 && faults < cpu.outcomes().size(), "budget " + budget + " cut " + faults + " of "
                + cpu.outcomes().size() + " slots; the test needs some of each");
    }

    private static List<SlotOutcome> runChunks(Backend backend, MegakernelConfig config, byte[] contents,
                                               List<int[]> work) {
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            kernel.dataRegion().segment().copyFrom(MemorySegment.ofArray(contents));
            List<Ticket> tickets = new ArrayList<>();
            for (int[] w : work) {
                tickets.add(kernel.publish(w[0], 0, Priority.NORMAL, java.util.Arrays.copyOfRange(w, 1, w.length)));
            }
            List<SlotOutcome> outcomes = new ArrayList<>();
            for (Ticket t : tickets) {
                outcomes.add(t.await(StreamRun.SLOT_TIMEOUT));
            }
            return outcomes;
        }
    }

    /**
     * The warp sums (0: {@link ChunkHandlers#warpWordSum}; n: {@link ChunkHandlers#warpVectorSum} with n vector loads
     * per round) against the single-lane word sum on chunks of every length class, at 16-byte aligned offsets (the
     * vector loads) and at offsets that are only word aligned (the emitter's scalar fallback), inside and across the
     * region's end.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 8})
    void theWarpSumsEqualTheWordSum(int groups) {
        int single = 0x300;
        int warp = 0x301;
        int region = 64 * 1024;
        SplittableRandom rnd = new SplittableRandom(61 + groups);
        byte[] contents = new byte[region];
        rnd.nextBytes(contents);
        Program warpSum = groups == 0 ? ChunkHandlers.warpWordSum() : ChunkHandlers.warpVectorSum(groups);
        int roundWords = groups == 0 ? ChunkHandlers.WARP_SUM_ROUND_WORDS : ChunkHandlers.warpVectorRoundWords(groups);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(16).withWorkers(2).withDataBytes(region)
                .withHandler(single, ChunkHandlers.wordSum()).withHandler(warp, warpSum);
        List<int[]> work = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int[] w = new int[1 + SlotLayout.ARGS_PER_SLOT];
            int length = switch (i % 4) {
                case 0 -> rnd.nextInt(40);
                case 1 -> roundWords * 4 * (1 + rnd.nextInt(3)) + rnd.nextInt(4);
                default -> rnd.nextInt(region / 4);
            };
            int offset = (i % 5 == 4 ? region - rnd.nextInt(2048) : rnd.nextInt(region - length + 1)) & ~3;
            w[1 + ChunkSlot.DATA_OFFSET] = i % 3 == 0 ? offset : offset & ~15;
            w[1 + ChunkSlot.LENGTH] = length;
            w[0] = single;
            work.add(w);
            int[] twin = w.clone();
            twin[0] = warp;
            work.add(twin);
        }
        List<SlotOutcome> cpu = runChunks(new CpuBackend(), config, contents, work);
        SimBackend sim = new SimBackend(WorkerShape.THREAD, 2);
        List<SlotOutcome> simulated = runChunks(sim, config, contents, work);
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
        assertEquals(cpu, simulated, "outcomes");
        for (int i = 0; i < work.size(); i += 2) {
            SlotOutcome one = cpu.get(i);
            SlotOutcome lanes = cpu.get(i + 1);
            assertTrue(one.isDone() && lanes.isDone(), "chunk " + i / 2 + ": " + one + " / " + lanes);
            assertEquals(one.arg(ChunkHandlers.RESULT_CHECKSUM), lanes.arg(ChunkHandlers.RESULT_CHECKSUM),
                    "checksum of chunk " + i / 2);
            assertEquals(one.arg(ChunkHandlers.RESULT_BYTES), lanes.arg(ChunkHandlers.RESULT_BYTES));
        }
    }
}
