package dev.vyre.ir.check;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.bool;
import static dev.vyre.ir.Expr.f32;
import static dev.vyre.ir.Expr.gid;
import static dev.vyre.ir.Expr.i32;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.lt;
import static dev.vyre.ir.Expr.mul;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.un;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.check.ProgramFixtures.assertValid;
import static dev.vyre.ir.check.ProgramFixtures.assign;
import static dev.vyre.ir.check.ProgramFixtures.block;
import static dev.vyre.ir.check.ProgramFixtures.forLoop;
import static dev.vyre.ir.check.ProgramFixtures.ifThen;
import static dev.vyre.ir.check.ProgramFixtures.let;
import static dev.vyre.ir.check.ProgramFixtures.store;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written valid programs, one per kind of kernel: the validator must find nothing wrong in any of them. */
class ValidProgramsTest {
    private static BufferDecl decl(String name, int binding, BufferAccess access, ScalarType type, int count) {
        return BufferDecl.of(name, binding, access, type, count, access == BufferAccess.READ_WRITE);
    }

    private static Program program(Program.WorkgroupSize size, List<BufferDecl> buffers, Node... body) {
        return Program.of(size, buffers, List.of(body));
    }

    @Test
    void vectorAdd() {
        assertValid(program(Program.WorkgroupSize.of(256),
                List.of(decl("a", 0, BufferAccess.READ_ONLY, ScalarType.F32, 0),
                        decl("b", 1, BufferAccess.READ_ONLY, ScalarType.F32, 0),
                        decl("c", 2, BufferAccess.READ_WRITE, ScalarType.F32, 0)),
                let("i", gid(0)),
                ifThen(lt(var("i"), new Expr.BufLen("c")),
                        store("c", var("i"), add(load("a", var("i")), load("b", var("i")))))));
    }

    @Test
    void workgroupReductionWithBarriersAndAtomics() {
        Expr local = new Expr.LocalId(0);
        assertValid(program(new Program.WorkgroupSize(8, 8, 1),
                List.of(decl("data", 0, BufferAccess.READ_ONLY, ScalarType.F32, 0),
                        decl("partial", 1, BufferAccess.WORKGROUP, ScalarType.F32, 64),
                        decl("sums", 2, BufferAccess.READ_WRITE, ScalarType.F32, 0),
                        decl("done", 3, BufferAccess.READ_WRITE, ScalarType.U32, 1),
                        decl("lock", 4, BufferAccess.WORKGROUP, ScalarType.I32, 1)),
                let("lin", add(local, mul(new Expr.LocalId(1), u32(8)))),
                store("partial", var("lin"), load("data", gid(0))),
                new Node.Barrier(),
                let("stride", u32(32)),
                new Node.Loop(List.of(
                        ifThen(bin(BinaryOp.EQ, var("stride"), u32(0)), new Node.Return()),
                        ifThen(lt(var("lin"), var("stride")),
                                store("partial", var("lin"), add(load("partial", var("lin")),
                                        load("partial", add(var("lin"), var("stride")))))),
                        new Node.Barrier(),
                        assign("stride", bin(BinaryOp.SHR, var("stride"), i32(1))),
                        ifThen(bin(BinaryOp.EQ, var("lin"), u32(0)),
                                store("sums", new Expr.WorkgroupId(0), load("partial", u32(0))),
                                let("prev", new Expr.Atomic(AtomicOp.ADD, "done", u32(0), null, u32(1))),
                                let("got", new Expr.Atomic(AtomicOp.COMPARE_EXCHANGE, "lock", u32(0), i32(0), i32(1))),
                                let("weak", new Expr.Atomic(AtomicOp.COMPARE_EXCHANGE_WEAK, "done", u32(1),
                                        var("prev"), add(var("prev"), u32(1)))),
                                let("stamp", new Expr.Atomic(AtomicOp.LRU_UPDATE, "lock", i32(0), null,
                                        var("got"))))))));
    }

    @Test
    void waveCollectives() {
        assertValid(program(Program.WorkgroupSize.of(64),
                List.of(decl("x", 0, BufferAccess.READ_ONLY, ScalarType.I32, 0),
                        decl("y", 1, BufferAccess.WRITE_ONLY, ScalarType.I32, 0),
                        decl("masks", 2, BufferAccess.WRITE_ONLY, ScalarType.U32, 0)),
                let("v", load("x", gid(0))),
                let("lane", bin(BinaryOp.BIT_AND, new Expr.LocalId(0), u32(31))),
                let("sum", bin(BinaryOp.WAVE_REDUCE, var("v"), u32(0))),
                let("bits", bin(BinaryOp.WAVE_REDUCE, var("v"), u32(5))),
                let("fmax", bin(BinaryOp.WAVE_REDUCE, new Expr.Cast(ScalarType.F32, var("v")), u32(2))),
                let("next", bin(BinaryOp.SHUFFLE, var("v"), add(var("lane"), u32(1)))),
                let("first", bin(BinaryOp.WAVE_BROADCAST, bool(true), u32(0))),
                let("ballot", bin(BinaryOp.BALLOT, bin(BinaryOp.GT, var("v"), i32(0)), u32(0xFFFFFFFF))),
                ifThen(var("first"), store("masks", gid(0), var("ballot"))),
                store("y", gid(0), add(add(var("sum"), var("bits")), add(var("next"),
                        new Expr.Cast(ScalarType.I32, var("fmax")))))));
    }

    @Test
    void everyStatementKind() {
        BufferDecl grid = decl("grid", 0, BufferAccess.READ_WRITE, ScalarType.U32, 3);
        assertValid(program(new Program.WorkgroupSize(4, 4, 4), List.of(grid),
                new Node.AsyncLoad(),
                new Node.AsyncWait(),
                block(let("n", u32(3)), forLoop("k", u32(0), var("n"), store("grid", var("k"), u32(1)))),
                forLoop("j", i32(-2), i32(2), ifThen(bin(BinaryOp.GE, var("j"), i32(0)), new Node.Return())),
                new Node.If(bool(false), List.of(), List.of(block(), new Node.Loop(List.of(new Node.Return())))),
                new Node.IndirectDispatch("grid", 0),
                new Node.Barrier(),
                new Node.Return()));
    }

    @Test
    void bytesBoolAndUniformBuffers() {
        assertValid(program(Program.WorkgroupSize.of(32),
                List.of(decl("text", 0, BufferAccess.READ_ONLY, ScalarType.BYTES, 0),
                        decl("params", 1, BufferAccess.UNIFORM, ScalarType.U32, 4),
                        decl("hits", 2, BufferAccess.READ_WRITE, ScalarType.BOOL, 0),
                        decl("lower", 3, BufferAccess.WRITE_ONLY, ScalarType.BYTES, 0)),
                let("c", load("text", gid(0))),
                let("isUpper", bin(BinaryOp.AND, bin(BinaryOp.GE, var("c"), u32('A')),
                        bin(BinaryOp.LE, var("c"), u32('Z')))),
                store("hits", gid(0), bin(BinaryOp.OR, var("isUpper"),
                        bin(BinaryOp.EQ, var("c"), load("params", u32(0))))),
                store("lower", gid(0), new Expr.Select(var("isUpper"), bin(BinaryOp.BIT_OR, var("c"), u32(0x20)),
                        var("c")))));
    }

    @Test
    void arithmeticOfEveryKind() {
        assertValid(program(Program.WorkgroupSize.of(1),
                List.of(decl("f", 0, BufferAccess.READ_WRITE, ScalarType.F32, 0),
                        decl("u", 1, BufferAccess.READ_WRITE, ScalarType.U32, 0)),
                let("x", load("f", u32(0))),
                let("y", new Expr.Fma(var("x"), f32(2), un(UnaryOp.SQRT, un(UnaryOp.ABS, var("x"))))),
                let("inf", un(UnaryOp.IS_INF, var("y"))),
                let("bits", new Expr.Cast(ScalarType.U32, var("y"))),
                let("mixed", bin(BinaryOp.ROTATE_LEFT, var("bits"), i32(7))),
                let("packed", un(UnaryOp.UNPACK4_LOW, bin(BinaryOp.MUL_HIGH, var("mixed"), u32(0x9E3779B9)))),
                let("count", un(UnaryOp.POPCOUNT, new Expr.Cast(ScalarType.I32, var("packed")))),
                let("diff", bin(BinaryOp.ABS_DIFF, i32(-5), i32(7))),
                let("fdiff", bin(BinaryOp.ABS_DIFF, var("x"), f32(1))),
                let("sat", bin(BinaryOp.SATURATING_SUB, var("diff"), var("count"))),
                store("u", u32(0), new Expr.Select(var("inf"), var("sat"), new Expr.Cast(ScalarType.U32,
                        bin(BinaryOp.MAX, var("fdiff"), f32(0))))),
                store("f", u32(1), new Expr.Cast(ScalarType.F32, bin(BinaryOp.NE, var("bits"), u32(0))))));
    }
}
