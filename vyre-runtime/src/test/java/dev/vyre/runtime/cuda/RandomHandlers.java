package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.runtime.cuda.HandlerPrograms.arg;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.runtime.HandlerTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random, valid user handlers in the U32 and Bool subset that {@link PtxSim} runs: Let, Assign, Store (to the
 * arguments, in and past their end; to the slot's private control words; far past the control block), If, For
 * (up to 7 iterations, bounds from literals or data), Loop (left by a Return once a counter reaches a bound, or
 * never), Block and Return; expressions over the U32 operators the simulator knows, comparisons, Bool logic,
 * Select, casts, loads and every atomic operator on private words and on the arguments. Shared counters only see
 * atomic adds whose result is dropped. So, under {@link HandlerStream}'s argument convention, the final state of a
 * stream does not depend on how workers interleave, and many runs end on the step budget with effects half done.
 */
final class RandomHandlers {
    private static final BinaryOp[] U32_OPS = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MOD,
        BinaryOp.BIT_AND, BinaryOp.BIT_OR, BinaryOp.BIT_XOR, BinaryOp.SHL, BinaryOp.SHR, BinaryOp.MIN, BinaryOp.MAX,
        BinaryOp.ABS_DIFF, BinaryOp.SATURATING_ADD, BinaryOp.SATURATING_SUB, BinaryOp.WRAPPING_ADD,
        BinaryOp.WRAPPING_SUB};
    private static final BinaryOp[] COMPARISONS = {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.GT, BinaryOp.LE,
        BinaryOp.GE};
    private static final BinaryOp[] BOOL_OPS = {BinaryOp.AND, BinaryOp.OR, BinaryOp.BIT_AND, BinaryOp.BIT_OR,
        BinaryOp.BIT_XOR, BinaryOp.EQ, BinaryOp.NE};
    private static final UnaryOp[] U32_UNARY = {UnaryOp.NEGATE, UnaryOp.BIT_NOT, UnaryOp.ABS};
    private static final int[] SPECIAL = {0, 1, 2, 3, 7, 31, 32, 33, 0xFF, 0x7FFF_FFFF, 0x8000_0000, -1, -2,
        0x1234_5678};
    private static final int MAX_EXPR_DEPTH = 3;
    private static final int MAX_NODE_DEPTH = 3;
    /** A control index base that no control block reaches (at most 160 + 1,048,576 words). */
    private static final int FAR_OUT = 0xFFFF_0000;

    private record Var(String name, ScalarType type, boolean assignable) {
    }

    private final SplittableRandom rnd;
    private final Deque<List<Var>> scopes = new ArrayDeque<>();
    private int names;
    private int nodesLeft;

    private RandomHandlers(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    /** A random handler drawn from {@code rnd}. */
    static Program generate(SplittableRandom rnd) {
        return new RandomHandlers(rnd).program();
    }

    private Program program() {
        scopes.push(new ArrayList<>());
        List<Node> body = new ArrayList<>();
        // the slot's private words and shared counter, read before any store can change the argument words
        body.add(new Node.Let("base", arg(HandlerPrograms.PRIVATE_ARG)));
        body.add(new Node.Let("shared", arg(HandlerPrograms.SHARED_ARG)));
        scopes.peek().add(new Var("base", U32, false));
        scopes.peek().add(new Var("shared", U32, false));
        nodesLeft = 4 + rnd.nextInt(28);
        body.addAll(nodes(0, 10));
        return HandlerPrograms.handler(body);
    }

    // ---- nodes ---------------------------------------------------------------------------------------------

    private List<Node> nodes(int depth, int max) {
        List<Node> out = new ArrayList<>();
        int target = 1 + rnd.nextInt(max);
        while (out.size() < target && nodesLeft > 0) {
            nodesLeft--;
            Node n = node(depth, out);
            if (n != null) {
                out.add(n);
                if (n instanceof Node.Return) {
                    break;
                }
            }
        }
        return out;
    }

    /** One node; may first append set-up nodes (a Loop's counter) to {@code out}. */
    private Node node(int depth, List<Node> out) {
        int roll = rnd.nextInt(100);
        boolean nest = depth < MAX_NODE_DEPTH;
        if (roll < 3) {
            return new Node.Return();
        }
        if (roll < 15 && nest) {
            Expr cond = expr(BOOL, 0);
            return new Node.If(cond, scoped(() -> nodes(depth + 1, 4)), scoped(() -> nodes(depth + 1, 3)));
        }
        if (roll < 24 && nest) {
            Expr start = u32(rnd.nextInt(3));
            Expr end = rnd.nextBoolean() ? u32(rnd.nextInt(8)) : bin(BinaryOp.BIT_AND, expr(U32, 1), u32(7));
            String v = name();
            scopes.push(new ArrayList<>(List.of(new Var(v, U32, false))));
            List<Node> body = nodes(depth + 1, 4);
            scopes.pop();
            return new Node.For(v, start, end, body);
        }
        if (roll < 29 && nest) {
            return loop(depth, out);
        }
        if (roll < 34 && nest) {
            return new Node.Block(scoped(() -> nodes(depth + 1, 4)));
        }
        if (roll < 46) {
            List<Var> assignable = visible(null, true);
            if (!assignable.isEmpty()) {
                Var v = assignable.get(rnd.nextInt(assignable.size()));
                return new Node.Assign(v.name(), expr(v.type(), 0));
            }
        }
        if (roll < 60) {
            Expr index = rnd.nextInt(3) == 0 ? bin(BinaryOp.BIT_AND, expr(U32, 1), u32(15))
                    : u32(rnd.nextInt(HandlerStream.ARG_WORDS + 2));
            return new Node.Store(HandlerTable.ARGS, index, expr(U32, 0));
        }
        if (roll < 72) {
            return new Node.Store(HandlerTable.CONTROL, controlIndex(), expr(U32, 0));
        }
        if (roll < 78) {
            return new Node.Let(name(), new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL, Expr.var("shared"), null,
                    expr(U32, 1)));
        }
        ScalarType t = rnd.nextInt(3) == 0 ? BOOL : U32;
        String v = name();
        Node let = new Node.Let(v, expr(t, 0));
        scopes.peek().add(new Var(v, t, true));
        return let;
    }

    /** {@code Let c = 0; Loop { ...; c = c + 1; If (c >= k) { Return } }}, or (1 in 4) a Loop with no way out. */
    private Node loop(int depth, List<Node> out) {
        String counter = name();
        out.add(new Node.Let(counter, u32(0)));
        scopes.push(new ArrayList<>());
        List<Node> body = new ArrayList<>(nodes(depth + 1, 4));
        scopes.pop();
        if (rnd.nextInt(4) != 0) {
            body.add(new Node.Assign(counter, add(Expr.var(counter), u32(1))));
            body.add(new Node.If(bin(BinaryOp.GE, Expr.var(counter), u32(1 + rnd.nextInt(6))),
                    List.of(new Node.Return()), List.of()));
        }
        return new Node.Loop(body);
    }

    private List<Node> scoped(java.util.function.Supplier<List<Node>> body) {
        scopes.push(new ArrayList<>());
        List<Node> nodes = body.get();
        scopes.pop();
        return nodes;
    }

    private String name() {
        return "h" + names++;
    }

    private List<Var> visible(ScalarType type, boolean assignableOnly) {
        List<Var> out = new ArrayList<>();
        for (List<Var> scope : scopes) {
            for (Var v : scope) {
                if ((type == null || v.type() == type) && (!assignableOnly || v.assignable())) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    // ---- expressions ---------------------------------------------------------------------------------------

    /** A private word of the slot ({@code base + (e & 7)}), or (1 in 6) an index far past the control block. */
    private Expr controlIndex() {
        if (rnd.nextInt(6) == 0) {
            return add(u32(FAR_OUT), bin(BinaryOp.BIT_AND, expr(U32, 2), u32(0xFF)));
        }
        return HandlerPrograms.privateWord(Expr.var("base"), rnd.nextBoolean() ? u32(rnd.nextInt(8)) : expr(U32, 2));
    }

    private Expr expr(ScalarType t, int depth) {
        if (depth >= MAX_EXPR_DEPTH || rnd.nextInt(10) < 3) {
            return leaf(t);
        }
        int d = depth + 1;
        if (t == BOOL) {
            return switch (rnd.nextInt(5)) {
                case 0 -> bin(COMPARISONS[rnd.nextInt(COMPARISONS.length)], expr(U32, d), expr(U32, d));
                case 1 -> bin(BOOL_OPS[rnd.nextInt(BOOL_OPS.length)], expr(BOOL, d), expr(BOOL, d));
                case 2 -> Expr.un(UnaryOp.LOGICAL_NOT, expr(BOOL, d));
                case 3 -> new Expr.Cast(BOOL, expr(U32, d));
                default -> new Expr.Select(expr(BOOL, d), expr(BOOL, d), expr(BOOL, d));
            };
        }
        return switch (rnd.nextInt(9)) {
            case 0, 1, 2 -> bin(U32_OPS[rnd.nextInt(U32_OPS.length)], expr(U32, d), expr(U32, d));
            case 3 -> Expr.un(U32_UNARY[rnd.nextInt(U32_UNARY.length)], expr(U32, d));
            case 4 -> new Expr.Select(expr(BOOL, d), expr(U32, d), expr(U32, d));
            case 5 -> new Expr.Cast(U32, expr(BOOL, d));
            case 6 -> atomic(d);
            case 7 -> load(HandlerTable.ARGS, bin(BinaryOp.BIT_AND, expr(U32, d), u32(15)));
            default -> load(HandlerTable.CONTROL, controlIndex());
        };
    }

    /** Any atomic operator on a private control word (or far past the block), or on an argument word. */
    private Expr atomic(int depth) {
        AtomicOp op = AtomicOp.values()[rnd.nextInt(AtomicOp.values().length)];
        boolean control = rnd.nextInt(4) != 0;
        String buffer = control ? HandlerTable.CONTROL : HandlerTable.ARGS;
        Expr index = control ? controlIndex() : u32(rnd.nextInt(HandlerStream.ARG_WORDS + 1));
        Expr expected = op.needsExpected() ? (rnd.nextBoolean() ? load(buffer, index) : expr(U32, depth)) : null;
        return new Expr.Atomic(op, buffer, index, expected, expr(U32, depth));
    }

    private Expr leaf(ScalarType t) {
        List<Var> vars = visible(t, false);
        if (!vars.isEmpty() && rnd.nextInt(3) == 0) {
            return Expr.var(vars.get(rnd.nextInt(vars.size())).name());
        }
        if (t == BOOL) {
            return Expr.bool(rnd.nextBoolean());
        }
        return switch (rnd.nextInt(4)) {
            case 0 -> u32(SPECIAL[rnd.nextInt(SPECIAL.length)]);
            case 1 -> u32(rnd.nextInt(16));
            default -> arg(rnd.nextInt(HandlerStream.ARG_WORDS + 1));
        };
    }
}
