package dev.vyre.ir.interp;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a program into {@link CNode}/{@link CExpr} trees: variables become frame slots, buffers become indices
 * into the run's buffer table and every expression gets its static type. The program is expected to have passed
 * the validator; where it has not and the tree could not run, compilation fails with
 * {@link InterpreterException} naming the node, instead of a raw exception at run time.
 */
final class Compiler {
    private static final String VALIDATE = "validate the program with dev.vyre.ir.check.Validator before running it";

    /** A compiled program: top-level nodes, variable slots per invocation, and whether it uses collectives. */
    record Code(CNode[] body, int frameSize, boolean collective) {
    }

    private record Slot(int index, ScalarType type, boolean assignable) {
    }

    /**
     * Where a node or expression sits, e.g. {@code body[2].If.then[0].Store.value}: a chain of steps rendered
     * only for messages and collective sites, so that compiling deep trees stays linear.
     */
    private record Path(Path parent, String step) {
        static final Path ROOT = new Path(null, "body");

        Path then(String s) {
            return new Path(this, s);
        }

        Path index(int i) {
            return new Path(this, "[" + i + "]");
        }

        @Override
        public String toString() {
            Deque<String> steps = new ArrayDeque<>();
            for (Path p = this; p != null; p = p.parent) {
                steps.push(p.step);
            }
            return String.join("", steps);
        }
    }

    private final List<BufferDecl> buffers;
    private final ScalarType[] elements;
    private final Map<String, Integer> bufferIndex = new HashMap<>();
    private final Deque<Map<String, Slot>> scopes = new ArrayDeque<>();
    private int slots;
    private boolean collective;
    /** Whether the program declares the system-memory profile (its fence and sleep nodes run only then). */
    private final boolean systemMemory;

    private Compiler(List<BufferDecl> buffers, ScalarType[] elements, boolean systemMemory) {
        this.buffers = buffers;
        this.elements = elements;
        this.systemMemory = systemMemory;
        for (int i = 0; i < buffers.size(); i++) {
            bufferIndex.put(buffers.get(i).name(), i);
        }
    }

    /** Compiles {@code program} whose buffer {@code i} has element type {@code elements[i]}. */
    static Code compile(Program program, ScalarType[] elements) {
        Compiler c = new Compiler(program.buffers(), elements, SystemMemory.mappedBuffers(program).isPresent());
        CNode[] body = c.block(program.body(), Path.ROOT);
        return new Code(body, c.slots, c.collective);
    }

    private static InterpreterException invalid(Path path, String what) {
        return new InterpreterException("cannot run " + path + ": " + what, VALIDATE);
    }

    // ---- nodes ---------------------------------------------------------------------------------------------

    private CNode[] block(List<Node> nodes, Path path) {
        scopes.push(new HashMap<>());
        try {
            CNode[] out = new CNode[nodes.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = node(nodes.get(i), path.index(i));
            }
            return out;
        } finally {
            scopes.pop();
        }
    }

    private CNode node(Node n, Path path) {
        return switch (n) {
            case Node.Let let -> {
                CExpr value = expr(let.value(), path.then(".Let.value"));
                yield new CNode.SetVariable(declare(let.name(), value.type, true), value);
            }
            case Node.Assign a -> {
                Slot slot = lookup(a.name(), path);
                CExpr value = expr(a.value(), path.then(".Assign.value"));
                if (!slot.assignable()) {
                    throw invalid(path, "'" + a.name() + "' is a For loop variable and cannot be assigned");
                }
                requireType(value, slot.type(), path.then(".Assign.value"));
                yield new CNode.SetVariable(slot.index(), value);
            }
            case Node.Store s -> {
                int b = buffer(s.buffer(), path);
                if (!buffers.get(b).access().writable()) {
                    throw invalid(path, "buffer '" + s.buffer() + "' is " + buffers.get(b).access()
                            + " and cannot be stored to");
                }
                CExpr index = index(s.index(), path.then(".Store.index"));
                CExpr value = expr(s.value(), path.then(".Store.value"));
                requireType(value, Ops.loadType(elements[b]), path.then(".Store.value"));
                yield new CNode.Store(b, index, value);
            }
            case Node.If i -> {
                CExpr cond = expr(i.cond(), path.then(".If.cond"));
                requireType(cond, ScalarType.BOOL, path.then(".If.cond"));
                yield new CNode.If(cond, block(i.then(), path.then(".If.then")),
                        block(i.otherwise(), path.then(".If.else")));
            }
            case Node.For f -> {
                CExpr start = expr(f.start(), path.then(".For.start"));
                CExpr end = expr(f.end(), path.then(".For.end"));
                if (start.type != end.type || (start.type != ScalarType.U32 && start.type != ScalarType.I32)) {
                    throw invalid(path, "For bounds must be both U32 or both I32, not " + start.type + " and "
                            + end.type);
                }
                scopes.push(new HashMap<>());
                try {
                    int slot = declare(f.var(), start.type, false);
                    yield new CNode.For(slot, start, end, block(f.body(), path.then(".For.body")));
                } finally {
                    scopes.pop();
                }
            }
            case Node.Loop l -> new CNode.Loop(block(l.body(), path.then(".Loop.body")));
            case Node.Block b -> new CNode.Block(block(b.body(), path.then(".Block.body")));
            case Node.Barrier b -> {
                collective = true;
                yield new CNode.Barrier(path.then(" (Barrier)"));
            }
            case Node.Return r -> new CNode.Return();
            case Node.IndirectDispatch d -> new CNode.IndirectDispatch(buffer(d.buffer(), path), d.offset());
            case Node.AsyncLoad a -> new CNode.NoOp();
            case Node.AsyncWait a -> new CNode.NoOp();
            // the system-memory profile (the validator allowed it): a fence is a full fence, a sleep a spin hint
            case Node.Opaque o when SystemMemory.isNode(o.extensionId()) -> {
                if (!systemMemory) {
                    String what = o.extensionId() == SystemMemory.FENCE ? "fence"
                            : o.extensionId() == SystemMemory.SLEEP ? "sleep" : "pair load";
                    throw invalid(path, "a system-memory " + what + " in a program that does not declare the "
                            + "system-memory profile (metadata field 0x"
                            + Integer.toHexString(SystemMemory.METADATA_DISCRIMINANT) + ")");
                }
                yield switch (SystemMemory.parse(o)) {
                    case SystemMemory.Op.LoadPair pair -> {
                        Slot low = lookup(pair.low(), path);
                        Slot high = lookup(pair.high(), path);
                        if (!low.assignable() || !high.assignable()) {
                            throw invalid(path, "a pair load into a For loop variable");
                        }
                        yield new CNode.LoadPair(buffer(pair.buffer(), path), pair.index(), low.index(),
                                high.index());
                    }
                    case SystemMemory.Op.Sleep sleep -> {
                        lookup(sleep.variable(), path);
                        yield new CNode.Pause(false);
                    }
                    case SystemMemory.Op.Fence f -> new CNode.Pause(true);
                };
            }
            case Node.Opaque o -> throw invalid(path, "Opaque node of extension " + Integer.toUnsignedString(
                    o.extensionId()) + " is not executable");
        };
    }

    private int declare(String name, ScalarType type, boolean assignable) {
        int slot = slots++;
        scopes.peek().put(name, new Slot(slot, type, assignable));
        return slot;
    }

    private Slot lookup(String name, Path path) {
        for (Map<String, Slot> scope : scopes) {
            Slot s = scope.get(name);
            if (s != null) {
                return s;
            }
        }
        throw invalid(path, "variable '" + name + "' is not declared in an enclosing scope");
    }

    private int buffer(String name, Path path) {
        Integer b = bufferIndex.get(name);
        if (b == null) {
            throw invalid(path, "buffer '" + name + "' is not declared");
        }
        return b;
    }

    // ---- expressions ---------------------------------------------------------------------------------------

    private CExpr index(Expr e, Path path) {
        CExpr index = expr(e, path);
        if (index.type != ScalarType.U32 && index.type != ScalarType.I32) {
            throw invalid(path, "an index must be U32 or I32, not " + index.type);
        }
        return index;
    }

    private static void requireType(CExpr e, ScalarType type, Path path) {
        if (e.type != type) {
            throw invalid(path, "expected " + type + ", found " + e.type);
        }
    }

    private CExpr expr(Expr e, Path path) {
        return switch (e) {
            case Expr.LitU32 l -> new CExpr.Literal(ScalarType.U32, l.value());
            case Expr.LitI32 l -> new CExpr.Literal(ScalarType.I32, l.value());
            case Expr.LitF32 l -> new CExpr.Literal(ScalarType.F32, l.bits());
            case Expr.LitBool l -> new CExpr.Literal(ScalarType.BOOL, l.value() ? 1 : 0);
            case Expr.Var v -> {
                Slot s = lookup(v.name(), path);
                yield new CExpr.Variable(s.type(), s.index());
            }
            case Expr.Load l -> {
                int b = buffer(l.buffer(), path);
                yield new CExpr.Load(Ops.loadType(elements[b]), b, index(l.index(), path.then(".Load.index")));
            }
            case Expr.BufLen l -> new CExpr.BufLen(buffer(l.buffer(), path));
            case Expr.InvocationId i -> new CExpr.Id(CExpr.Id.Kind.INVOCATION, axis(i.axis(), path));
            case Expr.WorkgroupId i -> new CExpr.Id(CExpr.Id.Kind.WORKGROUP, axis(i.axis(), path));
            case Expr.LocalId i -> new CExpr.Id(CExpr.Id.Kind.LOCAL, axis(i.axis(), path));
            case Expr.BinOp b -> binary(b, path);
            case Expr.UnOp u -> {
                CExpr x = expr(u.operand(), path.then(".UnOp.operand"));
                ScalarType t = Ops.unaryType(u.op(), x.type);
                if (t == null) {
                    throw invalid(path, u.op() + " is not defined on " + x.type);
                }
                yield new CExpr.Unary(t, u.op(), x);
            }
            case Expr.Select s -> {
                CExpr cond = expr(s.cond(), path.then(".Select.cond"));
                CExpr a = expr(s.ifTrue(), path.then(".Select.ifTrue"));
                CExpr b = expr(s.ifFalse(), path.then(".Select.ifFalse"));
                requireType(cond, ScalarType.BOOL, path.then(".Select.cond"));
                requireType(b, a.type, path.then(".Select.ifFalse"));
                yield new CExpr.Select(cond, a, b);
            }
            case Expr.Cast c -> {
                CExpr v = expr(c.value(), path.then(".Cast.value"));
                if (!(c.type() instanceof ScalarType to) || !Ops.castAllowed(v.type, to)) {
                    throw invalid(path, "no Cast from " + v.type + " to " + c.type());
                }
                yield new CExpr.Cast(to, v);
            }
            case Expr.Fma f -> {
                CExpr a = expr(f.a(), path.then(".Fma.a"));
                CExpr b = expr(f.b(), path.then(".Fma.b"));
                CExpr c = expr(f.c(), path.then(".Fma.c"));
                requireType(a, ScalarType.F32, path.then(".Fma.a"));
                requireType(b, ScalarType.F32, path.then(".Fma.b"));
                requireType(c, ScalarType.F32, path.then(".Fma.c"));
                yield new CExpr.Fma(a, b, c);
            }
            case Expr.Atomic a -> atomic(a, path);
            case Expr.Call c -> throw invalid(path, "Call of op '" + c.opId() + "' is not executable");
            case Expr.Opaque o -> throw invalid(path, "Opaque expression of extension "
                    + Integer.toUnsignedString(o.extensionId()) + " is not executable");
        };
    }

    private static int axis(int axis, Path path) {
        if (axis < 0 || axis > 2) {
            throw invalid(path, "axis " + axis + " is not 0, 1 or 2");
        }
        return axis;
    }

    private CExpr binary(Expr.BinOp b, Path path) {
        CExpr l = expr(b.left(), path.then(".BinOp.left"));
        CExpr r = expr(b.right(), path.then(".BinOp.right"));
        BinaryOp op = b.op();
        ScalarType t = Ops.binaryType(op, l.type, r.type);
        if (t == null) {
            throw invalid(path, op + " is not defined on " + l.type + " and " + r.type);
        }
        if (!op.isWaveOp()) {
            return new CExpr.Binary(t, op, l, r);
        }
        if (op == BinaryOp.WAVE_REDUCE && !(b.right() instanceof Expr.LitU32(int kind)
                && kind >= 0 && kind <= Ops.maxWaveReduceKind(l.type))) {
            throw invalid(path, "the WaveReduce selector must be a U32 literal 0.."
                    + Ops.maxWaveReduceKind(l.type) + " for " + l.type);
        }
        collective = true;
        return new CExpr.WaveOp(t, op, l, r, path.then(" (" + op + ")"));
    }

    private CExpr atomic(Expr.Atomic a, Path path) {
        int b = buffer(a.buffer(), path);
        BufferDecl decl = buffers.get(b);
        if (!decl.access().writable() || !Ops.atomicAllowed(elements[b])) {
            throw invalid(path, "atomics need a writable U32 or I32 buffer; '" + a.buffer() + "' is "
                    + decl.access() + " " + elements[b]);
        }
        CExpr index = index(a.index(), path.then(".Atomic.index"));
        if ((a.expected() != null) != a.op().needsExpected()) {
            throw invalid(path, "atomic " + a.op() + (a.op().needsExpected() ? " needs" : " takes no")
                    + " expected value");
        }
        CExpr expected = a.expected() == null ? null : expr(a.expected(), path.then(".Atomic.expected"));
        CExpr value = expr(a.value(), path.then(".Atomic.value"));
        if (expected != null) {
            requireType(expected, elements[b], path.then(".Atomic.expected"));
        }
        requireType(value, elements[b], path.then(".Atomic.value"));
        return new CExpr.Atomic(elements[b], a.op(), b, index, expected, value);
    }
}
