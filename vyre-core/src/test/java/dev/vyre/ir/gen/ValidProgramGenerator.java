package dev.vyre.ir.gen;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.BYTES;
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
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Generates well-typed, well-scoped, bounded programs per docs/VIR0-SEMANTICS.md (see {@link RandomPrograms}).
 * Variables are {@code v<n>}, buffers {@code b<n>}; a name whose scope has ended is sometimes declared again.
 */
final class ValidProgramGenerator {
    static final ScalarType[] VALUE_TYPES = {U32, I32, F32, BOOL};
    static final ScalarType[] ELEMENT_TYPES = {U32, I32, F32, BOOL, BYTES};
    static final int MAX_EXPR_HEIGHT = 5;
    static final int MAX_NODE_DEPTH = 4;
    static final int MAX_FOR_NESTING = 2;
    static final int MAX_NODES = 48;

    private static final BinaryOp[] ARITH = {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MOD,
            BinaryOp.MIN, BinaryOp.MAX};
    private static final BinaryOp[] INT_ARITH = {BinaryOp.WRAPPING_ADD, BinaryOp.WRAPPING_SUB,
            BinaryOp.SATURATING_ADD, BinaryOp.SATURATING_SUB, BinaryOp.SATURATING_MUL, BinaryOp.MUL_HIGH};
    private static final BinaryOp[] BITWISE = {BinaryOp.BIT_AND, BinaryOp.BIT_OR, BinaryOp.BIT_XOR};
    private static final BinaryOp[] SHIFTS = {BinaryOp.SHL, BinaryOp.SHR, BinaryOp.ROTATE_LEFT,
            BinaryOp.ROTATE_RIGHT};
    private static final BinaryOp[] ORDER = {BinaryOp.LT, BinaryOp.GT, BinaryOp.LE, BinaryOp.GE};
    private static final UnaryOp[] F32_MATH = {UnaryOp.SQRT, UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND,
            UnaryOp.TRUNC, UnaryOp.RECIPROCAL, UnaryOp.INVERSE_SQRT, UnaryOp.COS, UnaryOp.SIN, UnaryOp.TAN,
            UnaryOp.ACOS, UnaryOp.ASIN, UnaryOp.ATAN, UnaryOp.TANH, UnaryOp.SINH, UnaryOp.COSH, UnaryOp.EXP,
            UnaryOp.LOG, UnaryOp.LOG2, UnaryOp.EXP2, UnaryOp.NEGATE, UnaryOp.ABS, UnaryOp.SIGN};
    private static final UnaryOp[] INT_SAME = {UnaryOp.NEGATE, UnaryOp.BIT_NOT, UnaryOp.REVERSE_BITS, UnaryOp.ABS,
            UnaryOp.SIGN};
    private static final UnaryOp[] UNPACK = {UnaryOp.UNPACK4_LOW, UnaryOp.UNPACK4_HIGH, UnaryOp.UNPACK8_LOW,
            UnaryOp.UNPACK8_HIGH};
    private static final UnaryOp[] COUNT_BITS = {UnaryOp.POPCOUNT, UnaryOp.CLZ, UnaryOp.CTZ};
    private static final UnaryOp[] F32_CLASS = {UnaryOp.IS_NAN, UnaryOp.IS_INF, UnaryOp.IS_FINITE};
    private static final float[] F32_LITERALS = {0f, 1f, -1f, 0.5f, 2.5f, -3.75f, 100f, 1e10f, -0.0f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE};

    /** Where a node or expression is generated. */
    private record Ctx(boolean topLevel, boolean uniform, int depth, int forNesting) {
        Ctx nested(boolean keepsUniform, boolean isFor) {
            return new Ctx(false, uniform && keepsUniform, depth + 1, forNesting + (isFor ? 1 : 0));
        }
    }

    private record Var(ScalarType type, boolean assignable) {
    }

    private final SplittableRandom rnd;
    private final List<BufferDecl> buffers = new ArrayList<>();
    private final Deque<Map<String, Var>> scopes = new ArrayDeque<>();
    private final List<String> deadNames = new ArrayList<>();
    private int nextName;
    private int nodeBudget;

    ValidProgramGenerator(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    Program program() {
        int[] xs = {1, 2, 4, 8, 16, 32, 64};
        Program.WorkgroupSize wg = new Program.WorkgroupSize(xs[rnd.nextInt(xs.length)], 1 + rnd.nextInt(2),
                1 + rnd.nextInt(2));
        declareBuffers();
        nodeBudget = 1 + rnd.nextInt(MAX_NODES);
        scopes.push(new LinkedHashMap<>());
        List<Node> body = nodes(new Ctx(true, true, 0, 0), 12);
        return Program.of(wg, buffers, body);
    }

    private void declareBuffers() {
        int n = 1 + rnd.nextInt(5);
        int binding = rnd.nextInt(3);
        BufferAccess[] modes = {BufferAccess.READ_ONLY, BufferAccess.READ_WRITE, BufferAccess.READ_WRITE,
                BufferAccess.UNIFORM, BufferAccess.WORKGROUP, BufferAccess.WRITE_ONLY};
        for (int i = 0; i < n; i++) {
            BufferAccess access = i == 0 ? BufferAccess.READ_WRITE : modes[rnd.nextInt(modes.length)];
            ScalarType element = i == 0 ? U32 : ELEMENT_TYPES[rnd.nextInt(ELEMENT_TYPES.length)];
            boolean output = i == 0 || access.writable() && access != BufferAccess.WORKGROUP && rnd.nextBoolean();
            buffers.add(BufferDecl.of("b" + i, binding, access, element, 1 + rnd.nextInt(64), output));
            binding += 1 + rnd.nextInt(3);
        }
    }

    // ---- nodes --------------------------------------------------------------------------------------------------

    private List<Node> nodes(Ctx ctx, int max) {
        List<Node> out = new ArrayList<>();
        int target = rnd.nextInt(max + 1);
        while (out.size() < target && nodeBudget > 0) {
            nodeBudget--;
            Node n = node(ctx);
            out.add(n);
            if (n instanceof Node.Return) {
                break;
            }
        }
        return out;
    }

    private Node node(Ctx ctx) {
        int roll = rnd.nextInt(100);
        boolean canNest = ctx.depth < MAX_NODE_DEPTH;
        if (roll < 2) {
            return new Node.Return();
        }
        if (roll < 8 && ctx.topLevel) {
            return new Node.Barrier();
        }
        if (roll < 20 && canNest) {
            Expr cond = expr(BOOL, 1, ctx);
            Ctx inner = ctx.nested(false, false);
            return new Node.If(cond, scoped(() -> nodes(inner, 4)), scoped(() -> nodes(inner, 3)));
        }
        if (roll < 28 && canNest && ctx.forNesting < MAX_FOR_NESTING) {
            return forNode(ctx);
        }
        if (roll < 33 && canNest) {
            Ctx inner = ctx.nested(true, false);
            return new Node.Block(scoped(() -> nodes(inner, 4)));
        }
        if (roll < 48) {
            String name = assignableVar();
            if (name != null) {
                return new Node.Assign(name, expr(lookup(name).type, 1, ctx));
            }
        }
        if (roll < 70) {
            BufferDecl b = pick(buffers.stream().filter(d -> d.access().writable()).toList());
            ScalarType element = (ScalarType) b.elementType();
            return new Node.Store(b.name(), index(b, 1, ctx), expr(element == BYTES ? U32 : element, 1, ctx));
        }
        ScalarType t = VALUE_TYPES[rnd.nextInt(VALUE_TYPES.length)];
        Expr value = expr(t, 1, ctx);
        String name = newName();
        scopes.peek().put(name, new Var(t, true));
        return new Node.Let(name, value);
    }

    private Node forNode(Ctx ctx) {
        boolean signed = rnd.nextBoolean();
        int start = signed ? rnd.nextInt(5) - 2 : rnd.nextInt(4);
        int end = start + rnd.nextInt(6) - 1;
        if (!signed && end < 0) {
            end = 0;
        }
        Expr s = signed ? new Expr.LitI32(start) : new Expr.LitU32(start);
        Expr e = signed ? new Expr.LitI32(end) : new Expr.LitU32(end);
        String var = newName();
        Ctx inner = ctx.nested(true, true);
        scopes.push(new LinkedHashMap<>());
        scopes.peek().put(var, new Var(signed ? I32 : U32, false));
        List<Node> body = nodes(inner, 4);
        endScope();
        return new Node.For(var, s, e, body);
    }

    private List<Node> scoped(Supplier<List<Node>> body) {
        scopes.push(new LinkedHashMap<>());
        List<Node> nodes = body.get();
        endScope();
        return nodes;
    }

    private void endScope() {
        deadNames.addAll(scopes.pop().keySet());
    }

    private String newName() {
        if (!deadNames.isEmpty() && rnd.nextInt(4) == 0) {
            return deadNames.remove(rnd.nextInt(deadNames.size()));
        }
        return "v" + nextName++;
    }

    private Var lookup(String name) {
        for (Map<String, Var> scope : scopes) {
            Var v = scope.get(name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private List<String> visible(ScalarType type, boolean assignableOnly) {
        List<String> names = new ArrayList<>();
        for (Map<String, Var> scope : scopes) {
            scope.forEach((n, v) -> {
                if ((type == null || v.type == type) && (!assignableOnly || v.assignable)) {
                    names.add(n);
                }
            });
        }
        return names;
    }

    private String assignableVar() {
        List<String> names = visible(null, true);
        return names.isEmpty() ? null : pick(names);
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    private Expr expr(ScalarType t, int height, Ctx ctx) {
        if (height >= MAX_EXPR_HEIGHT || rnd.nextInt(10) < 3) {
            return leaf(t);
        }
        int h = height + 1;
        List<Supplier<Expr>> options = new ArrayList<>();
        boolean number = t != BOOL;
        boolean integer = t == U32 || t == I32;
        if (number) {
            options.add(() -> bin(pick(ARITH), t, t, h, ctx));
            options.add(() -> new Expr.UnOp(pick(t == F32 ? F32_MATH : INT_SAME), expr(t, h, ctx)));
        }
        if (integer) {
            options.add(() -> bin(pick(INT_ARITH), t, t, h, ctx));
            options.add(() -> bin(pick(SHIFTS), t, rnd.nextBoolean() ? U32 : I32, h, ctx));
        }
        if (integer || t == BOOL) {
            options.add(() -> bin(pick(BITWISE), t, t, h, ctx));
        }
        if (t == U32) {
            options.add(() -> bin(BinaryOp.ABS_DIFF, rnd.nextBoolean() ? U32 : I32, null, h, ctx));
            options.add(() -> new Expr.UnOp(pick(COUNT_BITS), expr(rnd.nextBoolean() ? U32 : I32, h, ctx)));
            options.add(() -> new Expr.UnOp(pick(UNPACK), expr(U32, h, ctx)));
        }
        if (t == F32) {
            options.add(() -> bin(BinaryOp.ABS_DIFF, F32, F32, h, ctx));
            options.add(() -> new Expr.Fma(expr(F32, h, ctx), expr(F32, h, ctx), expr(F32, h, ctx)));
        }
        if (t == BOOL) {
            options.add(() -> bin(rnd.nextBoolean() ? BinaryOp.EQ : BinaryOp.NE, pick(VALUE_TYPES), null, h, ctx));
            options.add(() -> bin(pick(ORDER), VALUE_TYPES[rnd.nextInt(3)], null, h, ctx));
            options.add(() -> bin(rnd.nextBoolean() ? BinaryOp.AND : BinaryOp.OR, BOOL, BOOL, h, ctx));
            options.add(() -> new Expr.UnOp(UnaryOp.LOGICAL_NOT, expr(BOOL, h, ctx)));
            options.add(() -> new Expr.UnOp(pick(F32_CLASS), expr(F32, h, ctx)));
        }
        options.add(() -> new Expr.Cast(t, expr(pick(VALUE_TYPES), h, ctx)));
        options.add(() -> new Expr.Select(expr(BOOL, h, ctx), expr(t, h, ctx), expr(t, h, ctx)));
        List<BufferDecl> loadable = buffers.stream().filter(b -> loadType(b) == t).toList();
        if (!loadable.isEmpty()) {
            options.add(() -> {
                BufferDecl b = pick(loadable);
                return new Expr.Load(b.name(), index(b, h, ctx));
            });
        }
        List<BufferDecl> atomicTargets = buffers.stream()
                .filter(b -> b.elementType() == t && integer && b.access().writable()).toList();
        if (!atomicTargets.isEmpty()) {
            options.add(() -> atomic(pick(atomicTargets), h, ctx));
        }
        if (ctx.uniform) {
            addWaveOps(options, t, h, ctx);
        }
        return pick(options).get();
    }

    private void addWaveOps(List<Supplier<Expr>> options, ScalarType t, int h, Ctx ctx) {
        options.add(() -> new Expr.BinOp(rnd.nextBoolean() ? BinaryOp.SHUFFLE : BinaryOp.WAVE_BROADCAST,
                expr(t, h, ctx), expr(U32, h, ctx)));
        if (t == U32) {
            options.add(() -> new Expr.BinOp(BinaryOp.BALLOT, expr(BOOL, h, ctx), expr(U32, h, ctx)));
        }
        if (t != BOOL) {
            options.add(() -> new Expr.BinOp(BinaryOp.WAVE_REDUCE, expr(t, h, ctx),
                    new Expr.LitU32(rnd.nextInt(t == F32 ? 3 : 6))));
        }
    }

    /** {@code l op r} with operands of {@code left} and {@code right} (null: same as left). */
    private Expr bin(BinaryOp op, ScalarType left, ScalarType right, int h, Ctx ctx) {
        return new Expr.BinOp(op, expr(left, h, ctx), expr(right == null ? left : right, h, ctx));
    }

    private Expr atomic(BufferDecl b, int h, Ctx ctx) {
        AtomicOp op = pick(AtomicOp.values());
        ScalarType t = (ScalarType) b.elementType();
        Expr index = index(b, h, ctx);
        Expr expected = op.needsExpected() ? expr(t, h, ctx) : null;
        return new Expr.Atomic(op, b.name(), index, expected, expr(t, h, ctx));
    }

    /** A U32 or I32 index into {@code b}: mostly in bounds, sometimes just outside, sometimes arbitrary. */
    private Expr index(BufferDecl b, int h, Ctx ctx) {
        int roll = rnd.nextInt(10);
        if (roll < 4 || h >= MAX_EXPR_HEIGHT) {
            return new Expr.LitU32(rnd.nextInt(b.count() + 2));
        }
        if (roll < 6) {
            Expr id = rnd.nextBoolean() ? new Expr.InvocationId(0) : new Expr.LocalId(0);
            return new Expr.BinOp(BinaryOp.MOD, id, new Expr.BufLen(b.name()));
        }
        if (roll < 7) {
            return new Expr.LitI32(rnd.nextInt(b.count() + 2) - 1);
        }
        return expr(rnd.nextBoolean() ? U32 : I32, h, ctx);
    }

    private Expr leaf(ScalarType t) {
        List<String> vars = visible(t, false);
        if (!vars.isEmpty() && rnd.nextInt(3) == 0) {
            return new Expr.Var(pick(vars));
        }
        return switch (t) {
            case U32 -> switch (rnd.nextInt(6)) {
                case 0 -> new Expr.InvocationId(rnd.nextInt(3));
                case 1 -> new Expr.WorkgroupId(rnd.nextInt(3));
                case 2 -> new Expr.LocalId(rnd.nextInt(3));
                case 3 -> new Expr.BufLen(pick(buffers).name());
                case 4 -> new Expr.LitU32(rnd.nextInt());
                default -> new Expr.LitU32(rnd.nextInt(11));
            };
            case I32 -> new Expr.LitI32(rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(11) - 5);
            case F32 -> Expr.LitF32.of(rnd.nextInt(3) == 0 ? (float) (rnd.nextDouble() * 200 - 100)
                    : F32_LITERALS[rnd.nextInt(F32_LITERALS.length)]);
            default -> new Expr.LitBool(rnd.nextBoolean());
        };
    }

    /** The type a Load from {@code b} produces (Bytes load as U32). */
    static ScalarType loadType(BufferDecl b) {
        return b.elementType() == BYTES ? U32 : (ScalarType) b.elementType();
    }

    private <T> T pick(List<T> items) {
        return items.get(rnd.nextInt(items.size()));
    }

    private <T> T pick(T[] items) {
        return items[rnd.nextInt(items.length)];
    }
}
