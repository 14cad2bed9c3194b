package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.u32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Terse constructors of VIR0 nodes and expressions for the megakernel program's builders. */
final class Ir {
    // Literals, variables, bin, add, lt and load are Expr.u32, Expr.var, Expr.bin, ...: only what Expr lacks is here.
    private Ir() {
    }

    static Expr sub(Expr l, Expr r) {
        return bin(BinaryOp.SUB, l, r);
    }

    static Expr eq(Expr l, Expr r) {
        return bin(BinaryOp.EQ, l, r);
    }

    static Expr ne(Expr l, Expr r) {
        return bin(BinaryOp.NE, l, r);
    }

    static Expr le(Expr l, Expr r) {
        return bin(BinaryOp.LE, l, r);
    }

    static Expr and(Expr l, Expr r) {
        return bin(BinaryOp.AND, l, r);
    }

    static Expr or(Expr l, Expr r) {
        return bin(BinaryOp.OR, l, r);
    }

    static Expr not(Expr e) {
        return new Expr.UnOp(UnaryOp.LOGICAL_NOT, e);
    }

    static Expr select(Expr cond, Expr a, Expr b) {
        return new Expr.Select(cond, a, b);
    }

    /** Bit {@code bit} of {@code word} is set. */
    static Expr bitSet(Expr word, Expr bit) {
        return ne(bin(BinaryOp.BIT_AND, bin(BinaryOp.SHR, word, bit), u32(1)), u32(0));
    }

    static Expr atomicAdd(String buffer, Expr index, Expr value) {
        return new Expr.Atomic(AtomicOp.ADD, buffer, index, null, value);
    }

    static Expr cas(String buffer, Expr index, Expr expected, Expr value) {
        return new Expr.Atomic(AtomicOp.COMPARE_EXCHANGE, buffer, index, expected, value);
    }

    static Node let(String name, Expr value) {
        return new Node.Let(name, value);
    }

    static Node set(String name, Expr value) {
        return new Node.Assign(name, value);
    }

    static Node store(String buffer, Expr index, Expr value) {
        return new Node.Store(buffer, index, value);
    }

    static Node when(Expr cond, List<Node> then) {
        return new Node.If(cond, then, List.of());
    }

    static Node when(Expr cond, List<Node> then, List<Node> otherwise) {
        return new Node.If(cond, then, otherwise);
    }

    static Node block(List<Node> body) {
        return new Node.Block(body);
    }

    static List<Node> nodes(Node... nodes) {
        return List.of(nodes);
    }

    /** The lists, concatenated. */
    @SafeVarargs
    static List<Node> concat(List<Node>... parts) {
        List<Node> all = new ArrayList<>();
        Arrays.stream(parts).forEach(all::addAll);
        return all;
    }

    /**
     * {@code if key == cases[0] {bodies[0]} else if key == cases[1] ... else {otherwise}}: an If chain over constant
     * cases.
     */
    static List<Node> chain(Expr key, int[] cases, java.util.function.IntFunction<List<Node>> body,
                            List<Node> otherwise) {
        List<Node> rest = otherwise;
        for (int i = cases.length - 1; i >= 0; i--) {
            rest = nodes(when(eq(key, u32(cases[i])), body.apply(cases[i]), rest));
        }
        return rest;
    }
}
