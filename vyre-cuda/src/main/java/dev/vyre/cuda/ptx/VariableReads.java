package dev.vyre.cuda.ptx;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.SystemMemory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of the variables a body ever reads (a {@code Var} anywhere, or a system-memory sleep's variable). A
 * {@code Let} whose name is never read needs no value: an atomic add there lowers to a {@code red}, which does not
 * wait for the memory's answer (for mapped host memory one PCIe round trip that the thread, and a diverged warp,
 * would otherwise stall on). Conservative: a body with an Opaque node or expression it cannot see into reads
 * everything ({@link #reads} is then always true).
 */
final class VariableReads {
    private final Set<String> names = new HashSet<>();
    private boolean everything;

    private VariableReads() {
    }

    /** The reads of {@code body}. */
    static VariableReads of(List<Node> body) {
        VariableReads r = new VariableReads();
        r.nodes(body);
        return r;
    }

    /** Whether a variable of this name may be read. */
    boolean reads(String name) {
        return everything || names.contains(name);
    }

    private void nodes(List<Node> body) {
        for (Node n : body) {
            node(n);
        }
    }

    private void node(Node n) {
        switch (n) {
            case Node.Let let -> expr(let.value());
            case Node.Assign assign -> expr(assign.value());
            case Node.Store store -> {
                expr(store.index());
                expr(store.value());
            }
            case Node.If ifNode -> {
                expr(ifNode.cond());
                nodes(ifNode.then());
                nodes(ifNode.otherwise());
            }
            case Node.For forNode -> {
                expr(forNode.start());
                expr(forNode.end());
                nodes(forNode.body());
            }
            case Node.Loop loop -> nodes(loop.body());
            case Node.Block block -> nodes(block.body());
            case Node.Opaque o when SystemMemory.isNode(o.extensionId()) -> {
                if (SystemMemory.parse(o) instanceof SystemMemory.Op.Sleep sleep) {
                    names.add(sleep.variable());
                }
            }
            case Node.Opaque o -> everything = true;
            default -> {
                // Barrier, Return, IndirectDispatch, AsyncLoad, AsyncWait read no variable
            }
        }
    }

    private void expr(Expr e) {
        if (e == null) {
            return;
        }
        switch (e) {
            case Expr.Var v -> names.add(v.name());
            case Expr.Load load -> expr(load.index());
            case Expr.BinOp b -> {
                expr(b.left());
                expr(b.right());
            }
            case Expr.UnOp u -> expr(u.operand());
            case Expr.Call call -> call.args().forEach(this::expr);
            case Expr.Select s -> {
                expr(s.cond());
                expr(s.ifTrue());
                expr(s.ifFalse());
            }
            case Expr.Cast cast -> expr(cast.value());
            case Expr.Fma fma -> {
                expr(fma.a());
                expr(fma.b());
                expr(fma.c());
            }
            case Expr.Atomic a -> {
                expr(a.index());
                expr(a.expected());
                expr(a.value());
            }
            case Expr.Opaque o -> everything = true;
            default -> {
                // literals, BufLen and the invocation ids read no variable
            }
        }
    }
}
