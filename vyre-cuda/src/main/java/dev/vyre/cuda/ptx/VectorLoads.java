package dev.vyre.cuda.ptx;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Recognises four consecutive word loads that one 16-byte vector load can serve: four {@code Let}s in a row of one
 * block,
 * <pre>
 * Let w0 = b[p]; Let w1 = b[p + 1]; Let w2 = b[p + 2]; Let w3 = b[p + 3]
 * </pre>
 * where {@code p} is a U32 variable (written {@code Var p} and {@code BinOp(Add, Var p, LitU32 k)}) and {@code b} a
 * {@linkplain BufferRef#vectorLoadable() vector-loadable} buffer. The lowering ({@link ExprLowering#loadVector})
 * issues one {@code ld.v4} when, at run time, the four indices lie in bounds without wrapping and the address is 16-byte
 * aligned, and the four scalar loads otherwise, so the values (and counted out-of-bounds loads) are the reference
 * interpreter's in every case; loads have no other effect, so their order does not matter. Nothing else changes:
 * the pattern is plain VIR0 that every backend runs as four loads (docs/PTX-EMITTER.md, "Vector loads").
 */
final class VectorLoads {
    /** Loads one match replaces. */
    static final int WIDTH = 4;

    private VectorLoads() {
    }

    /**
     * A match: the buffer, the index variable and the four declared names.
     *
     * @param steps the interpreter's steps for the four Lets (one per node and one per expression evaluated)
     */
    record Match(String buffer, String index, List<String> names, int steps) {
    }

    /**
     * The match starting at {@code nodes[at]}, or null. {@code isU32Variable} tells whether a name is a visible U32
     * variable (the index must be one).
     */
    static Match at(List<Node> nodes, int at, Map<String, BufferRef> buffers, Predicate<String> isU32Variable) {
        if (at + WIDTH > nodes.size() || !(nodes.get(at) instanceof Node.Let first)
                || !(first.value() instanceof Expr.Load load0) || !(load0.index() instanceof Expr.Var p)) {
            return null;
        }
        BufferRef b = buffers.get(load0.buffer());
        if (b == null || !b.vectorLoadable() || !isU32Variable.test(p.name())) {
            return null;
        }
        List<String> names = new ArrayList<>(WIDTH);
        names.add(first.name());
        int steps = 1 + size(first.value());
        for (int k = 1; k < WIDTH; k++) {
            if (!(nodes.get(at + k) instanceof Node.Let let) || !(let.value() instanceof Expr.Load load)
                    || !load.buffer().equals(load0.buffer()) || !isIndexPlus(load.index(), p.name(), k)) {
                return null;
            }
            names.add(let.name());
            steps += 1 + size(let.value());
        }
        return new Match(load0.buffer(), p.name(), List.copyOf(names), steps);
    }

    /** {@code BinOp(Add, Var name, LitU32 k)}. */
    private static boolean isIndexPlus(Expr e, String name, int k) {
        return e instanceof Expr.BinOp bin && bin.op() == BinaryOp.ADD && bin.left() instanceof Expr.Var v
                && v.name().equals(name) && bin.right() instanceof Expr.LitU32 lit && lit.value() == k;
    }

    /** Expressions in the tree (each costs the interpreter one step); only the shapes a match holds. */
    private static int size(Expr e) {
        return switch (e) {
            case Expr.Load l -> 1 + size(l.index());
            case Expr.BinOp b -> 1 + size(b.left()) + size(b.right());
            case Expr.Var _, Expr.LitU32 _ -> 1;
            default -> throw new IllegalStateException("not part of a vector-load match: " + e);
        };
    }
}
