package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.TestPrograms.INTERPRETER;
import static dev.vyre.ir.interp.TestPrograms.bind;
import static dev.vyre.ir.interp.TestPrograms.output;
import static dev.vyre.ir.interp.TestPrograms.program;
import static dev.vyre.ir.interp.TestPrograms.read;
import static dev.vyre.ir.interp.TestPrograms.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Grid and ids, For/If/Loop/Return/Block, Let scoping and evaluation order. */
class ControlFlowTest {
    private static Expr v(String name) {
        return Expr.var(name);
    }

    private static Expr u(int value) {
        return Expr.u32(value);
    }

    private static Node store(String buffer, Expr index, Expr value) {
        return new Node.Store(buffer, index, value);
    }

    private static Expr atomicAdd(String buffer, int index, Expr value) {
        return new Expr.Atomic(AtomicOp.ADD, buffer, u(index), null, value);
    }

    /** Runs a one-invocation program whose only buffer is {@code out} of {@code n} U32 words. */
    private static int[] runOne(int n, Node... body) {
        MemorySegment out = words(new int[n]);
        INTERPRETER.run(program(1, List.of(output("out", 0, U32)), body), Dispatch.of(1), bind("out", out));
        return read(out);
    }

    @ParameterizedTest(name = "with barrier={0}")
    @ValueSource(booleans = {false, true})
    void idsFollowTheGridOnEveryAxis(boolean concurrent) {
        int[] size = {4, 2, 3};
        int[] grid = {3, 2, 2};
        int[] total = {size[0] * grid[0], size[1] * grid[1], size[2] * grid[2]};
        // slot of an invocation: its global linear id; 9 words: invocation, workgroup, local ids on x, y, z
        Expr linear = Expr.add(Expr.gid(0), Expr.mul(u(total[0]), Expr.add(Expr.gid(1),
                Expr.mul(u(total[1]), Expr.gid(2)))));
        List<Node> body = new ArrayList<>();
        if (concurrent) {
            body.add(new Node.Barrier());
        }
        body.add(new Node.Let("base", Expr.mul(linear, u(9))));
        for (int a = 0; a < 3; a++) {
            body.add(store("out", Expr.add(v("base"), u(a)), new Expr.InvocationId(a)));
            body.add(store("out", Expr.add(v("base"), u(3 + a)), new Expr.WorkgroupId(a)));
            body.add(store("out", Expr.add(v("base"), u(6 + a)), new Expr.LocalId(a)));
        }
        Program p = Program.of(new Program.WorkgroupSize(size[0], size[1], size[2]), List.of(output("out", 0, U32)),
                body);
        int n = total[0] * total[1] * total[2];
        MemorySegment out = words(new int[n * 9]);
        INTERPRETER.run(p, new Dispatch(grid[0], grid[1], grid[2]), bind("out", out));
        int[] got = read(out);
        for (int gz = 0; gz < total[2]; gz++) {
            for (int gy = 0; gy < total[1]; gy++) {
                for (int gx = 0; gx < total[0]; gx++) {
                    int[] g = {gx, gy, gz};
                    int base = 9 * (gx + total[0] * (gy + total[1] * gz));
                    for (int a = 0; a < 3; a++) {
                        assertEquals(g[a], got[base + a], "InvocationId " + a);
                        assertEquals(g[a] / size[a], got[base + 3 + a], "WorkgroupId " + a);
                        assertEquals(g[a] % size[a], got[base + 6 + a], "LocalId " + a);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1}..{2}")
    @CsvSource({
        "U32, 0, 10", "U32, 5, 2", "U32, 7, 7", "U32, -16, -1", "U32, -3, 2",
        "I32, -5, 3", "I32, -3, 2", "I32, 2147483640, 2147483647", "I32, -2147483648, -2147483640", "I32, 3, -3",
    })
    void forRunsFromStartWhileBelowEnd(String type, int start, int end) {
        boolean signed = type.equals("I32");
        Expr s = signed ? Expr.i32(start) : u(start);
        Expr e = signed ? Expr.i32(end) : u(end);
        // out[0] = iterations, out[1] = sum of v (wrapping), out[2] = last v
        int[] got = runOne(3, new Node.For("v", s, e, List.of(
                store("out", u(0), Expr.add(Expr.load("out", u(0)), u(1))),
                store("out", u(1), Expr.add(Expr.load("out", u(1)), signed ? new Expr.Cast(U32,
                        v("v")) : v("v"))),
                store("out", u(2), signed ? new Expr.Cast(U32, v("v")) : v("v")))));
        long from = signed ? start : Integer.toUnsignedLong(start);
        long to = signed ? end : Integer.toUnsignedLong(end);
        int count = 0;
        int sum = 0;
        int last = 0;
        for (long k = from; k < to; k++) {
            count++;
            sum += (int) k;
            last = (int) k;
        }
        assertArrayEquals(new int[] {count, sum, last}, got);
    }

    @Test
    void forBoundsAreEvaluatedOnce() {
        // for v in 0..out[0] { out[0] += 1; out[1] += 1 } with out[0] = 5 first: 5 iterations, out[0] = 10
        int[] got = runOne(2,
                store("out", u(0), u(5)),
                new Node.For("v", u(0), Expr.load("out", u(0)), List.of(
                        store("out", u(0), Expr.add(Expr.load("out", u(0)), u(1))),
                        store("out", u(1), Expr.add(Expr.load("out", u(1)), u(1))))));
        assertArrayEquals(new int[] {10, 5}, got);
    }

    @Test
    void loopRunsUntilReturnWhichEndsTheInvocation() {
        int[] got = runOne(3,
                new Node.Let("c", u(0)),
                new Node.Loop(List.of(
                        new Node.If(Expr.bin(BinaryOp.EQ, v("c"), u(10)), List.of(new Node.Return()), List.of()),
                        new Node.Assign("c", Expr.add(v("c"), u(1))),
                        store("out", u(0), v("c")))),
                store("out", u(1), u(99)));
        assertArrayEquals(new int[] {10, 0, 0}, got);
    }

    @Test
    void returnInsideNestedBlocksEndsTheInvocation() {
        int[] got = runOne(4,
                new Node.For("i", u(0), u(100), List.of(
                        new Node.Block(List.of(
                                store("out", u(0), v("i")),
                                new Node.If(Expr.bin(BinaryOp.EQ, v("i"), u(3)), List.of(
                                        store("out", u(1), u(1)), new Node.Return()), List.of()))))),
                store("out", u(2), u(1)));
        assertArrayEquals(new int[] {3, 1, 0, 0}, got);
    }

    @Test
    void ifTakesTheBranchOfItsCondition() {
        int[] got = runOne(2,
                new Node.If(Expr.lt(u(1), u(2)), List.of(store("out", u(0), u(7))), List.of(store("out", u(0), u(8)))),
                new Node.If(Expr.lt(u(2), u(1)), List.of(store("out", u(1), u(7))), List.of(store("out", u(1), u(8)))));
        assertArrayEquals(new int[] {7, 8}, got);
    }

    @Test
    void letsAreScopedToTheirBlockAndAssignReachesOuterScopes() {
        int[] got = runOne(5,
                new Node.Let("acc", u(0)),
                new Node.Block(List.of(new Node.Let("t", u(3)), new Node.Assign("acc", Expr.add(v("acc"), v("t"))))),
                new Node.Block(List.of(new Node.Let("t", u(40)), new Node.Assign("acc", Expr.add(v("acc"), v("t"))))),
                new Node.If(Expr.bool(true),
                        List.of(new Node.Let("x", u(500)), new Node.Assign("acc", Expr.add(v("acc"), v("x")))),
                        List.of(new Node.Let("x", u(9)))),
                store("out", u(0), v("acc")),
                // a Let in a For body is a fresh variable each iteration
                new Node.For("i", u(0), u(4), List.of(
                        new Node.Let("sq", Expr.mul(v("i"), v("i"))),
                        store("out", Expr.add(v("i"), u(1)), v("sq")))));
        assertArrayEquals(new int[] {543, 0, 1, 4, 9}, got);
    }

    @Test
    void operandsEvaluateLeftToRightWithoutShortCircuit() {
        Expr tick0 = atomicAdd("ctr", 0, u(1));
        Expr tick1 = atomicAdd("ctr", 1, u(1));
        Expr tick2 = atomicAdd("ctr", 2, u(1));
        Expr tick3 = atomicAdd("ctr", 3, u(1));
        Program p = program(1, List.of(output("ctr", 0, U32), output("out", 1, U32)),
                // first tick returns 0, second 1: 0 - 1
                store("out", u(0), Expr.bin(BinaryOp.SUB, tick0, tick0)),
                // And with a false left still evaluates its right; Or with a true left too
                new Node.Let("a", Expr.bin(BinaryOp.AND, Expr.bin(BinaryOp.EQ, tick1, u(100)),
                        Expr.bin(BinaryOp.EQ, tick1, u(1)))),
                new Node.Let("o", Expr.bin(BinaryOp.OR, Expr.bin(BinaryOp.EQ, tick2, u(0)),
                        Expr.bin(BinaryOp.EQ, tick2, u(7)))),
                // Select evaluates condition and both values
                store("out", u(1), new Expr.Select(Expr.bool(true), tick3, tick3)),
                store("out", u(2), new Expr.Cast(U32, v("a"))),
                store("out", u(3), new Expr.Cast(U32, v("o"))));
        MemorySegment ctr = words(new int[4]);
        MemorySegment out = words(new int[4]);
        INTERPRETER.run(p, Dispatch.of(1), bind("ctr", ctr, "out", out));
        assertArrayEquals(new int[] {2, 2, 2, 2}, read(ctr));
        assertArrayEquals(new int[] {-1, 0, 0, 1}, read(out));
    }

    @Test
    void signedIndicesAndI32LoopVariablesWork() {
        int[] got = runOne(4, new Node.For("i", Expr.i32(-2), Expr.i32(2), List.of(
                store("out", Expr.bin(BinaryOp.ADD, v("i"), Expr.i32(2)), new Expr.Cast(U32, v("i"))))));
        assertArrayEquals(new int[] {-2, -1, 0, 1}, got);
        assertEquals(I32, Oracle.binaryResult(BinaryOp.ADD, I32));
    }
}
