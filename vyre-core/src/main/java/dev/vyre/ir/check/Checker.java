package dev.vyre.ir.check;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks nodes and types expressions against docs/VIR0-SEMANTICS.md. The walk runs on an explicit work stack
 * (no recursion), so program depth is bounded by memory only. Expression types flow through a value stack; a
 * {@code null} type means unknown (an ill-typed expression) and silences the checks that depend on it.
 */
final class Checker {
    private sealed interface Task permits EnterNode, ExitNode, EnterExpr, ExitExpr, ScopeTask {
    }

    private record EnterNode(Node node, Path path) implements Task {
    }

    private record ExitNode(Node node, Path path) implements Task {
    }

    private record EnterExpr(Expr expr, Path path) implements Task {
    }

    private record ExitExpr(Expr expr, Path path) implements Task {
    }

    private enum ScopeTask implements Task { OPEN, CLOSE }

    private final Map<String, BufferDecl> buffers;
    private final Findings out;
    private final Scopes scopes = new Scopes();
    private final ArrayDeque<Task> work = new ArrayDeque<>();
    private final List<ScalarType> types = new ArrayList<>();

    /** Whether the program declares the system-memory profile, whose Opaque nodes are then allowed. */
    private final boolean systemMemory;

    Checker(Map<String, BufferDecl> buffers, Findings out) {
        this(buffers, out, false);
    }

    Checker(Map<String, BufferDecl> buffers, Findings out, boolean systemMemory) {
        this.buffers = buffers;
        this.out = out;
        this.systemMemory = systemMemory;
    }

    /** Checks a program body; its top-level nodes are {@code body[i]}. */
    void checkBody(List<Node> body) {
        for (int i = body.size() - 1; i >= 0; i--) {
            work.push(new EnterNode(body.get(i), Path.root("body[" + i + "]", Declarations.RANK_BODY + i)));
        }
        run();
    }

    /** Makes a variable visible, as if declared by an enclosing Let. */
    void declare(String name, ScalarType type, Path at) {
        scopes.declare(name, type, false, at);
    }

    /** Checks an expression at {@code path} and returns its type, or null when it is ill-typed. */
    ScalarType typeOf(Expr expr, Path path) {
        work.push(new EnterExpr(expr, path));
        run();
        return pop();
    }

    private void run() {
        while (!work.isEmpty()) {
            switch (work.pop()) {
                case EnterNode t -> enterNode(t.node(), t.path());
                case ExitNode t -> exitNode(t.node(), t.path());
                case EnterExpr t -> enterExpr(t.expr(), t.path());
                case ExitExpr t -> exitExpr(t.expr(), t.path());
                case ScopeTask s -> {
                    if (s == ScopeTask.OPEN) {
                        scopes.open();
                    } else {
                        scopes.close();
                    }
                }
            }
        }
    }

    private void push(ScalarType t) {
        types.add(t);
    }

    private ScalarType pop() {
        return types.removeLast();
    }

    private void expr(Expr e, Path path) {
        work.push(new EnterExpr(e, path));
    }

    /** Schedules {@code nodes} in their own scope; element i is at {@code path + segment[i]}, rank {@code first + i}. */
    private void scoped(List<Node> nodes, Path path, String segment, int first) {
        work.push(ScopeTask.CLOSE);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            work.push(new EnterNode(nodes.get(i), path.child(segment + "[" + i + "]", first + i)));
        }
        work.push(ScopeTask.OPEN);
    }

    // ---- nodes --------------------------------------------------------------------------------------------------

    private void enterNode(Node node, Path path) {
        switch (node) {
            case Node.Let let -> {
                checkDeclarable(let.name(), path.child(".Let.name", 0), scopes.depth());
                work.push(new ExitNode(node, path));
                expr(let.value(), path.child(".Let.value", 1));
            }
            case Node.Assign assign -> {
                checkAssignable(assign.name(), path.child(".Assign.name", 0));
                work.push(new ExitNode(node, path));
                expr(assign.value(), path.child(".Assign.value", 1));
            }
            case Node.Store store -> {
                BufferDecl b = buffer(store.buffer(), path.child(".Store.buffer", 0), "Store to");
                if (b != null && !b.access().writable()) {
                    out.add(path.child(".Store.buffer", 0), "Store to " + accessName(b.access()) + " buffer "
                            + Names.quote(b.name()), writableFix(b));
                }
                work.push(new ExitNode(node, path));
                expr(store.value(), path.child(".Store.value", 2));
                expr(store.index(), path.child(".Store.index", 1));
            }
            case Node.If ifNode -> {
                work.push(new ExitNode(node, path));
                expr(ifNode.cond(), path.child(".If.cond", 0));
            }
            case Node.For forNode -> {
                // the loop variable lives in a scope of its own around the body's scope
                checkDeclarable(forNode.var(), path.child(".For.var", 0), scopes.depth() + 1);
                work.push(new ExitNode(node, path));
                expr(forNode.end(), path.child(".For.end", 2));
                expr(forNode.start(), path.child(".For.start", 1));
            }
            case Node.Loop loop -> scoped(loop.body(), path, ".Loop.body", 0);
            case Node.Block block -> scoped(block.body(), path, ".Block.body", 0);
            case Node.IndirectDispatch d -> buffer(d.buffer(), path.child(".IndirectDispatch.buffer", 0),
                    "IndirectDispatch from");
            case Node.Opaque o -> opaqueNode(o, path);
            case Node.Barrier _, Node.Return _, Node.AsyncLoad _, Node.AsyncWait _ -> {
            }
        }
    }

    /** A system-memory node where the program declares the profile; any other Opaque node is refused. */
    private void opaqueNode(Node.Opaque o, Path path) {
        if (!SystemMemory.isNode(o.extensionId())) {
            out.add(path, "Opaque node of extension " + Names.hex(o.extensionId())
                    + " cannot run: this runtime executes only core VIR0 nodes",
                    "lower extension " + Names.hex(o.extensionId()) + " to core nodes before running, or remove it");
            return;
        }
        if (!systemMemory) {
            out.add(path, "system-memory node (extension " + Names.hex(o.extensionId()) + ") in a program that does"
                    + " not declare the system-memory profile", "add the metadata field SystemMemory.declare(mapped "
                    + "buffers) to the program's extensions, or remove the node");
            return;
        }
        SystemMemory.Op op;
        try {
            op = SystemMemory.parse(o);
        } catch (SystemMemory.MalformedException e) {
            out.add(path, e.problem(), e.fix());
            return;
        }
        if (op instanceof SystemMemory.Op.LoadPair pair) {
            loadPair(pair, path);
        }
        if (op instanceof SystemMemory.Op.Sleep sleep) {
            ScalarType t = variableType(sleep.variable(), path.child(".Sleep.variable", 0));
            if (t != null && t != U32) {
                out.add(path.child(".Sleep.variable", 0), "system-memory sleep of variable "
                        + Names.quote(sleep.variable()) + " of type " + Names.type(t) + "; the nanoseconds are U32",
                        "sleep on a U32 variable (Cast the value)");
            }
        }
    }

    /** A pair load: a declared, non-Workgroup U32 buffer; two distinct assignable U32 variables. */
    private void loadPair(SystemMemory.Op.LoadPair pair, Path path) {
        BufferDecl b = buffers.get(pair.buffer());
        Path at = path.child(".LoadPair.buffer", 0);
        if (b == null) {
            out.add(at, "system-memory pair load of undeclared buffer " + Names.quote(pair.buffer()),
                    "declare " + Names.quote(pair.buffer()) + " and map it in the system-memory field");
        } else if (b.elementType() != U32 || b.access() == BufferAccess.WORKGROUP) {
            out.add(at, "system-memory pair load of " + b.access() + " buffer " + Names.quote(b.name()) + " of "
                    + b.elementType() + "; it reads two U32 elements of mapped memory",
                    "load pairs from a mapped U32 buffer");
        }
        String[] names = {pair.low(), pair.high()};
        for (int k = 0; k < names.length; k++) {
            Path v = path.child(k == 0 ? ".LoadPair.low" : ".LoadPair.high", k + 1);
            checkAssignable(names[k], v);
            Scopes.Variable var = Names.badIdent("variable", names[k]) == null ? scopes.lookup(names[k]) : null;
            if (var != null && var.type() != null && var.type() != U32) {
                out.add(v, "system-memory pair load into variable " + Names.quote(names[k]) + " of type "
                        + Names.type(var.type()) + "; the elements are U32", "load into U32 variables");
            }
        }
        if (pair.low().equals(pair.high())) {
            out.add(path.child(".LoadPair.high", 2), "system-memory pair load into variable "
                    + Names.quote(pair.low()) + " twice", "load the two elements into two variables");
        }
    }

    private void exitNode(Node node, Path path) {
        switch (node) {
            case Node.Let let -> {
                ScalarType t = pop();
                if (Names.badIdent("variable", let.name()) == null && scopes.lookup(let.name()) == null) {
                    scopes.declare(let.name(), t, false, path.child(".Let.name", 0));
                }
            }
            case Node.Assign assign -> {
                ScalarType t = pop();
                Scopes.Variable v = Names.badIdent("variable", assign.name()) == null
                        ? scopes.lookup(assign.name()) : null;
                if (v != null && !v.loopVariable() && v.type() != null && t != null && t != v.type()) {
                    out.add(path.child(".Assign.value", 1), "Assign of " + Names.type(t) + " to variable "
                                    + Names.quote(v.name()) + " of type " + Names.type(v.type()),
                            "Cast the value to " + Names.type(v.type()));
                }
            }
            case Node.Store store -> {
                ScalarType value = pop();
                ScalarType index = pop();
                checkIndex(index, path.child(".Store.index", 1), "Store");
                BufferDecl b = knownBuffer(store.buffer());
                ScalarType el = b == null ? null : Declarations.valueType(b.elementType());
                if (el != null && value != null && value != el) {
                    out.add(path.child(".Store.value", 2), "Store of " + Names.type(value) + " into buffer "
                                    + Names.quote(b.name()) + " of element type " + Names.type(b.elementType())
                                    + (b.elementType() == ScalarType.BYTES ? " (a Bytes store takes U32)" : ""),
                            "Cast the value to " + Names.type(el));
                }
            }
            case Node.If ifNode -> {
                ScalarType cond = pop();
                if (cond != null && cond != BOOL) {
                    out.add(path.child(".If.cond", 0), "If condition is " + Names.type(cond) + ", expected Bool",
                            "compare the value, e.g. BinOp Ne with 0");
                }
                int thenSize = ifNode.then().size();
                scoped(ifNode.otherwise(), path, ".If.else", 1 + thenSize);
                scoped(ifNode.then(), path, ".If.then", 1);
            }
            case Node.For forNode -> {
                ScalarType end = pop();
                ScalarType start = pop();
                ScalarType varType = forBoundsType(start, end, path);
                scopes.open();
                if (Names.badIdent("variable", forNode.var()) == null && scopes.lookup(forNode.var()) == null) {
                    scopes.declare(forNode.var(), varType, true, path.child(".For.var", 0));
                }
                work.push(ScopeTask.CLOSE);
                scoped(forNode.body(), path, ".For.body", 3);
            }
            default -> throw new AssertionError("no exit step for " + node.getClass().getSimpleName());
        }
    }

    /** The loop variable type for these bounds (reporting bad bounds), or null when unknown. */
    private ScalarType forBoundsType(ScalarType start, ScalarType end, Path path) {
        String rule = "; For bounds must be both U32 or both I32";
        String fix = "Cast the bounds so that both are U32 or both are I32";
        boolean startOk = start != null && Operators.INTEGERS.contains(start);
        boolean endOk = end != null && Operators.INTEGERS.contains(end);
        if (start != null && !startOk) {
            out.add(path.child(".For.start", 1), "For start is " + Names.type(start) + rule, fix);
        }
        if (end != null && !endOk) {
            out.add(path.child(".For.end", 2), "For end is " + Names.type(end) + rule, fix);
        }
        if (startOk && endOk && start != end) {
            out.add(path.child(".For.end", 2), "For end is " + Names.type(end) + " but start is "
                    + Names.type(start) + rule, fix);
            return null;
        }
        return startOk ? start : endOk ? end : null;
    }

    private void checkDeclarable(String name, Path at, int depth) {
        String bad = Names.badIdent("variable", name);
        if (bad != null) {
            out.add(at, bad, Names.identFix("variable"));
            return;
        }
        Scopes.Variable v = scopes.lookup(name);
        if (v == null) {
            return;
        }
        if (v.depth() == depth) {
            out.add(at, "variable " + Names.quote(name) + " is declared twice in one scope (first at "
                    + v.declaredAt() + ")", "rename one of them, or use Assign to change the existing variable");
        } else {
            out.add(at, "variable " + Names.quote(name) + " shadows the variable declared at " + v.declaredAt(),
                    "rename the inner variable (shadowing is not allowed)");
        }
    }

    private void checkAssignable(String name, Path at) {
        String bad = Names.badIdent("variable", name);
        if (bad != null) {
            out.add(at, bad, Names.identFix("variable"));
            return;
        }
        Scopes.Variable v = scopes.lookup(name);
        if (v == null) {
            out.add(at, "Assign to undeclared variable " + Names.quote(name),
                    "declare " + Names.quote(name) + " with Let before this Assign (a Let ends with its block)");
        } else if (v.loopVariable()) {
            out.add(at, "Assign to the For loop variable " + Names.quote(name) + " (declared at " + v.declaredAt()
                    + ")", "copy it into a Let variable and assign that one, or change the For bounds");
        }
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    private void enterExpr(Expr e, Path path) {
        switch (e) {
            case Expr.LitU32 _ -> push(U32);
            case Expr.LitI32 _ -> push(I32);
            case Expr.LitF32 _ -> push(F32);
            case Expr.LitBool _ -> push(BOOL);
            case Expr.Var v -> push(variableType(v.name(), path));
            case Expr.Load load -> {
                buffer(load.buffer(), path.child(".Load.buffer", 0), "Load from");
                work.push(new ExitExpr(e, path));
                expr(load.index(), path.child(".Load.index", 1));
            }
            case Expr.BufLen len -> {
                buffer(len.buffer(), path.child(".BufLen.buffer", 0), "BufLen of");
                push(U32);
            }
            case Expr.InvocationId id -> push(axis("InvocationId", id.axis(), path));
            case Expr.WorkgroupId id -> push(axis("WorkgroupId", id.axis(), path));
            case Expr.LocalId id -> push(axis("LocalId", id.axis(), path));
            case Expr.BinOp bin -> {
                work.push(new ExitExpr(e, path));
                expr(bin.right(), path.child(".BinOp.right", 1));
                expr(bin.left(), path.child(".BinOp.left", 0));
            }
            case Expr.UnOp un -> {
                work.push(new ExitExpr(e, path));
                expr(un.operand(), path.child(".UnOp.operand", 0));
            }
            case Expr.Call call -> {
                String bad = Names.badIdent("op id", call.opId());
                if (bad != null) {
                    out.add(path.child(".Call.opId", 0), bad, Names.identFix("op id"));
                }
                out.add(path, "Call of op " + Names.quote(call.opId())
                                + " cannot run: this runtime executes only core VIR0 expressions",
                        "inline op " + Names.quote(call.opId()) + " as core expressions before running");
                work.push(new ExitExpr(e, path));
                for (int i = call.args().size() - 1; i >= 0; i--) {
                    expr(call.args().get(i), path.child(".Call.args[" + i + "]", 1 + i));
                }
            }
            case Expr.Select sel -> {
                work.push(new ExitExpr(e, path));
                expr(sel.ifFalse(), path.child(".Select.ifFalse", 2));
                expr(sel.ifTrue(), path.child(".Select.ifTrue", 1));
                expr(sel.cond(), path.child(".Select.cond", 0));
            }
            case Expr.Cast cast -> {
                if (!(cast.type() instanceof ScalarType s && Operators.VALUES.contains(s))) {
                    out.add(path.child(".Cast.type", 0), "Cast to " + Names.type(cast.type())
                                    + " is not supported; Cast targets are U32, I32, F32 or Bool",
                            "cast to " + (cast.type() instanceof ScalarType s && Declarations.valueType(s) != null
                                    ? Names.type(Declarations.valueType(s)) : "U32, I32, F32 or Bool"));
                }
                work.push(new ExitExpr(e, path));
                expr(cast.value(), path.child(".Cast.value", 1));
            }
            case Expr.Fma fma -> {
                work.push(new ExitExpr(e, path));
                expr(fma.c(), path.child(".Fma.c", 2));
                expr(fma.b(), path.child(".Fma.b", 1));
                expr(fma.a(), path.child(".Fma.a", 0));
            }
            case Expr.Atomic atomic -> enterAtomic(atomic, path);
            case Expr.Opaque o -> {
                out.add(path, "Opaque expression of extension " + Names.hex(o.extensionId())
                                + " cannot run: this runtime executes only core VIR0 expressions",
                        "lower extension " + Names.hex(o.extensionId()) + " to core expressions before running");
                push(null);
            }
        }
    }

    private void enterAtomic(Expr.Atomic atomic, Path path) {
        String op = "Atomic " + Names.op(atomic.op());
        BufferDecl b = buffer(atomic.buffer(), path.child(".Atomic.buffer", 0), op + " on");
        if (b != null) {
            ScalarType el = Declarations.valueType(b.elementType());
            if (!b.access().writable()) {
                out.add(path.child(".Atomic.buffer", 0), op + " on " + accessName(b.access()) + " buffer "
                        + Names.quote(b.name()), writableFix(b));
            }
            if (el != null && b.elementType() != U32 && b.elementType() != I32) {
                out.add(path.child(".Atomic.buffer", 0), op + " on buffer " + Names.quote(b.name())
                                + " of element type " + Names.type(b.elementType()) + "; atomics need a U32 or I32 buffer",
                        "declare " + Names.quote(b.name()) + " with element type U32 or I32, or use Load and Store");
            }
        }
        Path expected = path.child(".Atomic.expected", 2);
        if (atomic.op().needsExpected() && atomic.expected() == null) {
            out.add(expected, op + " needs an expected value", "add the expected value to compare with");
        } else if (!atomic.op().needsExpected() && atomic.expected() != null) {
            out.add(expected, op + " takes no expected value (only CompareExchange and CompareExchangeWeak do)",
                    "remove the expected value");
        }
        work.push(new ExitExpr(atomic, path));
        expr(atomic.value(), path.child(".Atomic.value", 3));
        if (atomic.expected() != null) {
            expr(atomic.expected(), expected);
        }
        expr(atomic.index(), path.child(".Atomic.index", 1));
    }

    private void exitExpr(Expr e, Path path) {
        switch (e) {
            case Expr.Load load -> {
                checkIndex(pop(), path.child(".Load.index", 1), "Load");
                BufferDecl b = knownBuffer(load.buffer());
                push(b == null ? null : Declarations.valueType(b.elementType()));
            }
            case Expr.BinOp bin -> {
                ScalarType r = pop();
                ScalarType l = pop();
                push(Operators.binary(bin, l, r, path, out));
            }
            case Expr.UnOp un -> push(Operators.unary(un, pop(), path, out));
            case Expr.Call call -> {
                for (int i = 0; i < call.args().size(); i++) {
                    pop();
                }
                push(null);
            }
            case Expr.Select sel -> {
                ScalarType ifFalse = pop();
                ScalarType ifTrue = pop();
                ScalarType cond = pop();
                if (cond != null && cond != BOOL) {
                    out.add(path.child(".Select.cond", 0), "Select condition is " + Names.type(cond)
                            + ", expected Bool", "compare the value, e.g. BinOp Ne with 0");
                }
                if (ifTrue != null && ifFalse != null && ifTrue != ifFalse) {
                    out.add(path.child(".Select.ifFalse", 2), "Select branches differ: ifTrue is "
                                    + Names.type(ifTrue) + ", ifFalse is " + Names.type(ifFalse),
                            "Cast one branch so that both have the same type");
                    push(null);
                } else {
                    push(ifTrue != null ? ifTrue : ifFalse);
                }
            }
            case Expr.Cast cast -> {
                pop();
                push(cast.type() instanceof ScalarType s && Operators.VALUES.contains(s) ? s : null);
            }
            case Expr.Fma fma -> {
                ScalarType[] operands = new ScalarType[3];
                for (int i = 2; i >= 0; i--) {
                    operands[i] = pop();
                }
                String[] names = {"a", "b", "c"};
                for (int i = 0; i < 3; i++) {
                    if (operands[i] != null && operands[i] != F32) {
                        out.add(path.child(".Fma." + names[i], i), "Fma operand " + names[i] + " is "
                                + Names.type(operands[i]) + "; Fma takes F32 only", "Cast the operand to F32");
                    }
                }
                push(F32);
            }
            case Expr.Atomic atomic -> exitAtomic(atomic, path);
            default -> throw new AssertionError("no exit step for " + e.getClass().getSimpleName());
        }
    }

    private void exitAtomic(Expr.Atomic atomic, Path path) {
        ScalarType value = pop();
        ScalarType expected = atomic.expected() != null ? pop() : null;
        String op = "Atomic " + Names.op(atomic.op());
        checkIndex(pop(), path.child(".Atomic.index", 1), op);
        BufferDecl b = knownBuffer(atomic.buffer());
        ScalarType el = b == null || (b.elementType() != U32 && b.elementType() != I32) ? null
                : (ScalarType) b.elementType();
        if (el != null && expected != null && expected != el) {
            out.add(path.child(".Atomic.expected", 2), op + " expected value is " + Names.type(expected)
                    + " but buffer " + Names.quote(b.name()) + " holds " + Names.type(el), "Cast it to " + Names.type(el));
        }
        if (el != null && value != null && value != el) {
            out.add(path.child(".Atomic.value", 3), op + " value is " + Names.type(value) + " but buffer "
                    + Names.quote(b.name()) + " holds " + Names.type(el), "Cast it to " + Names.type(el));
        }
        push(el);
    }

    private ScalarType variableType(String name, Path at) {
        String bad = Names.badIdent("variable", name);
        if (bad != null) {
            out.add(at, bad, Names.identFix("variable"));
            return null;
        }
        Scopes.Variable v = scopes.lookup(name);
        if (v == null) {
            out.add(at, "undeclared variable " + Names.quote(name),
                    "declare " + Names.quote(name) + " with Let before this use (a Let ends with its block)");
            return null;
        }
        return v.type();
    }

    private ScalarType axis(String kind, int axis, Path path) {
        if (axis < 0 || axis > 2) {
            out.add(path.child("." + kind + ".axis", 0), kind + " axis " + axis + " is not 0, 1 or 2",
                    "use axis 0 (x), 1 (y) or 2 (z)");
        }
        return U32;
    }

    private void checkIndex(ScalarType index, Path at, String what) {
        if (index != null && !Operators.INTEGERS.contains(index)) {
            out.add(at, what + " index is " + Names.type(index) + "; indices must be U32 or I32",
                    "Cast the index to U32 or I32");
        }
    }

    // ---- buffers ------------------------------------------------------------------------------------------------

    /** The declaration a reference names, reporting a bad or undeclared name; {@code what} is e.g. "Load from". */
    private BufferDecl buffer(String name, Path at, String what) {
        String bad = Names.badIdent("buffer", name);
        if (bad != null) {
            out.add(at, what + " buffer: " + bad, Names.identFix("buffer"));
            return null;
        }
        BufferDecl b = buffers.get(name);
        if (b == null) {
            out.add(at, what + " undeclared buffer " + Names.quote(name), undeclaredFix(name));
        }
        return b;
    }

    /** The declaration of a validly named reference, without reporting (its problems were reported on entry). */
    private BufferDecl knownBuffer(String name) {
        return Names.badIdent("buffer", name) == null ? buffers.get(name) : null;
    }

    private String undeclaredFix(String name) {
        String declared = buffers.keySet().stream().limit(8).map(Names::quote).collect(Collectors.joining(", "));
        return "declare buffer " + Names.quote(name) + " in the program's buffers"
                + (declared.isEmpty() ? "" : ", or use a declared one: " + declared
                + (buffers.size() > 8 ? ", ..." : ""));
    }

    private static String accessName(BufferAccess access) {
        return access == BufferAccess.UNIFORM ? "uniform" : "read-only";
    }

    private static String writableFix(BufferDecl b) {
        return "declare " + Names.quote(b.name()) + " ReadWrite (or WriteOnly), or write to a writable buffer";
    }
}
