package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.ProgramCorpus.in;
import static dev.vyre.cuda.ptx.ProgramCorpus.out;
import static dev.vyre.cuda.ptx.ProgramCorpus.readWrite;
import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.interp.Dispatch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random well-typed straight-line programs: nested expressions over every operator (wave
 * operators included: every invocation evaluates them, none returns), casts, Select, Fma, literals rich in special
 * values, loads at in- and out-of-range indices and atomics on each invocation's own accumulator element. Each
 * invocation stores one result of every type at its own index, so the programs are race-free.
 */
final class RandomPrograms {
    private record BinaryRow(BinaryOp op, ScalarType left, ScalarType right, ScalarType result) {
    }

    private record UnaryRow(UnaryOp op, ScalarType operand, ScalarType result) {
    }

    private record Variable(String name, ScalarType type) {
    }

    private static final List<BinaryRow> BINARY = binaryRows();
    private static final List<UnaryRow> UNARY = unaryRows();
    private static final int[] SPECIAL_INTS = {0, 1, 2, 3, 31, 32, 33, -1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE,
        0x8000_0001, 0xFF, 0x1234_5678};
    private static final float[] SPECIAL_FLOATS = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, -2.5f, 3.0f, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        16777217.0f, 4294967296.0f, -2147483904.0f, 1e-40f, 0.1f};

    private final SplittableRandom rnd;
    private final List<Variable> variables = new ArrayList<>();

    private RandomPrograms(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    private static List<BinaryRow> binaryRows() {
        List<BinaryRow> rows = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (ScalarType l : ProgramCorpus.VALUES) {
                for (ScalarType r : ProgramCorpus.VALUES) {
                    ScalarType result = ProgramCorpus.binaryType(op, l, r);
                    if (result != null) {
                        rows.add(new BinaryRow(op, l, r, result));
                    }
                }
            }
        }
        return List.copyOf(rows);
    }

    private static List<UnaryRow> unaryRows() {
        List<UnaryRow> rows = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (ScalarType t : ProgramCorpus.VALUES) {
                ScalarType result = ProgramCorpus.unaryType(op, t);
                if (result != null) {
                    rows.add(new UnaryRow(op, t, result));
                }
            }
        }
        return List.copyOf(rows);
    }

    /** {@code count} programs from {@code seed}, named {@code rand<seed>_<k>}. */
    static List<ProgramCorpus.Case> generate(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<ProgramCorpus.Case> cases = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Program p = new RandomPrograms(rnd.split()).program();
            cases.add(new ProgramCorpus.Case("rand" + seed + "_" + k, p, Dispatch.of(ProgramCorpus.GROUPS),
                    ProgramCorpus.N));
        }
        return cases;
    }

    private Program program() {
        List<Node> body = new ArrayList<>();
        body.add(new Node.Let("i", Expr.gid(0)));
        variables.add(new Variable("i", U32));
        int lets = rnd.nextInt(4);
        for (int k = 0; k < lets; k++) {
            ScalarType t = anyType();
            body.add(new Node.Let("v" + k, expr(t, 3)));
            variables.add(new Variable("v" + k, t));
        }
        body.add(new Node.Store("oU", var("i"), expr(U32, 4)));
        body.add(new Node.Store("oI", var("i"), expr(I32, 4)));
        body.add(new Node.Store("oF", var("i"), expr(F32, 4)));
        body.add(new Node.Store("oB", var("i"), expr(BOOL, 4)));
        return Program.of(Program.WorkgroupSize.of(ProgramCorpus.WG), List.of(in("inU", 0, U32), in("inI", 1, I32),
                in("inF", 2, F32), in("inB", 3, BOOL), readWrite("accU", 4, U32), readWrite("accI", 5, I32),
                out("oU", 6, U32), out("oI", 7, I32), out("oF", 8, F32), out("oB", 9, BOOL)), body);
    }

    private static Expr var(String name) {
        return new Expr.Var(name);
    }

    private ScalarType anyType() {
        return ProgramCorpus.VALUES.get(rnd.nextInt(ProgramCorpus.VALUES.size()));
    }

    private Expr expr(ScalarType t, int depth) {
        if (depth == 0 || rnd.nextInt(5) == 0) {
            return leaf(t);
        }
        int choice = rnd.nextInt(10);
        if (choice < 5) {
            List<BinaryRow> rows = BINARY.stream().filter(r -> r.result() == t).toList();
            BinaryRow row = rows.get(rnd.nextInt(rows.size()));
            Expr right = row.op() == BinaryOp.WAVE_REDUCE
                    ? Expr.u32(rnd.nextInt(row.left() == F32 ? 3 : 6))
                    : expr(row.right(), depth - 1);
            return Expr.bin(row.op(), expr(row.left(), depth - 1), right);
        }
        if (choice < 7) {
            List<UnaryRow> rows = UNARY.stream().filter(r -> r.result() == t).toList();
            UnaryRow row = rows.get(rnd.nextInt(rows.size()));
            return Expr.un(row.op(), expr(row.operand(), depth - 1));
        }
        if (choice == 7) {
            return new Expr.Cast(t, expr(anyType(), depth - 1));
        }
        if (choice == 8) {
            return new Expr.Select(expr(BOOL, depth - 1), expr(t, depth - 1), expr(t, depth - 1));
        }
        return switch (t) {
            case F32 -> new Expr.Fma(expr(F32, depth - 1), expr(F32, depth - 1), expr(F32, depth - 1));
            case U32, I32 -> atomic(t, depth - 1);
            default -> leaf(t);
        };
    }

    /** An atomic on the invocation's own accumulator element, or (1 in 5) out of bounds. */
    private Expr atomic(ScalarType t, int depth) {
        AtomicOp op = AtomicOp.values()[rnd.nextInt(AtomicOp.values().length)];
        Expr index = rnd.nextInt(5) == 0 ? Expr.add(var("i"), Expr.u32(ProgramCorpus.N)) : var("i");
        Expr expected = op.needsExpected()
                ? (rnd.nextBoolean() ? Expr.load(t == U32 ? "accU" : "accI", var("i")) : expr(t, depth))
                : null;
        return new Expr.Atomic(op, t == U32 ? "accU" : "accI", index, expected, expr(t, depth));
    }

    private Expr leaf(ScalarType t) {
        List<Variable> ofType = variables.stream().filter(v -> v.type() == t).toList();
        int choice = rnd.nextInt(10);
        if (choice < 4) {
            String buffer = switch (t) {
                case U32 -> "inU";
                case I32 -> "inI";
                case F32 -> "inF";
                default -> "inB";
            };
            Expr index = rnd.nextInt(6) == 0
                    ? Expr.add(var("i"), Expr.u32(rnd.nextInt(2 * ProgramCorpus.N)))
                    : var("i");
            return Expr.load(buffer, index);
        }
        if (choice < 6 && !ofType.isEmpty()) {
            return var(ofType.get(rnd.nextInt(ofType.size())).name());
        }
        if (choice == 6 && t == U32) {
            return switch (rnd.nextInt(4)) {
                case 0 -> new Expr.LocalId(0);
                case 1 -> new Expr.WorkgroupId(0);
                case 2 -> new Expr.BufLen("inF");
                default -> new Expr.InvocationId(0);
            };
        }
        return switch (t) {
            case U32 -> Expr.u32(SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)]);
            case I32 -> Expr.i32(SPECIAL_INTS[rnd.nextInt(SPECIAL_INTS.length)]);
            case F32 -> Expr.f32(SPECIAL_FLOATS[rnd.nextInt(SPECIAL_FLOATS.length)]);
            default -> Expr.bool(rnd.nextBoolean());
        };
    }
}
