package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.mul;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.parity.StreamHandlers;
import java.util.ArrayList;
import java.util.List;

/**
 * Cooperative (32-lane) handlers under the argument convention of {@link HandlerPrograms} ({@code args[10]} a shared
 * counter, {@code args[11]} the slot's first private word). They read only ARG0..ARG4 and the two convention words
 * and write only ARG5..ARG9 (so no lane reads an argument another lane writes), add to the shared counter with
 * atomics and store to private words from distinct lanes: their final state does not depend on how lanes or workers
 * interleave.
 */
final class CoopPrograms {
    private CoopPrograms() {
    }

    static Program coop(List<Node> body) {
        return Program.of(Program.WorkgroupSize.of(HandlerTable.COOPERATIVE_LANES), StreamHandlers.buffers(), body);
    }

    private static Expr arg(int i) {
        return HandlerPrograms.arg(i);
    }

    private static final Expr LANE = new Expr.LocalId(0);

    private static Node sharedAdd(String name, Expr amount) {
        return new Node.Let(name, new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL, arg(HandlerPrograms.SHARED_ARG),
                null, amount));
    }

    private static Expr wave(BinaryOp op, Expr l, Expr r) {
        return bin(op, l, r);
    }

    private static Node ifLane(Expr cond, List<Node> then) {
        return new Node.If(cond, then, List.of());
    }

    private static Expr eq(Expr a, Expr b) {
        return bin(BinaryOp.EQ, a, b);
    }

    /**
     * Every wave operator and a Barrier, all lanes live: the shared counter gets {@code lane + 1} from each lane;
     * private word {@code lane} (lanes 0..7) gets a mix of an Or-reduction, a ballot, a shuffle and a broadcast;
     * lane 0 writes ARG5..ARG8 (the atomic's previous value depends on interleaving and is not kept).
     */
    static Program collectives() {
        return coop(List.of(
                new Node.Let("a0", arg(0)),
                new Node.Let("a1", arg(1)),
                new Node.Let("a2", arg(2)),
                new Node.Let("own", arg(HandlerPrograms.PRIVATE_ARG)),
                new Node.Let("lane", LANE),
                sharedAdd("old", add(var("lane"), u32(1))),
                new Node.Barrier(),
                new Node.Let("or", wave(BinaryOp.WAVE_REDUCE, bin(BinaryOp.BIT_XOR, var("lane"), var("a0")), u32(4))),
                new Node.Let("sum", wave(BinaryOp.WAVE_REDUCE, mul(var("lane"), var("a1")), u32(0))),
                new Node.Let("max", wave(BinaryOp.WAVE_REDUCE, add(var("lane"), var("a2")), u32(2))),
                new Node.Let("bal", wave(BinaryOp.BALLOT, eq(bin(BinaryOp.BIT_AND, add(var("lane"), var("a1")),
                        u32(3)), u32(0)), var("a2"))),
                new Node.Let("sh", wave(BinaryOp.SHUFFLE, add(var("a2"), var("lane")), add(var("lane"), u32(5)))),
                new Node.Let("bc", wave(BinaryOp.WAVE_BROADCAST, mul(var("lane"), var("a0")), var("a1"))),
                ifLane(bin(BinaryOp.LT, var("lane"), u32(HandlerStream.PRIVATE_WORDS)), List.of(
                        new Node.Store(HandlerTable.CONTROL, add(var("own"), var("lane")),
                                bin(BinaryOp.BIT_XOR, bin(BinaryOp.BIT_XOR, var("or"), var("bal")),
                                        add(var("sh"), var("bc")))))),
                ifLane(eq(var("lane"), u32(0)), List.of(
                        new Node.Store(HandlerTable.ARGS, u32(5), var("sum")),
                        new Node.Store(HandlerTable.ARGS, u32(6), var("max")),
                        new Node.Store(HandlerTable.ARGS, u32(7), var("bal")),
                        new Node.Store(HandlerTable.ARGS, u32(8), bin(BinaryOp.BIT_XOR, var("a0"), var("a1")))))));
    }

    /**
     * Lanes whose index is {@code args[3]} mod 4 return at once; the others reduce, ballot and shuffle over the live
     * lanes (a returned lane's value is 0): lanes 0..7 store to their private word, lane 1 or 2 writes ARG9.
     */
    static Program earlyReturns() {
        return coop(List.of(
                new Node.Let("lane", LANE),
                new Node.Let("own", arg(HandlerPrograms.PRIVATE_ARG)),
                ifLane(eq(bin(BinaryOp.BIT_AND, var("lane"), u32(3)), bin(BinaryOp.BIT_AND, arg(3), u32(3))),
                        List.of(new Node.Return())),
                new Node.Let("r", wave(BinaryOp.WAVE_REDUCE, add(var("lane"), u32(1)), u32(0))),
                new Node.Let("bal", wave(BinaryOp.BALLOT, new Expr.LitBool(true), u32(0xFFFF_FFFF))),
                new Node.Let("sh", wave(BinaryOp.SHUFFLE, mul(var("lane"), u32(10)), add(var("lane"), u32(1)))),
                new Node.Barrier(),
                ifLane(bin(BinaryOp.LT, var("lane"), u32(HandlerStream.PRIVATE_WORDS)), List.of(
                        new Node.Store(HandlerTable.CONTROL, add(var("own"), var("lane")),
                                add(var("r"), add(mul(var("bal"), u32(3)), var("sh")))))),
                ifLane(bin(BinaryOp.AND, bin(BinaryOp.GE, var("lane"), u32(1)), bin(BinaryOp.LE, var("lane"), u32(2))),
                        List.of(new Node.Store(HandlerTable.ARGS, u32(9), var("bal"))))));
    }

    /**
     * Lane l makes {@code (args[4] & 63) * l} iterations, each adding 1 to the shared counter, then all meet at a
     * Barrier and lane 0 writes ARG5: small budgets cut the busy lanes off one by one, the others go on.
     */
    static Program laneLoops() {
        return coop(List.of(
                new Node.Let("lane", LANE),
                new Node.Let("n", mul(bin(BinaryOp.BIT_AND, arg(4), u32(63)), var("lane"))),
                new Node.For("i", u32(0), var("n"), List.of(sharedAdd("old", u32(1)))),
                new Node.Barrier(),
                new Node.Let("live", wave(BinaryOp.BALLOT, new Expr.LitBool(true), u32(0xFFFF_FFFF))),
                ifLane(eq(var("lane"), u32(0)), List.of(new Node.Store(HandlerTable.ARGS, u32(5), var("live"))))));
    }

    /**
     * Every lane adds 1 to the shared counter; lanes 24..31 return; when {@code args[2]} is odd, odd lanes then
     * reach a WaveReduce and even lanes a Barrier (a divergence: the slot faults HANDLER_FAULT), else all reach the
     * Barrier; then every live lane adds 2.
     */
    static Program maybeDivergent() {
        return coop(List.of(
                new Node.Let("lane", LANE),
                new Node.Let("odd", bin(BinaryOp.BIT_AND, arg(2), u32(1))),
                sharedAdd("first", u32(1)),
                ifLane(bin(BinaryOp.GE, var("lane"), u32(24)), List.of(new Node.Return())),
                new Node.If(eq(bin(BinaryOp.BIT_AND, var("lane"), var("odd")), u32(1)),
                        List.of(new Node.Let("x", wave(BinaryOp.WAVE_REDUCE, var("lane"), u32(0)))),
                        List.of(new Node.Barrier())),
                sharedAdd("second", u32(2))));
    }

    /** The cooperative handlers above, then two single-invocation ones (which lane 0 runs alone). */
    static List<Program> mixed() {
        List<Program> all = new ArrayList<>(List.of(collectives(), earlyReturns(), laneLoops(), maybeDivergent()));
        all.add(HandlerPrograms.counter());
        all.add(HandlerPrograms.boundedLoop());
        return all;
    }
}
