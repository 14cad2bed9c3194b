package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.mul;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.UnaryOp;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.parity.StreamHandlers;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written user handlers for the fused-handler tests, all in the U32 and Bool subset that {@link PtxSim} runs.
 * They follow the argument convention of {@link HandlerStream}: {@code args[10]} names a shared counter (changed
 * only by atomic adds whose result is dropped), {@code args[11]} the first of the slot's
 * {@link HandlerStream#PRIVATE_WORDS} private control words; the other words are data. Under that convention a
 * stream's final state does not depend on how workers interleave.
 */
final class HandlerPrograms {
    /** Argument word holding the shared counter's control index. */
    static final int SHARED_ARG = 10;
    /** Argument word holding the first private control word's index. */
    static final int PRIVATE_ARG = 11;

    private HandlerPrograms() {
    }

    static Program handler(List<Node> body) {
        return Program.of(Program.WorkgroupSize.of(1), StreamHandlers.buffers(), body);
    }

    static Expr arg(int i) {
        return load(HandlerTable.ARGS, u32(i));
    }

    /** {@code base + (e & 7)}: with {@code base} = the original {@code args[11]}, one of the slot's private words. */
    static Expr privateWord(Expr base, Expr e) {
        return add(base, bin(BinaryOp.BIT_AND, e, u32(HandlerStream.PRIVATE_WORDS - 1)));
    }

    private static Node sharedAdd(String name, Expr amount) {
        return new Node.Let(name, new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL, arg(SHARED_ARG), null, amount));
    }

    /** {@code control[args[10]] += args[1]} (atomic, result dropped); {@code args[3] = args[0] + args[1]}. */
    static Program counter() {
        return handler(List.of(
                sharedAdd("previous", arg(1)),
                new Node.Store(HandlerTable.ARGS, u32(3), add(arg(0), arg(1)))));
    }

    /**
     * A Loop that never returns, adding 1 to {@code control[args[10]]} on every iteration: it always exhausts the
     * budget, after exactly as many additions as the interpreter makes before it stops.
     */
    static Program spinner() {
        return handler(List.of(new Node.Loop(List.of(sharedAdd("previous", u32(1))))));
    }

    /**
     * {@code args[0] & 511} iterations, each adding {@code i * args[2]} to an accumulator, 1 to the shared counter and
     * storing the accumulator to a private word; then {@code args[4] = acc}. Whether it fits the budget depends on
     * {@code args[0]}: the tests pick budgets that cut some runs in the middle.
     */
    static Program boundedLoop() {
        return handler(List.of(
                new Node.Let("acc", u32(0)),
                new Node.For("i", u32(0), bin(BinaryOp.BIT_AND, arg(0), u32(511)), List.of(
                        new Node.Assign("acc", add(var("acc"), mul(var("i"), arg(2)))),
                        sharedAdd("previous", u32(1)),
                        new Node.Store(HandlerTable.CONTROL, privateWord(arg(PRIVATE_ARG), var("i")), var("acc")))),
                new Node.Store(HandlerTable.ARGS, u32(4), var("acc"))));
    }

    /**
     * Rewrites every argument word ({@code args[k] = args[k] * 3 + k}), stores past the end of {@code args}
     * (dropped), returns early when {@code args[0]} was even, else complements {@code args[1]} and copies
     * {@code args[5]} to a private word (whose index it read before rewriting {@code args[11]}).
     */
    static Program writer() {
        return handler(List.of(
                new Node.Let("base", arg(PRIVATE_ARG)),
                new Node.For("k", u32(0), u32(HandlerStream.ARG_WORDS), List.of(
                        new Node.Store(HandlerTable.ARGS, var("k"), add(mul(load(HandlerTable.ARGS, var("k")), u32(3)),
                                var("k"))))),
                new Node.Store(HandlerTable.ARGS, u32(HandlerStream.ARG_WORDS), u32(7)),
                new Node.If(bin(BinaryOp.EQ, bin(BinaryOp.BIT_AND, arg(0), u32(1)), u32(0)),
                        List.of(new Node.Return()), List.of()),
                new Node.Store(HandlerTable.ARGS, u32(1), Expr.un(UnaryOp.BIT_NOT, arg(1))),
                new Node.Store(HandlerTable.CONTROL, privateWord(var("base"), u32(0)), arg(5))));
    }

    /** Every atomic operator once on a private word, its previous value stored to an argument word. */
    static Program everyAtomic() {
        List<Node> body = new ArrayList<>();
        int k = 0;
        for (AtomicOp op : AtomicOp.values()) {
            Expr expected = op.needsExpected() ? load(HandlerTable.CONTROL, privateWord(arg(PRIVATE_ARG), u32(k)))
                    : null;
            body.add(new Node.Store(HandlerTable.ARGS, u32(k % PRIVATE_ARG), new Expr.Atomic(op, HandlerTable.CONTROL,
                    privateWord(arg(PRIVATE_ARG), u32(k)), expected, arg((k + 1) % PRIVATE_ARG))));
            k++;
        }
        return handler(body);
    }

    /**
     * A Loop that returns after {@code (args[0] & 7) + 1} iterations, leaving the count in {@code args[2]}, and a
     * For over 0..0xFFFFFFFF that returns at {@code i = args[1] & 15}, leaving i in {@code args[3]}: under a huge
     * budget they end early only by their Return.
     */
    static List<Program> earlyReturns() {
        Program loop = handler(List.of(
                new Node.Let("n", u32(0)),
                new Node.Loop(List.of(
                        new Node.Assign("n", add(var("n"), u32(1))),
                        new Node.If(bin(BinaryOp.EQ, var("n"), add(bin(BinaryOp.BIT_AND, arg(0), u32(7)), u32(1))),
                                List.of(new Node.Store(HandlerTable.ARGS, u32(2), var("n")), new Node.Return()),
                                List.of())))));
        Program scan = handler(List.of(
                new Node.For("i", u32(0), u32(-1), List.of(
                        new Node.If(bin(BinaryOp.EQ, var("i"), bin(BinaryOp.BIT_AND, arg(1), u32(15))),
                                List.of(new Node.Store(HandlerTable.ARGS, u32(3), var("i")), new Node.Return()),
                                List.of())))));
        return List.of(loop, scan);
    }

    /** The hand-written handlers, in a fixed order. */
    static List<Program> all() {
        return List.of(counter(), spinner(), boundedLoop(), writer(), everyAtomic());
    }
}
