package dev.vyre.ir.gen;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.BYTES;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test-side re-statement of the rules in docs/VIR0-SEMANTICS.md, restricted to what {@link RandomPrograms#generate}
 * may produce (plus its own contract: constant For bounds, Barrier only at top level, wave operators never inside
 * an If). Throws an AssertionError naming the path of the first violation.
 */
final class SemanticsChecker {
    private static final Set<ScalarType> NUMBERS = Set.of(U32, I32, F32);
    private static final Set<ScalarType> INTEGERS = Set.of(U32, I32);
    private static final Set<ScalarType> VALUES = Set.of(U32, I32, F32, BOOL);

    private record Var(ScalarType type, boolean loopVar) {
    }

    private final Program program;
    private final Deque<Map<String, Var>> scopes = new ArrayDeque<>();

    private SemanticsChecker(Program program) {
        this.program = program;
    }

    static void check(Program p) {
        new SemanticsChecker(p).program();
    }

    private void program() {
        Program.WorkgroupSize wg = program.workgroupSize();
        require(wg.x() >= 1 && wg.y() >= 1 && wg.z() >= 1 && wg.invocations() <= 1024, "workgroup", "size " + wg);
        Set<String> names = new HashSet<>();
        Set<Integer> bindings = new HashSet<>();
        for (BufferDecl b : program.buffers()) {
            String at = "buffer " + b.name();
            require(!b.name().isEmpty() && names.add(b.name()), at, "name empty or repeated");
            require(bindings.add(b.binding()), at, "binding repeated");
            require(b.elementType() instanceof ScalarType t && (VALUES.contains(t) || t == BYTES), at, "element type");
            require(b.access() != BufferAccess.WORKGROUP || b.count() > 0, at, "workgroup buffer without count");
        }
        scopes.push(new HashMap<>());
        nodes(program.body(), "body", true, false);
    }

    private void nodes(List<Node> list, String path, boolean top, boolean inIf) {
        for (int i = 0; i < list.size(); i++) {
            node(list.get(i), path + "[" + i + "]", top, inIf);
        }
    }

    private void scope(Runnable body) {
        scopes.push(new HashMap<>());
        body.run();
        scopes.pop();
    }

    private void declare(String name, ScalarType type, boolean loopVar, String at) {
        require(lookup(name) == null, at, "declares visible name " + name);
        scopes.peek().put(name, new Var(type, loopVar));
    }

    private Var lookup(String name) {
        for (Map<String, Var> s : scopes) {
            if (s.containsKey(name)) {
                return s.get(name);
            }
        }
        return null;
    }

    private void node(Node n, String at, boolean top, boolean inIf) {
        switch (n) {
            case Node.Let l -> declare(l.name(), expr(l.value(), at + ".value", inIf), false, at);
            case Node.Assign a -> {
                Var v = lookup(a.name());
                require(v != null && !v.loopVar, at, "assigns to an undeclared or loop variable " + a.name());
                require(expr(a.value(), at + ".value", inIf) == v.type, at, "assigned value type");
            }
            case Node.Store s -> {
                BufferDecl b = buffer(s.buffer(), at);
                require(b.access().writable(), at, "store to non-writable buffer " + b.name());
                index(s.index(), at + ".index", inIf);
                ScalarType want = b.elementType() == BYTES ? U32 : (ScalarType) b.elementType();
                require(expr(s.value(), at + ".value", inIf) == want, at, "stored value type");
            }
            case Node.If i -> {
                require(expr(i.cond(), at + ".cond", inIf) == BOOL, at, "If condition not Bool");
                scope(() -> nodes(i.then(), at + ".then", false, true));
                scope(() -> nodes(i.otherwise(), at + ".else", false, true));
            }
            case Node.For f -> {
                require(f.start() instanceof Expr.LitU32 || f.start() instanceof Expr.LitI32, at, "For start literal");
                ScalarType t = expr(f.start(), at + ".start", inIf);
                require(INTEGERS.contains(t) && expr(f.end(), at + ".end", inIf) == t, at, "For bounds types");
                require(f.end() instanceof Expr.LitU32 || f.end() instanceof Expr.LitI32, at, "For end literal");
                scope(() -> {
                    declare(f.var(), t, true, at);
                    nodes(f.body(), at + ".body", false, inIf);
                });
            }
            case Node.Block b -> scope(() -> nodes(b.body(), at + ".body", false, inIf));
            case Node.Barrier b -> require(top, at, "Barrier below top level");
            case Node.Return r -> { }
            default -> throw new AssertionError(at + ": generate() must not produce " + n.getClass().getSimpleName());
        }
    }

    private BufferDecl buffer(String name, String at) {
        BufferDecl b = program.buffer(name);
        require(b != null, at, "unknown buffer " + name);
        return b;
    }

    private void index(Expr e, String at, boolean inIf) {
        require(INTEGERS.contains(expr(e, at, inIf)), at, "index not U32/I32");
    }

    private ScalarType expr(Expr e, String at, boolean inIf) {
        return switch (e) {
            case Expr.LitU32 l -> U32;
            case Expr.LitI32 l -> I32;
            case Expr.LitF32 l -> F32;
            case Expr.LitBool l -> BOOL;
            case Expr.Var v -> {
                Var var = lookup(v.name());
                require(var != null, at, "unknown variable " + v.name());
                yield var.type;
            }
            case Expr.Load l -> {
                BufferDecl b = buffer(l.buffer(), at);
                index(l.index(), at + ".index", inIf);
                yield b.elementType() == BYTES ? U32 : (ScalarType) b.elementType();
            }
            case Expr.BufLen b -> {
                buffer(b.buffer(), at);
                yield U32;
            }
            case Expr.InvocationId i -> axis(i.axis(), at);
            case Expr.WorkgroupId w -> axis(w.axis(), at);
            case Expr.LocalId l -> axis(l.axis(), at);
            case Expr.BinOp b -> binary(b, at, inIf);
            case Expr.UnOp u -> unary(u, expr(u.operand(), at + ".operand", inIf), at);
            case Expr.Select s -> {
                require(expr(s.cond(), at + ".cond", inIf) == BOOL, at, "Select condition");
                ScalarType t = expr(s.ifTrue(), at + ".a", inIf);
                require(expr(s.ifFalse(), at + ".b", inIf) == t, at, "Select arms differ");
                yield t;
            }
            case Expr.Cast c -> {
                require(c.type() instanceof ScalarType t && VALUES.contains(t), at, "Cast target");
                require(VALUES.contains(expr(c.value(), at + ".value", inIf)), at, "Cast operand");
                yield (ScalarType) c.type();
            }
            case Expr.Fma f -> {
                for (Expr x : List.of(f.a(), f.b(), f.c())) {
                    require(expr(x, at + ".fma", inIf) == F32, at, "Fma operand not F32");
                }
                yield F32;
            }
            case Expr.Atomic a -> {
                BufferDecl b = buffer(a.buffer(), at);
                require(b.access().writable() && INTEGERS.contains(b.elementType()), at, "atomic target");
                ScalarType t = (ScalarType) b.elementType();
                index(a.index(), at + ".index", inIf);
                require((a.expected() != null) == a.op().needsExpected(), at, "expected presence");
                require(a.expected() == null || expr(a.expected(), at + ".expected", inIf) == t, at, "expected type");
                require(expr(a.value(), at + ".value", inIf) == t, at, "atomic value type");
                yield t;
            }
            default -> throw new AssertionError(at + ": generate() must not produce " + e.getClass().getSimpleName());
        };
    }

    private static ScalarType axis(int axis, String at) {
        require(axis >= 0 && axis <= 2, at, "axis " + axis);
        return U32;
    }

    private ScalarType binary(Expr.BinOp b, String at, boolean inIf) {
        ScalarType l = expr(b.left(), at + ".left", inIf);
        ScalarType r = expr(b.right(), at + ".right", inIf);
        require(!b.op().isWaveOp() || !inIf, at, "wave operator inside an If");
        String bad = "operand types " + l + ", " + r + " for " + b.op();
        return switch (b.op()) {
            case ADD, SUB, MUL, DIV, MOD, MIN, MAX -> same(l, r, NUMBERS, at, bad);
            case WRAPPING_ADD, WRAPPING_SUB, SATURATING_ADD, SATURATING_SUB, SATURATING_MUL, MUL_HIGH ->
                    same(l, r, INTEGERS, at, bad);
            case BIT_AND, BIT_OR, BIT_XOR -> same(l, r, Set.of(U32, I32, BOOL), at, bad);
            case SHL, SHR, ROTATE_LEFT, ROTATE_RIGHT -> {
                require(INTEGERS.contains(l) && INTEGERS.contains(r), at, bad);
                yield l;
            }
            case EQ, NE -> {
                same(l, r, VALUES, at, bad);
                yield BOOL;
            }
            case LT, GT, LE, GE -> {
                same(l, r, NUMBERS, at, bad);
                yield BOOL;
            }
            case AND, OR -> same(l, r, Set.of(BOOL), at, bad);
            case ABS_DIFF -> same(l, r, NUMBERS, at, bad) == F32 ? F32 : U32;
            case SHUFFLE, WAVE_BROADCAST -> {
                require(r == U32, at, bad);
                yield l;
            }
            case BALLOT -> {
                require(l == BOOL && r == U32, at, bad);
                yield U32;
            }
            case WAVE_REDUCE -> {
                require(NUMBERS.contains(l) && b.right() instanceof Expr.LitU32 op
                        && op.value() >= 0 && op.value() <= (l == F32 ? 2 : 5), at, bad);
                yield l;
            }
        };
    }

    private static ScalarType same(ScalarType l, ScalarType r, Set<ScalarType> allowed, String at, String bad) {
        require(l == r && allowed.contains(l), at, bad);
        return l;
    }

    private static ScalarType unary(Expr.UnOp u, ScalarType t, String at) {
        String bad = "operand type " + t + " for " + u.op();
        return switch (u.op()) {
            case NEGATE, ABS, SIGN -> same(t, t, NUMBERS, at, bad);
            case BIT_NOT, REVERSE_BITS -> same(t, t, INTEGERS, at, bad);
            case LOGICAL_NOT -> same(t, t, Set.of(BOOL), at, bad);
            case POPCOUNT, CLZ, CTZ -> {
                same(t, t, INTEGERS, at, bad);
                yield U32;
            }
            case IS_NAN, IS_INF, IS_FINITE -> {
                same(t, t, Set.of(F32), at, bad);
                yield BOOL;
            }
            case UNPACK4_LOW, UNPACK4_HIGH, UNPACK8_LOW, UNPACK8_HIGH -> same(t, t, Set.of(U32), at, bad);
            default -> same(t, t, Set.of(F32), at, bad);
        };
    }

    private static void require(boolean ok, String at, String what) {
        if (!ok) {
            throw new AssertionError(at + ": " + what);
        }
    }
}
