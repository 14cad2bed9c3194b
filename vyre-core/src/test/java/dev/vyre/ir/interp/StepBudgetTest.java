package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.TestPrograms.bind;
import static dev.vyre.ir.interp.TestPrograms.output;
import static dev.vyre.ir.interp.TestPrograms.program;
import static dev.vyre.ir.interp.TestPrograms.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The step budget ends runaway programs with an InterpreterException naming the invocation. */
class StepBudgetTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private static InterpreterException exhausts(long budget, Program p, Dispatch grid) {
        ReferenceInterpreter interpreter = new ReferenceInterpreter(budget);
        StepBudgetExceededException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(
                StepBudgetExceededException.class, () -> interpreter.run(p, grid, bind("out", words(new int[64])))));
        assertEquals(budget, e.budget());
        assertTrue(e.getMessage().contains("step budget of " + budget), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        return e;
    }

    @Test
    void anEmptyInfiniteLoopExhaustsTheBudget() {
        InterpreterException e = exhausts(10_000, program(4, List.of(output("out", 0, U32)),
                new Node.If(Expr.bin(BinaryOp.EQ, Expr.gid(0), Expr.u32(6)), List.of(new Node.Loop(List.of())),
                        List.of())), Dispatch.of(3));
        assertTrue(e.getMessage().contains("invocation (6, 0, 0) [workgroup (1, 0, 0), local (2, 0, 0)]"),
                e.getMessage());
    }

    @Test
    void theDefaultBudgetEndsAnInfiniteLoop() {
        Program p = program(1, List.of(output("out", 0, U32)), new Node.Loop(List.of(
                new Node.Store("out", Expr.u32(0), Expr.add(Expr.load("out", Expr.u32(0)), Expr.u32(1))))));
        InterpreterException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                InterpreterException.class,
                () -> new ReferenceInterpreter().run(p, Dispatch.of(1), bind("out", words(new int[1])))));
        assertTrue(e.getMessage().contains("step budget of " + ReferenceInterpreter.DEFAULT_STEP_BUDGET));
    }

    @Test
    void aLongForWithAnEmptyBodyExhaustsTheBudget() {
        exhausts(100_000, program(1, List.of(output("out", 0, U32)),
                new Node.For("i", Expr.u32(0), Expr.u32(-1), List.of())), Dispatch.of(1));
    }

    @Test
    void aHugeGridOfEmptyInvocationsExhaustsTheBudget() {
        exhausts(100_000, program(1024, List.of(output("out", 0, U32))), new Dispatch(-1, -1, -1));
    }

    @Test
    void aLoopingInvocationFailsWhileOthersWaitAtABarrier() {
        InterpreterException e = exhausts(50_000, program(64, List.of(output("out", 0, U32)),
                new Node.If(Expr.bin(BinaryOp.EQ, new Expr.LocalId(0), Expr.u32(0)),
                        List.of(new Node.Loop(List.of())), List.of()),
                new Node.Barrier()), Dispatch.of(1));
        assertTrue(e.getMessage().contains("local (0, 0, 0)"), e.getMessage());
    }

    /** A program of {@code iterations} loop iterations; with a Barrier it runs on the concurrent path. */
    private static Program counting(int iterations, boolean collective) {
        List<Node> body = new ArrayList<>();
        if (collective) {
            body.add(new Node.Barrier());
        }
        body.add(new Node.For("i", Expr.u32(0), Expr.u32(iterations), List.of(
                new Node.Store("out", new Expr.LocalId(0), Expr.add(Expr.var("i"), Expr.u32(1))))));
        return program(8, List.of(output("out", 0, U32)), body.toArray(Node[]::new));
    }

    private static long steps(long budget, Program p) {
        return new ReferenceInterpreter(budget).run(p, Dispatch.of(2), bind("out", words(new int[16]))).steps();
    }

    @ParameterizedTest(name = "with barrier={0}")
    @ValueSource(booleans = {false, true})
    void theBudgetIsExact(boolean collective) {
        Program p = counting(300, collective);
        long needed = steps(Long.MAX_VALUE, p);
        assertEquals(needed, steps(needed, p), "a run within its budget succeeds");
        exhaustsOn16(needed - 1, p);
    }

    private static void exhaustsOn16(long budget, Program p) {
        ReferenceInterpreter interpreter = new ReferenceInterpreter(budget);
        assertThrows(InterpreterException.class,
                () -> interpreter.run(p, Dispatch.of(2), bind("out", words(new int[16]))));
    }

    @ParameterizedTest(name = "with barrier={0}")
    @ValueSource(booleans = {false, true})
    void stepsGrowLinearlyWithIterations(boolean collective) {
        long s100 = steps(Long.MAX_VALUE, counting(100, collective));
        long s200 = steps(Long.MAX_VALUE, counting(200, collective));
        long s300 = steps(Long.MAX_VALUE, counting(300, collective));
        assertEquals(s200 - s100, s300 - s200);
        assertTrue(s200 - s100 >= 16 * 100, "each of 16 invocations takes at least a step per iteration");
    }

    @Test
    void aBudgetBelowOneIsRefused() {
        InterpreterException e = assertThrows(InterpreterException.class, () -> new ReferenceInterpreter(0));
        assertTrue(e.getMessage().contains("Fix: "));
    }
}
