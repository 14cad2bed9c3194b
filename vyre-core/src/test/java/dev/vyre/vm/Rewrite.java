package dev.vyre.vm;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.UnaryOp;
import java.util.List;

/**
 * Makes a generated program runnable on the VM without races: one invocation per workgroup, and every
 * transcendental operator (which the VM refuses) replaced by another F32 operator.
 */
public final class Rewrite {
    private static final UnaryOp[] STANDINS = {UnaryOp.SQRT, UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND,
            UnaryOp.TRUNC, UnaryOp.RECIPROCAL, UnaryOp.INVERSE_SQRT, UnaryOp.SIGN, UnaryOp.ABS, UnaryOp.NEGATE};

    private Rewrite() {
    }

    /**
     * {@code p} with every transcendental operator (which the VM refuses; the fused PTX path lowers them through
     * fdlibm) replaced by another F32 operator, its shape unchanged: for parity corpora of the interpreter.
     */
    public static Program withoutTranscendentals(Program p) {
        return new Program(p.flags(), p.entryOp(), p.workgroupSize(), p.buffers(), p.metadata(), p.extensions(),
                nodes(p.body()));
    }

    static Program singleInvocation(Program p) {
        return new Program(p.flags(), p.entryOp(), new Program.WorkgroupSize(1, 1, 1), p.buffers(), p.metadata(),
                p.extensions(), nodes(p.body()));
    }

    private static List<Node> nodes(List<Node> body) {
        return body.stream().map(Rewrite::node).toList();
    }

    private static Node node(Node n) {
        return switch (n) {
            case Node.Let l -> new Node.Let(l.name(), expr(l.value()));
            case Node.Assign a -> new Node.Assign(a.name(), expr(a.value()));
            case Node.Store s -> new Node.Store(s.buffer(), expr(s.index()), expr(s.value()));
            case Node.If f -> new Node.If(expr(f.cond()), nodes(f.then()), nodes(f.otherwise()));
            case Node.For f -> new Node.For(f.var(), expr(f.start()), expr(f.end()), nodes(f.body()));
            case Node.Loop l -> new Node.Loop(nodes(l.body()));
            case Node.Block b -> new Node.Block(nodes(b.body()));
            default -> n;
        };
    }

    private static Expr expr(Expr e) {
        return switch (e) {
            case Expr.Load l -> new Expr.Load(l.buffer(), expr(l.index()));
            case Expr.BinOp b -> new Expr.BinOp(b.op(), expr(b.left()), expr(b.right()));
            case Expr.UnOp u -> new Expr.UnOp(VmOpTable.transcendental(u.op())
                    ? STANDINS[u.op().ordinal() % STANDINS.length] : u.op(), expr(u.operand()));
            case Expr.Select s -> new Expr.Select(expr(s.cond()), expr(s.ifTrue()), expr(s.ifFalse()));
            case Expr.Cast c -> new Expr.Cast(c.type(), expr(c.value()));
            case Expr.Fma f -> new Expr.Fma(expr(f.a()), expr(f.b()), expr(f.c()));
            case Expr.Atomic a -> new Expr.Atomic(a.op(), a.buffer(), expr(a.index()),
                    a.expected() == null ? null : expr(a.expected()), expr(a.value()));
            default -> e;
        };
    }
}
