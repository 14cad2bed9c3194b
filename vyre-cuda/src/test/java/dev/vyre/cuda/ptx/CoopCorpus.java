package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.ProgramCorpus.cast;
import static dev.vyre.cuda.ptx.ProgramCorpus.ifThen;
import static dev.vyre.cuda.ptx.ProgramCorpus.let;
import static dev.vyre.cuda.ptx.ProgramCorpus.store;
import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.mul;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Cooperative handlers (workgroup size 32x1x1) for the emitter's tests: every wave operator over every type it
 * takes, Barriers, lanes that return early, lanes cut off by their step budget one by one, and divergent
 * collectives. Each lane writes only its own control words (or adds with atomics), reads only ARG0..ARG3 and lane 0
 * alone writes ARG4..ARG11, so the result does not depend on how the lanes interleave.
 */
final class CoopCorpus {
    /** Control words the runs use: lane l owns words 8 + 4l .. 8 + 4l + 3; words 0..7 are shared counters. */
    static final int CONTROL_WORDS = 8 + 4 * PtxEmitter.COOPERATIVE_LANES;

    private CoopCorpus() {
    }

    static Program coop(List<Node> body) {
        return Program.of(Program.WorkgroupSize.of(PtxEmitter.COOPERATIVE_LANES), List.of(
                BufferDecl.of(PtxEmitter.HANDLER_ARGS, 0, BufferAccess.READ_WRITE, U32, PtxEmitter.HANDLER_ARG_WORDS,
                        true),
                BufferDecl.of(PtxEmitter.HANDLER_CONTROL, 1, BufferAccess.READ_WRITE, U32, 0, true)), body);
    }

    private static final Expr LANE = new Expr.LocalId(0);

    private static Expr arg(int i) {
        return load(PtxEmitter.HANDLER_ARGS, u32(i));
    }

    /** Control word k (0..3) of this lane. */
    private static Expr own(int k) {
        return add(u32(8 + k), mul(var("lane"), u32(4)));
    }

    private static Expr wave(BinaryOp op, Expr l, Expr r) {
        return bin(op, l, r);
    }

    private static Node laneZero(List<Node> then) {
        return ifThen(bin(BinaryOp.EQ, var("lane"), u32(0)), then, List.of());
    }

    /** {@code (U32) ((op(x) + 2) * scale)}: the transcendental operators per lane (x a variable). */
    private static Expr scaled(UnaryOp op, float scale) {
        return cast(U32, bin(BinaryOp.MUL, bin(BinaryOp.ADD, Expr.un(op, var("x")), Expr.f32(2f)),
                Expr.f32(scale)));
    }

    /** The cases: name and program. */
    record Case(String name, Program program) {
    }

    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        List<Node> reduce = new ArrayList<>(List.of(let("lane", LANE), let("a0", arg(0)), let("a1", arg(1)),
                let("acc", u32(0))));
        for (int kind = 0; kind <= 5; kind++) {
            reduce.add(new Node.Assign("acc", bin(BinaryOp.BIT_XOR, mul(var("acc"), u32(33)), wave(BinaryOp.WAVE_REDUCE,
                    mul(add(var("lane"), var("a0")), var("a1")), u32(kind)))));
        }
        for (int kind = 0; kind <= 5; kind++) {
            reduce.add(new Node.Assign("acc", add(var("acc"), cast(U32, wave(BinaryOp.WAVE_REDUCE,
                    cast(I32, bin(BinaryOp.SUB, var("a0"), mul(var("lane"), var("a1")))), u32(kind))))));
        }
        for (int kind = 0; kind <= 2; kind++) {
            reduce.add(new Node.Assign("acc", add(var("acc"), cast(U32, wave(BinaryOp.WAVE_REDUCE,
                    bin(BinaryOp.MUL, cast(F32, bin(BinaryOp.BIT_AND, add(var("a0"), var("lane")), u32(0xFFFF))),
                            Expr.f32(0.37f)), u32(kind))))));
        }
        reduce.add(store("control", own(0), var("acc")));
        reduce.add(store("control", own(1), wave(BinaryOp.SHUFFLE, mul(var("lane"), var("a0")),
                add(var("lane"), var("a1")))));
        reduce.add(store("control", own(2), cast(U32, wave(BinaryOp.WAVE_BROADCAST,
                bin(BinaryOp.LT, var("lane"), bin(BinaryOp.BIT_AND, var("a0"), u32(31))), u32(7)))));
        reduce.add(store("control", own(3), wave(BinaryOp.BALLOT, bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND,
                add(var("lane"), var("a0")), u32(3)), u32(1)), var("a1"))));
        reduce.add(laneZero(List.of(store("args", u32(4), var("acc")))));
        out.add(new Case("c_waves", coop(reduce)));

        out.add(new Case("c_returns", coop(List.of(
                let("lane", LANE),
                ifThen(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, var("lane"), u32(3)), bin(BinaryOp.BIT_AND, arg(2),
                        u32(3))), List.of(new Node.Return()), List.of()),
                new Node.Barrier(),
                let("sum", wave(BinaryOp.WAVE_REDUCE, add(var("lane"), u32(1)), u32(0))),
                let("live", wave(BinaryOp.BALLOT, Expr.bool(true), u32(0xFFFF_FFFF))),
                let("next", wave(BinaryOp.SHUFFLE, mul(var("lane"), u32(3)), add(var("lane"), u32(1)))),
                store("control", own(0), add(var("sum"), var("next"))),
                store("control", own(1), var("live")),
                ifThen(bin(BinaryOp.EQ, var("lane"), u32(31)), List.of(store("args", u32(5), var("live"))),
                        List.of())))));

        out.add(new Case("c_fdlibm", coop(List.of(
                let("lane", LANE),
                let("x", bin(BinaryOp.MUL, cast(F32, add(arg(0), mul(var("lane"), arg(1)))), Expr.f32(0.001f))),
                store("control", own(0), scaled(UnaryOp.SIN, 1e8f)),
                new Node.Barrier(),
                store("control", own(1), scaled(UnaryOp.COS, 1e8f)),
                store("control", own(2), scaled(UnaryOp.LOG2, 1e6f)),
                store("control", own(3), scaled(UnaryOp.TANH, 1e8f))))));

        out.add(new Case("c_budgets", coop(List.of(
                let("lane", LANE),
                new Node.For("i", u32(0), mul(bin(BinaryOp.BIT_AND, arg(3), u32(31)), var("lane")), List.of(
                        let("p", new Expr.Atomic(AtomicOp.ADD, "control", u32(0), null, u32(1))),
                        store("control", own(0), add(var("i"), u32(1))))),
                new Node.Barrier(),
                store("control", own(1), wave(BinaryOp.BALLOT, Expr.bool(true), u32(0xFFFF_FFFF))),
                laneZero(List.of(store("args", u32(6), u32(66))))))));

        out.add(new Case("c_diverge", coop(List.of(
                let("lane", LANE),
                let("p", new Expr.Atomic(AtomicOp.ADD, "control", u32(1), null, u32(1))),
                ifThen(bin(BinaryOp.GE, var("lane"), u32(28)), List.of(new Node.Return()), List.of()),
                ifThen(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, bin(BinaryOp.BIT_AND, var("lane"), arg(1)), u32(1)),
                                u32(1)),
                        List.of(let("x", wave(BinaryOp.WAVE_REDUCE, var("lane"), u32(0))),
                                store("control", own(0), var("x"))),
                        List.of(new Node.Barrier())),
                let("q", new Expr.Atomic(AtomicOp.ADD, "control", u32(2), null, u32(1)))))));

        out.add(new Case("c_spin", coop(List.of(
                let("lane", LANE),
                ifThen(bin(BinaryOp.LT, var("lane"), bin(BinaryOp.BIT_AND, arg(0), u32(31))),
                        List.of(new Node.Loop(List.of(let("p", new Expr.Atomic(AtomicOp.ADD, "control", u32(3), null,
                                u32(1)))))), List.of()),
                store("control", own(0), wave(BinaryOp.WAVE_REDUCE, u32(1), u32(0)))))));
        return out;
    }
}
