package dev.vyre.runtime.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.CompileOptions;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.RegexCompiler;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.regex.PatternSpec;
import dev.vyre.automata.scan.Scanner;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.uring.BufferPool;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What makes the two lane modes cost differently (docs/SCAN.md, "Blocking and non-blocking mode"): a non-blocking
 * lane is the policy's multiplier (8) budgeted continuations, a blocking lane one slot; a wrong guess costs a
 * blocking lane a whole re-run, chained behind the lane before, which the occupancy proxy measures.
 */
class LaneModeCostTest {
    private static final RingScanOptions ONE_LANE = RingScanOptions.defaults().withLanes(1).withMinLaneBytes(1)
            .withSliceBytes(Long.MAX_VALUE);

    @Test
    void aNonBlockingLaneIsMultiplierBudgetedContinuationsAtMostAQuantumEach() {
        assertEquals(125, ChunkWork.budget(1000, ONE_LANE), "1000 bytes in 8 continuations");
        assertEquals(1, ChunkWork.budget(3, ONE_LANE), "at least one byte per continuation");
        assertEquals(ONE_LANE.quantum(), ChunkWork.budget(1 << 24, ONE_LANE), "never more than the quantum");
        assertEquals(10, ChunkWork.budget(1000, ONE_LANE.withQuantum(10)));
    }

    @Test
    void slotsPerModeFollowTheBudget() {
        CompiledAutomaton a = RegexCompiler.compile(List.of(PatternSpec.of(0, "ab+c")),
                CompileOptions.defaults().withPrefilter(false));
        byte[] in = "xxabbbcxx".repeat(100).getBytes(StandardCharsets.ISO_8859_1);
        long blocking = slots(a, in, RingScanOptions.Mode.BLOCKING);
        long nonBlocking = slots(a, in, RingScanOptions.Mode.NON_BLOCKING);
        assertEquals(2, blocking, "one lane: one slot, then the END slot");
        assertEquals(8 + 1, nonBlocking, "one lane: 8 budgeted continuations, then the END slot");
    }

    private static long slots(CompiledAutomaton a, byte[] in, RingScanOptions.Mode mode) {
        try (Megakernel kernel = RingScannerTest.kernelFor(Kernels::cpu, a);
             RingScanner scanner = RingScanner.open(kernel, a, ONE_LANE.withMode(mode));
             BufferPool pool = BufferPool.offHeap(2, in.length)) {
            RingScannerTest.Collect c = new RingScannerTest.Collect();
            ScanReport r = scanner.scan(1, ByteChunks.of(List.of(in), pool), c);
            assertEquals(new Scanner(a).scan(in), c.files.getFirst());
            return r.slots();
        }
    }

    @Test
    void occupancyProxyFallsAsFixupsChain() {
        Dfa dfa = RegexCompiler.compile(List.of(PatternSpec.of(0, "ab")), CompileOptions.defaults()
                .withPrefilter(false)).engines().stream().map(e -> ((dev.vyre.automata.scan.DfaEngine) e).dfa())
                .findFirst().orElseThrow();
        RingScanOptions o = RingScanOptions.defaults().withLanes(4).withMinLaneBytes(1);
        assertEquals(10_000, blocking(dfa, o).blockingOccupancyBps(), "right guesses: every lane busy to the end");
        ChunkWork one = blocking(dfa, o);
        wrong(one, 2);
        // lane 2 resolves at 2000 (after its 1000-byte run, then a 1000-byte fix-up), lane 3 with it:
        // 5000 lane-bytes over 4 lanes x 2000.
        assertEquals(6_250, one.blockingOccupancyBps());
        ChunkWork all = blocking(dfa, o);
        wrong(all, 1);
        wrong(all, 2);
        wrong(all, 3);
        // fix-ups chain: lanes resolve at 1000, 2000, 3000, 4000: 7000 lane-bytes over 4 x 4000.
        assertEquals(4_375, all.blockingOccupancyBps());
    }

    /** A blocking chunk of 4000 bytes in 4 lanes of 1000 without warm-up, every guess right so far. */
    private static ChunkWork blocking(Dfa dfa, RingScanOptions o) {
        ChunkWork cw = new ChunkWork(null, MemorySegment.ofArray(new byte[4000]), 0, false, null, List.of(dfa),
                new long[] {0}, o);
        for (ChunkWork.Lane l : cw.lanes[0]) {
            l.warmState = 1;
            l.trueStart = 1;
        }
        return cw;
    }

    private static void wrong(ChunkWork cw, int lane) {
        cw.lanes[0][lane].trueStart = 2;
        assertTrue(cw.lanes[0][lane].guessedWrong());
    }
}
