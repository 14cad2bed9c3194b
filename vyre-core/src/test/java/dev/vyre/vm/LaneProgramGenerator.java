package dev.vyre.vm;

import static dev.vyre.ir.ScalarType.BOOL;
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
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.Ops;
import dev.vyre.testing.F32Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Race-free programs of many invocations for VM parity: divergent If and For (trip counts that depend on the
 * invocation), Loop with Return, early Returns, wave operators and Barrier (mostly in uniform control flow,
 * sometimes not, to provoke divergence), Workgroup memory exchanged across a Barrier, atomics on each invocation's
 * own element (results used) and commutative atomics on shared elements (results unused), loads and stores at
 * in- and out-of-bounds indices. Each invocation writes only its own elements of the output buffers.
 */
final class LaneProgramGenerator {
    static final int K = 4;
    private static final ScalarType[] VALUES = {U32, I32, F32, BOOL};
    private static final int[] SPECIAL_INTS = {0, 1, 2, 3, 5, 31, 32, 33, -1, -2, Integer.MIN_VALUE,
            Integer.MAX_VALUE, 0xFF, 0x1234_5678};
    private static final float[] SPECIAL_FLOATS = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -2.5f, 3.0f, Float.NaN,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE, 16777217.0f,
            4294967296.0f, 0.1f};
    /** The transcendentals' edge cases (NaNs, infinities, subnormals, huge arguments, near multiples of pi/2). */
    private static final int[] F32_EDGES = F32Samples.edgeCases();
    private static final AtomicOp[] COMMUTATIVE = {AtomicOp.ADD, AtomicOp.OR, AtomicOp.AND, AtomicOp.XOR,
            AtomicOp.MIN, AtomicOp.MAX, AtomicOp.LRU_UPDATE};

    private record Var(String name, ScalarType type, boolean assignable) {
    }

    /** A generated case: the program and its grid. */
    record Case(Program program, Dispatch grid) {
    }

    private final SplittableRandom rnd;
    private final List<Var> vars = new ArrayList<>();
    private final boolean barriers;
    private final int wx;
    private final int wy;
    private final int invocations;
    private final int lanesX;
    private int names;
    private int budget;

    private LaneProgramGenerator(SplittableRandom rnd) {
        this.rnd = rnd;
        int[][] shapes = {{1, 1}, {2, 1}, {5, 1}, {8, 1}, {16, 1}, {32, 1}, {4, 2}, {8, 4}, {3, 3}, {33, 1},
                {48, 1}, {64, 1}, {16, 4}, {20, 3}};
        int[] s = shapes[rnd.nextInt(shapes.length)];
        wx = s[0];
        wy = s[1];
        invocations = wx * wy;
        barriers = invocations <= VmImageLayout.MAX_BARRIER_INVOCATIONS;
        lanesX = wx;
    }

    static Case generate(SplittableRandom rnd) {
        return new LaneProgramGenerator(rnd.split()).build();
    }

    private Case build() {
        int gx = 1 + rnd.nextInt(3);
        int gy = 1 + rnd.nextInt(2);
        int total = gx * gy * invocations;
        List<BufferDecl> buffers = new ArrayList<>();
        buffers.add(BufferDecl.of("out", 0, BufferAccess.READ_WRITE, U32, total * K, true));
        buffers.add(BufferDecl.of("outf", 1, rnd.nextBoolean() ? BufferAccess.WRITE_ONLY : BufferAccess.READ_WRITE,
                F32, total * K, true));
        buffers.add(BufferDecl.of("in", 2, rnd.nextBoolean() ? BufferAccess.READ_ONLY : BufferAccess.UNIFORM, U32,
                rnd.nextInt(3) == 0 ? 0 : 37, false));
        buffers.add(BufferDecl.of("inf", 3, BufferAccess.READ_ONLY, F32, 19, false));
        buffers.add(BufferDecl.of("acc", 4, BufferAccess.READ_WRITE, I32, total, true));
        buffers.add(BufferDecl.of("shared", 5, BufferAccess.READ_WRITE, U32, COMMUTATIVE.length, true));
        buffers.add(BufferDecl.of("wg", 6, BufferAccess.WORKGROUP, U32, invocations, false));
        buffers.add(BufferDecl.of("bytes", 7, BufferAccess.READ_WRITE, ScalarType.BYTES, total * K, true));
        buffers.add(BufferDecl.of("flags", 8, BufferAccess.READ_WRITE, BOOL, total, true));
        List<Node> body = new ArrayList<>();
        // g: the global linear invocation index; l: the local linear index
        Expr g = add(Expr.gid(0), mul(Expr.gid(1), u32(gx * wx)));
        body.add(new Node.Let("g", g));
        vars.add(new Var("g", U32, false));
        body.add(new Node.Let("l", add(new Expr.LocalId(0), mul(new Expr.LocalId(1), u32(lanesX)))));
        vars.add(new Var("l", U32, false));
        if (barriers && rnd.nextInt(3) == 0) {
            body.add(new Node.Store("wg", var("l"), expr(U32, 0, true)));
            body.add(new Node.Barrier());
            body.add(let(U32, new Expr.Load("wg", bin(BinaryOp.MOD, add(var("l"), u32(1 + rnd.nextInt(4))),
                    u32(invocations)))));
            body.add(new Node.Barrier()); // later stores to wg[l] must not race with this read
        }
        budget = 6 + rnd.nextInt(20);
        body.addAll(nodes(0, true));
        if (rnd.nextInt(4) == 0) {
            body.add(loopWithReturn());
        }
        return new Case(Program.of(new Program.WorkgroupSize(wx, wy, 1), buffers, body), new Dispatch(gx, gy, 1));
    }

    // ---- nodes --------------------------------------------------------------------------------------------------

    private List<Node> nodes(int depth, boolean uniform) {
        int mark = vars.size();
        List<Node> out = new ArrayList<>();
        int n = 1 + rnd.nextInt(depth == 0 ? 8 : 4);
        for (int i = 0; i < n && budget > 0; i++) {
            budget--;
            out.add(node(depth, uniform));
        }
        while (vars.size() > mark) {
            vars.remove(vars.size() - 1);
        }
        return out;
    }

    private Node node(int depth, boolean uniform) {
        int roll = rnd.nextInt(100);
        if (roll < 12 && depth < 3) {
            boolean divergent = rnd.nextInt(3) > 0;
            Expr cond = divergent ? bin(BinaryOp.EQ, bin(BinaryOp.MOD, var("g"), u32(2 + rnd.nextInt(3))), u32(0))
                    : expr(BOOL, 2, uniform);
            return new Node.If(cond, nodes(depth + 1, uniform && !divergent && rnd.nextBoolean()),
                    rnd.nextBoolean() ? List.of() : nodes(depth + 1, false));
        }
        if (roll < 20 && depth < 3) {
            boolean divergent = rnd.nextBoolean();
            String v = "i" + names++;
            Expr end = divergent ? bin(BinaryOp.MOD, var("g"), u32(1 + rnd.nextInt(4))) : u32(rnd.nextInt(4));
            vars.add(new Var(v, U32, false));
            List<Node> body = nodes(depth + 1, uniform && !divergent);
            vars.removeIf(x -> x.name.equals(v));
            return new Node.For(v, u32(rnd.nextInt(2)), end, body);
        }
        if (roll < 24 && depth < 3) {
            return new Node.Block(nodes(depth + 1, uniform));
        }
        if (roll < 27) {
            return new Node.If(bin(BinaryOp.EQ, bin(BinaryOp.MOD, var("g"), u32(3 + rnd.nextInt(5))), u32(1)),
                    List.of(new Node.Return()), List.of());
        }
        if (roll < 31 && (uniform || rnd.nextInt(8) == 0) && barriers) {
            return new Node.Barrier();
        }
        if (roll < 50) {
            return store(uniform);
        }
        if (roll < 58) {
            List<Var> assignable = vars.stream().filter(Var::assignable).toList();
            if (!assignable.isEmpty()) {
                Var v = assignable.get(rnd.nextInt(assignable.size()));
                return new Node.Assign(v.name, expr(v.type, 0, uniform));
            }
        }
        if (roll < 64) {
            // one operator per shared element (mixing AND and MAX on one element would depend on the order)
            int element = rnd.nextInt(COMMUTATIVE.length + 1);
            AtomicOp op = COMMUTATIVE[element % COMMUTATIVE.length];
            return sink(new Expr.Atomic(op, "shared", u32(element), null, expr(U32, 2, uniform)));
        }
        ScalarType t = VALUES[rnd.nextInt(VALUES.length)];
        return let(t, expr(t, 0, uniform));
    }

    private Node loopWithReturn() {
        List<Node> body = new ArrayList<>();
        body.add(new Node.Assign("n", add(var("n"), u32(1))));
        body.add(new Node.Store("out", add(mul(var("g"), u32(K)), u32(K - 1)), var("n")));
        body.add(new Node.If(bin(BinaryOp.GT, var("n"), bin(BinaryOp.MOD, var("g"), u32(5))),
                List.of(new Node.Return()), List.of()));
        return new Node.Block(List.of(new Node.Let("n", u32(0)), new Node.Loop(body)));
    }

    private Node store(boolean uniform) {
        int kind = rnd.nextInt(10);
        Expr own = add(mul(var("g"), u32(K)), u32(rnd.nextInt(K)));
        return switch (kind) {
            case 0, 1 -> new Node.Store("outf", own, expr(F32, 0, uniform));
            case 2 -> new Node.Store("bytes", own, expr(U32, 1, uniform));
            case 3 -> new Node.Store("flags", var("g"), expr(BOOL, 1, uniform));
            case 4 -> new Node.Store("out", add(new Expr.BufLen("out"), u32(rnd.nextInt(3))), expr(U32, 2, uniform));
            case 5 -> new Node.Store("out", new Expr.LitI32(-1 - rnd.nextInt(3)), expr(U32, 2, uniform));
            case 6 -> new Node.Store("wg", var("l"), expr(U32, 1, uniform));
            default -> new Node.Store("out", own, expr(U32, 0, uniform));
        };
    }

    private Node let(ScalarType t, Expr value) {
        String name = "v" + names++;
        vars.add(new Var(name, t, true));
        return new Node.Let(name, value);
    }

    private Node sink(Expr value) {
        return new Node.Let("sink" + names++, value);
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    private Expr expr(ScalarType t, int height, boolean uniform) {
        if (height >= 4 || rnd.nextInt(10) < 3) {
            return leaf(t);
        }
        int h = height + 1;
        int roll = rnd.nextInt(100);
        if (roll < 40) {
            return binary(t, h, uniform);
        }
        if (roll < 55) {
            return unary(t, h, uniform);
        }
        if (roll < 62) {
            ScalarType from = VALUES[rnd.nextInt(VALUES.length)];
            return new Expr.Cast(t, expr(from, h, uniform));
        }
        if (roll < 67) {
            return new Expr.Select(expr(BOOL, h, uniform), expr(t, h, uniform), expr(t, h, uniform));
        }
        if (roll < 70 && t == F32) {
            return new Expr.Fma(expr(F32, h, uniform), expr(F32, h, uniform), expr(F32, h, uniform));
        }
        if (roll < 80) {
            return load(t, h, uniform);
        }
        if (roll < 86 && t == I32) {
            AtomicOp op = AtomicOp.values()[rnd.nextInt(AtomicOp.values().length)];
            return new Expr.Atomic(op, "acc", var("g"), op.needsExpected() ? expr(I32, h, uniform) : null,
                    expr(I32, h, uniform));
        }
        if (roll < 94 && (uniform || rnd.nextInt(10) == 0)) {
            return wave(t, h, uniform);
        }
        return leaf(t);
    }

    private Expr binary(ScalarType t, int h, boolean uniform) {
        List<Expr> options = new ArrayList<>();
        for (int attempt = 0; attempt < 12 && options.isEmpty(); attempt++) {
            BinaryOp op = BinaryOp.values()[rnd.nextInt(BinaryOp.values().length)];
            if (op.isWaveOp()) {
                continue;
            }
            ScalarType l = VALUES[rnd.nextInt(VALUES.length)];
            ScalarType r = op == BinaryOp.SHL || op == BinaryOp.SHR || op == BinaryOp.ROTATE_LEFT
                    || op == BinaryOp.ROTATE_RIGHT ? (rnd.nextBoolean() ? U32 : I32) : l;
            if (Ops.binaryType(op, l, r) == t) {
                options.add(new Expr.BinOp(op, expr(l, h, uniform), expr(r, h, uniform)));
            }
        }
        return options.isEmpty() ? leaf(t) : options.get(0);
    }

    private Expr unary(ScalarType t, int h, boolean uniform) {
        for (int attempt = 0; attempt < 12; attempt++) {
            UnaryOp op = UnaryOp.values()[rnd.nextInt(UnaryOp.values().length)];
            ScalarType x = VALUES[rnd.nextInt(VALUES.length)];
            if (Ops.unaryType(op, x) == t) {
                return new Expr.UnOp(op, expr(x, h, uniform));
            }
        }
        return leaf(t);
    }

    private Expr load(ScalarType t, int h, boolean uniform) {
        Expr anyIndex = rnd.nextBoolean() ? expr(U32, h, uniform) : expr(I32, h, uniform);
        Expr own = add(mul(var("g"), u32(K)), u32(rnd.nextInt(K)));
        return switch (t) {
            case U32 -> switch (rnd.nextInt(4)) {
                case 0 -> new Expr.Load("in", anyIndex);
                case 1 -> new Expr.Load("out", own);
                case 2 -> new Expr.Load("bytes", own);
                default -> new Expr.Load("wg", var("l"));
            };
            case F32 -> rnd.nextBoolean() ? new Expr.Load("inf", anyIndex) : new Expr.Load("outf", own);
            case I32 -> new Expr.Load("acc", var("g"));
            default -> new Expr.Load("flags", var("g"));
        };
    }

    private Expr wave(ScalarType t, int h, boolean uniform) {
        int kind = rnd.nextInt(3);
        if (kind == 0 || t == BOOL) {
            return new Expr.BinOp(rnd.nextBoolean() ? BinaryOp.SHUFFLE : BinaryOp.WAVE_BROADCAST, expr(t, h, uniform),
                    expr(U32, h, uniform));
        }
        if (kind == 1 && t == U32) {
            return new Expr.BinOp(BinaryOp.BALLOT, expr(BOOL, h, uniform), expr(U32, h, uniform));
        }
        return new Expr.BinOp(BinaryOp.WAVE_REDUCE, expr(t, h, uniform), u32(rnd.nextInt(t == F32 ? 3 : 6)));
    }

    private Expr leaf(ScalarType t) {
        List<Var> visible = vars.stream().filter(v -> v.type == t).toList();
        if (!visible.isEmpty() && rnd.nextInt(3) > 0) {
            return var(visible.get(rnd.nextInt(visible.size())).name);
        }
        return switch (t) {
            case U32 -> switch (rnd.nextInt(6)) {
                case 0 -> new Expr.InvocationId(rnd.nextInt(3));
                case 1 -> new Expr.WorkgroupId(rnd.nextInt(3));
                case 2 -> new Expr.LocalId(rnd.nextInt(3));
                case 3 -> new Expr.BufLen(rnd.nextBoolean() ? "in" : "wg");
                default -> u32(SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)]);
            };
            case I32 -> new Expr.LitI32(rnd.nextInt(3) == 0 ? rnd.nextInt() : SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)]);
            case F32 -> switch (rnd.nextInt(3)) {
                case 0 -> Expr.LitF32.of((float) (rnd.nextDouble() * 200 - 100));
                case 1 -> new Expr.LitF32(F32_EDGES[rnd.nextInt(F32_EDGES.length)]);
                default -> Expr.LitF32.of(SPECIAL_FLOATS[rnd.nextInt(SPECIAL_FLOATS.length)]);
            };
            default -> new Expr.LitBool(rnd.nextBoolean());
        };
    }

    private static Expr u32(int v) {
        return new Expr.LitU32(v);
    }

    private static Expr var(String name) {
        return new Expr.Var(name);
    }

    private static Expr add(Expr l, Expr r) {
        return new Expr.BinOp(BinaryOp.ADD, l, r);
    }

    private static Expr mul(Expr l, Expr r) {
        return new Expr.BinOp(BinaryOp.MUL, l, r);
    }

    private static Expr bin(BinaryOp op, Expr l, Expr r) {
        return new Expr.BinOp(op, l, r);
    }
}
