package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.TestPrograms.bind;
import static dev.vyre.ir.interp.TestPrograms.output;
import static dev.vyre.ir.interp.TestPrograms.program;
import static dev.vyre.ir.interp.TestPrograms.read;
import static dev.vyre.ir.interp.TestPrograms.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.interp.ReferenceInterpreter.LaneEnd;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReferenceInterpreter#runLanes}: a workgroup of independent lanes (the cooperative megakernel handler's
 * semantics): per-lane budgets cut each lane where a one-invocation run of that budget stops, a lane that stops drops
 * out of later collectives, and a divergence fails exactly the lanes that reach a collective.
 */
class LaneRunTest {
    private static final int LANES = 32;
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private static Expr u(int v) {
        return Expr.u32(v);
    }

    private static Expr v(String name) {
        return Expr.var(name);
    }

    private static Node atomicAdd(String name, Expr index, Expr amount) {
        return new Node.Let(name, new Expr.Atomic(AtomicOp.ADD, "out", index, null, amount));
    }

    private static LaneEnd[] ends(LaneEnd first, int firstCount, LaneEnd rest) {
        LaneEnd[] e = new LaneEnd[LANES];
        Arrays.fill(e, rest);
        Arrays.fill(e, 0, firstCount, first);
        return e;
    }

    @Test
    void lanesWithoutCollectivesEachRunOnce() {
        Program p = program(LANES, List.of(output("out", 0, U32)),
                new Node.Let("lane", new Expr.LocalId(0)),
                atomicAdd("old", u(0), Expr.add(v("lane"), u(1))),
                new Node.Store("out", Expr.add(v("lane"), u(1)), Expr.mul(new Expr.InvocationId(0), u(3))));
        MemorySegment out = words(new int[LANES + 1]);
        LaneEnd[] e = new ReferenceInterpreter(100).runLanes(p, bind("out", out));
        assertArrayEquals(ends(LaneEnd.FINISHED, 0, LaneEnd.FINISHED), e);
        int[] expected = new int[LANES + 1];
        for (int l = 0; l < LANES; l++) {
            expected[0] += l + 1;
            expected[l + 1] = 3 * l;
        }
        assertArrayEquals(expected, read(out));
    }

    /** Lane l counts {@code 7 * l} iterations into its own word, with and without a closing collective. */
    private static Program counting(Expr laneValue, boolean collective) {
        boolean lanes = laneValue instanceof Expr.LocalId;
        List<Node> body = new java.util.ArrayList<>(List.of(
                new Node.Let("lane", laneValue),
                new Node.For("i", u(0), Expr.mul(v("lane"), u(7)), List.of(
                        atomicAdd("old", Expr.add(v("lane"), u(1)), u(1))))));
        if (collective) {
            body.add(new Node.Store("out", u(0), Expr.bin(BinaryOp.BALLOT, new Expr.LitBool(true), u(-1))));
        }
        return program(lanes ? LANES : 1, List.of(output("out", 0, U32)), body.toArray(Node[]::new));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 30, 200, 1023, 1024, 1025, 1500, 2100, 100_000})
    void eachLaneIsCutWhereAOneInvocationRunOfTheBudgetStops(long budget) {
        MemorySegment out = words(new int[LANES + 1]);
        LaneEnd[] e = new ReferenceInterpreter(budget).runLanes(counting(new Expr.LocalId(0), false),
                bind("out", out));
        int[] expected = new int[LANES + 1];
        for (int l = 0; l < LANES; l++) {
            MemorySegment alone = words(new int[LANES + 1]);
            LaneEnd end = LaneEnd.FINISHED;
            try {
                new ReferenceInterpreter(budget).run(counting(u(l), false), Dispatch.of(1), bind("out", alone));
            } catch (StepBudgetExceededException x) {
                end = LaneEnd.STEP_BUDGET;
            }
            assertEquals(end, e[l], "lane " + l + ", budget " + budget);
            expected[l + 1] = read(alone)[l + 1];
        }
        assertArrayEquals(expected, read(out), "budget " + budget);
    }

    @Test
    void aLaneOutOfStepsDropsOutOfLaterCollectives() {
        assertTimeoutPreemptively(LIMIT, () -> {
            MemorySegment out = words(new int[LANES + 1]);
            // lane l loops 7 * l times: with budget 300 the low lanes finish, the high ones are cut off in their
            // loop (their cut-off, 1024 steps, comes before the Ballot), and lanes in between reach the Ballot past
            // their budget (they fail at their end): the Ballot sees exactly the lanes that were not cut off
            LaneEnd[] e = new ReferenceInterpreter(300).runLanes(counting(new Expr.LocalId(0), true), bind("out", out));
            int ballot = read(out)[0];
            int finished = 0;
            for (int l = 0; l < LANES; l++) {
                if (e[l] == LaneEnd.FINISHED) {
                    finished |= 1 << l;
                }
            }
            assertEquals(finished, ballot & finished, "every finished lane is live at the Ballot");
            assertEquals(0, ballot & (ballot + 1), "the live lanes are the low ones: " + Integer.toHexString(ballot));
            assertTrue(finished != 0 && ballot != finished && ballot != -1, Integer.toHexString(ballot));
            for (int l = 0; l < LANES; l++) {
                int iterations = read(out)[l + 1];
                assertEquals((ballot >>> l & 1) != 0 || e[l] == LaneEnd.FINISHED, iterations == 7 * l,
                        "lane " + l + " completed its loop exactly when it was live at the Ballot");
            }
        });
    }

    @Test
    void returnedLanesAreNotLiveInCollectives() {
        Program p = program(LANES, List.of(output("out", 0, U32)),
                new Node.Let("lane", new Expr.LocalId(0)),
                new Node.If(Expr.bin(BinaryOp.EQ, Expr.bin(BinaryOp.BIT_AND, v("lane"), u(3)), u(1)),
                        List.of(new Node.Return()), List.of()),
                new Node.Let("sum", Expr.bin(BinaryOp.WAVE_REDUCE, Expr.add(v("lane"), u(1)), u(0))),
                new Node.Barrier(),
                new Node.Store("out", Expr.add(v("lane"), u(1)), v("sum")));
        MemorySegment out = words(new int[LANES + 1]);
        LaneEnd[] e = assertTimeoutPreemptively(LIMIT, () -> new ReferenceInterpreter().runLanes(p, bind("out", out)));
        assertArrayEquals(ends(LaneEnd.FINISHED, 0, LaneEnd.FINISHED), e);
        int sum = 0;
        for (int l = 0; l < LANES; l++) {
            sum += (l & 3) == 1 ? 0 : l + 1;
        }
        int[] expected = new int[LANES + 1];
        for (int l = 0; l < LANES; l++) {
            expected[l + 1] = (l & 3) == 1 ? 0 : sum;
        }
        assertArrayEquals(expected, read(out));
    }

    @Test
    void aDivergenceFailsTheLanesThatReachACollective() {
        Program p = program(LANES, List.of(output("out", 0, U32)),
                new Node.Let("lane", new Expr.LocalId(0)),
                atomicAdd("a", u(0), u(1)),
                new Node.If(Expr.bin(BinaryOp.GE, v("lane"), u(28)), List.of(new Node.Return()), List.of()),
                new Node.If(Expr.bin(BinaryOp.EQ, Expr.bin(BinaryOp.BIT_AND, v("lane"), u(1)), u(1)),
                        List.of(new Node.Let("x", Expr.bin(BinaryOp.WAVE_REDUCE, v("lane"), u(0)))),
                        List.of(new Node.Barrier())),
                atomicAdd("b", u(1), u(1)));
        for (int round = 0; round < 20; round++) {
            MemorySegment out = words(new int[2]);
            LaneEnd[] e = assertTimeoutPreemptively(LIMIT, () -> new ReferenceInterpreter().runLanes(p,
                    bind("out", out)));
            assertArrayEquals(ends(LaneEnd.FAILED, 28, LaneEnd.FINISHED), e, "round " + round);
            assertArrayEquals(new int[] {LANES, 0}, read(out), "round " + round);
        }
    }
}
