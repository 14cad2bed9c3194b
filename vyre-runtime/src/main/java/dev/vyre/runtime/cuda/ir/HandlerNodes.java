package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.lt;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.runtime.cuda.ir.Ir.let;
import static dev.vyre.runtime.cuda.ir.Ir.nodes;
import static dev.vyre.runtime.cuda.ir.Ir.not;
import static dev.vyre.runtime.cuda.ir.Ir.select;
import static dev.vyre.runtime.cuda.ir.Ir.set;
import static dev.vyre.runtime.cuda.ir.Ir.store;
import static dev.vyre.runtime.cuda.ir.Ir.sub;
import static dev.vyre.runtime.cuda.ir.Ir.when;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.check.TypeChecker;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.cuda.CudaBackendException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One single-invocation user handler inlined into the IR-built megakernel (docs/MEGAKERNEL-CUDA.md, "The IR-built
 * kernel", user handlers), with the CPU backend's semantics (the handler run by the reference interpreter,
 * {@link dev.vyre.runtime.exec.SlotExecutor}):
 *
 * <ul>
 *   <li><b>Bindings.</b> {@code args} is the slot's ARG0..ARG11 in the ring itself (an index outside 0..11 reads 0
 *   and drops stores and atomics, as the interpreter's bounds); {@code control} is the kernel's control buffer,
 *   {@code data} its view of the data region of the same element type (U32 or Bytes, {@link HandlerFusion}).
 *   The arguments are written in place: on success STATUS's release publishes them, which is the CPU backend's
 *   write-back; on a fault the words ARG2..ARG11 are stored back from the values read at the claim (ARG0, ARG1
 *   take FAULT_CODE, FAULT_DETAIL), so a faulted slot shows what was published, as on the CPU.</li>
 *   <li><b>Names.</b> Every handler variable becomes {@code uh<i>_v<k>}, every temporary {@code uh<i>_t<k>}: no
 *   name of the kernel starts with {@code uh}.</li>
 *   <li><b>Order.</b> Every Load and Atomic of an expression is hoisted into a Let in evaluation order (VIR0
 *   evaluates every operand, left to right, so this changes nothing), which gives each effect a place for its step
 *   check and each argument index a variable for its bounds check.</li>
 *   <li><b>Steps</b>, exactly as the interpreter counts them (one per node, expression, For/Loop iteration and the
 *   start), summed statically and added to the U32 variable {@code uh<i>_steps} (saturating) before every branch:
 *   every store or atomic on the control block or the data region runs only while the count is below the cut-off
 *   {@code L = (B / 1024 + 1) * 1024} (where the interpreter stops a run of budget B); every iteration checks it
 *   too; the run faults STEP_BUDGET (detail B) when the count ends above B. A For runs at most
 *   {@code L - steps} iterations and a Loop (which only a Return ends) becomes such a For, so a handler past its
 *   budget ends; both are nested in chunks ({@link #bounded}) so that a Return or the cut-off also ends them soon.
 *   Budgets above {@link #MAX_BUDGET} are refused (the count would not fit U32).</li>
 *   <li><b>Return</b> sets {@code uh<i>_ret}; the rest of every enclosing list and loop is skipped under it.</li>
 *   <li><b>Confinement</b> (a kernel with confined tenants, {@link ConfinementNodes}): {@code control} and
 *   {@code data} are the slot tenant's window (index 0 = its first word or byte, {@code BufLen} its length); every
 *   access outside it, and every {@code args} access outside 0..11, is counted in {@code uh<i>_oob} (saturating),
 *   as the interpreter counts them, and a confined tenant's run that counted any (and did not fault STEP_BUDGET)
 *   faults OUT_OF_REGION with the count as detail, its arguments stored back as on STEP_BUDGET.</li>
 * </ul>
 */
final class HandlerNodes {
    /** The largest step budget whose cut-off L fits a U32 count: 0xFFFFFBFF (L = 0xFFFFFC00). */
    static final long MAX_BUDGET = 0xFFFF_FBFFL;
    /** Steps the interpreter counts before it charges them to the budget. */
    private static final long FLUSH_STEPS = 1024;
    /** Iterations per chunk of a bounded loop. */
    private static final int CHUNK = 1024;
    /** Nesting levels of a bounded loop: three, so that the outermost counts at most 2^32 / 2^20 chunks. */
    private static final int LEVELS = 3;

    private final Program handler;
    private final String prefix;
    private final long budget;
    private final long cutOff;
    private final String ring;
    private final String control;
    private final String slotBase;
    private final String controlWords;
    private final TypeChecker types;
    private final Map<String, ScalarType> variableTypes = new HashMap<>();
    private final Map<String, String> renamed = new HashMap<>();
    private final String steps;
    private final String returned;
    /** Confined kernels: the run's out-of-bounds accesses (saturating), else null. */
    private final String outside;
    private long pending;
    private int temporaries;
    private int variables;

    /**
     * @param index        the handler's index in the table (names its variables)
     * @param handler      a single-invocation handler program (validated by {@link HandlerTable})
     * @param budget       the step budget, 1..{@link #MAX_BUDGET}
     * @param slotBase     a U32 variable: the slot's first word in the ring
     * @param controlWords a U32 variable: the control block's words
     * @param confined     whether the kernel confines tenants ({@link ConfinementNodes}): {@code control} and
     *                     {@code data} are the slot tenant's windows, out-of-bounds accesses are counted
     */
    HandlerNodes(int index, Program handler, long budget, String slotBase, String controlWords, boolean confined) {
        this.handler = handler;
        this.prefix = "uh" + index + "_";
        this.budget = budget;
        this.cutOff = (budget / FLUSH_STEPS + 1) * FLUSH_STEPS;
        this.ring = MegakernelProgram.RING;
        this.control = MegakernelProgram.CONTROL;
        this.slotBase = slotBase;
        this.controlWords = controlWords;
        this.types = new TypeChecker(handler);
        this.steps = prefix + "steps";
        this.returned = prefix + "ret";
        this.outside = confined ? prefix + "oob" : null;
    }

    /**
     * The nodes that run the handler on the claimed slot: on a run past the budget they set the kernel's fault
     * variables to STEP_BUDGET and the budget, and store {@code published} (the slot's ARG2..ARG11 as read at the
     * claim, variables of the kernel) back.
     */
    List<Node> inline(List<String> published) {
        List<Node> out = new ArrayList<>();
        out.add(let(steps, u32(0)));
        out.add(let(returned, new Expr.LitBool(false)));
        if (outside != null) {
            out.add(let(outside, u32(0)));
        }
        pending = 1; // the invocation's start
        out.addAll(list(handler.body()));
        flush(out);
        List<Node> region = outside == null ? List.of() : nodes(when(Ir.and(ConfinementNodes.confined(),
                Ir.ne(var(outside), u32(0))), fault(FaultCode.OUT_OF_REGION, var(outside), published)));
        out.add(when(bin(BinaryOp.GT, var(steps), u32((int) budget)), fault(FaultCode.STEP_BUDGET, u32((int) budget),
                published), region));
        return out;
    }

    /** Sets the kernel's fault variables and stores {@code published} ARG2..ARG11 back (the CPU's no write-back). */
    private List<Node> fault(FaultCode code, Expr detail, List<String> published) {
        List<Node> fault = new ArrayList<>(nodes(set(MegakernelProgram.FCODE, u32(code.wire())),
                set(MegakernelProgram.FDETAIL, detail)));
        for (int i = 2; i < SlotLayout.ARGS_PER_SLOT; i++) {
            fault.add(store(ring, add(var(slotBase), u32(SlotLayout.ARG0 + i)), var(published.get(i))));
        }
        return fault;
    }

    // ---- nodes -----------------------------------------------------------------------------------------------

    /** A node list; after a node that may return, the rest runs only while the handler has not returned. */
    private List<Node> list(List<Node> body) {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            Node n = body.get(i);
            node(n, out);
            if (mayReturn(n) && i + 1 < body.size()) {
                flush(out);
                List<Node> rest = list(body.subList(i + 1, body.size()));
                flush(rest);
                out.add(when(not(var(returned)), rest));
                return out;
            }
        }
        return out;
    }

    private void node(Node n, List<Node> out) {
        pending++;
        switch (n) {
            case Node.Let l -> {
                Expr value = expr(l.value(), out);
                variableTypes.put(l.name(), typeOf(l.value()));
                out.add(let(declare(l.name()), value));
            }
            case Node.Assign a -> out.add(set(name(a.name()), expr(a.value(), out)));
            case Node.Store s -> storeNode(s, out);
            case Node.If f -> {
                Expr cond = expr(f.cond(), out);
                flush(out);
                out.add(new Node.If(cond, branch(f.then()), branch(f.otherwise())));
            }
            case Node.For f -> loop(f, out);
            case Node.Loop l -> {
                flush(out);
                String start = temporary();
                String count = temporary();
                out.add(let(start, u32(0)));
                out.add(let(count, room()));
                bounded(temporary(), ScalarType.U32, start, count, l.body(), out);
            }
            case Node.Block b -> out.add(new Node.Block(list(b.body())));
            case Node.Return r -> {
                flush(out);
                out.add(set(returned, new Expr.LitBool(true)));
            }
            case Node.AsyncLoad a -> {
            }
            case Node.AsyncWait a -> {
            }
            default -> throw refused(n.getClass().getSimpleName());
        }
    }

    /** A branch of an If: its nodes, then its steps flushed (both branches join with nothing pending). */
    private List<Node> branch(List<Node> body) {
        List<Node> out = list(body);
        flush(out);
        return out;
    }

    /** {@code For v in s..e}: at most {@code L - steps} iterations (each costs a step, so the cut-off ends it). */
    private void loop(Node.For f, List<Node> out) {
        ScalarType type = typeOf(f.start());
        String start = temporary();
        String end = temporary();
        out.add(let(start, expr(f.start(), out)));
        out.add(let(end, expr(f.end(), out)));
        flush(out);
        String count = temporary();
        Expr span = sub(asU32(var(end), type), asU32(var(start), type));
        out.add(let(count, select(lt(var(start), var(end)), bin(BinaryOp.MIN, span, room()), u32(0))));
        variableTypes.put(f.var(), type);
        bounded(declare(f.var()), type, start, count, f.body(), out);
    }

    /**
     * {@code For v in start..start+count { iteration }}, nested {@value #LEVELS} deep in chunks of {@value #CHUNK}
     * iterations (the outermost level counts chunks of {@code CHUNK^(LEVELS-1)}); every chunk and every iteration
     * runs only while the handler has neither returned nor reached the cut-off, so after either at most
     * {@code CHUNK - 1} tests per inner level and one per remaining outer chunk (at most 4,096) are spent, not the
     * rest of the count.
     */
    private void bounded(String v, ScalarType type, String start, String count, List<Node> body, List<Node> out) {
        out.addAll(level(v, type, start, count, body, LEVELS - 1));
    }

    private List<Node> level(String v, ScalarType type, String start, String count, List<Node> body, int level) {
        if (level == 0) {
            Expr high = add(var(start), type == ScalarType.U32 ? var(count) : new Expr.Cast(ScalarType.I32,
                    var(count)));
            return nodes(new Node.For(v, var(start), high, nodes(when(going(body), nodes(
                    set(steps, bin(BinaryOp.SATURATING_ADD, var(steps), u32(1))), when(below(), branch(body)))))));
        }
        int shift = level * Integer.numberOfTrailingZeros(CHUNK);
        String chunks = temporary();
        String chunk = temporary();
        String first = temporary();
        String size = temporary();
        String low = temporary();
        Expr lowValue = add(var(start), type == ScalarType.U32 ? var(first)
                : new Expr.Cast(ScalarType.I32, var(first)));
        List<Node> run = new ArrayList<>(nodes(let(first, bin(BinaryOp.SHL, var(chunk), u32(shift))),
                let(size, bin(BinaryOp.MIN, u32(1 << shift), sub(var(count), var(first)))),
                let(low, lowValue)));
        run.addAll(level(v, type, low, size, body, level - 1));
        return nodes(let(chunks, add(bin(BinaryOp.SHR, var(count), u32(shift)), new Expr.Cast(ScalarType.U32,
                        bin(BinaryOp.NE, bin(BinaryOp.BIT_AND, var(count), u32((1 << shift) - 1)), u32(0))))),
                new Node.For(chunk, u32(0), var(chunks), nodes(when(going(body), run))));
    }

    /** Below the cut-off and, when {@code body} can return, not returned. */
    private Expr going(List<Node> body) {
        return body.stream().anyMatch(HandlerNodes::mayReturn) ? Ir.and(not(var(returned)), below()) : below();
    }

    /** Iterations left before the cut-off: {@code L - steps}, 0 past it. */
    private Expr room() {
        return bin(BinaryOp.SATURATING_SUB, u32((int) cutOff), var(steps));
    }

    private Expr below() {
        return lt(var(steps), u32((int) cutOff));
    }

    private void storeNode(Node.Store s, List<Node> out) {
        Expr index = expr(s.index(), out);
        if (s.buffer().equals(HandlerTable.ARGS)) {
            String i = hold(index, out);
            Expr value = expr(s.value(), out);
            out.add(counted(argInRange(i, typeOf(s.index())), nodes(store(ring, argWord(i, typeOf(s.index())),
                    value))));
            return;
        }
        if (outside != null) {
            String i = hold(asU32(index, typeOf(s.index())), out);
            Expr value = expr(s.value(), out);
            flush(out);
            out.add(when(below(), nodes(counted(inWindow(s.buffer(), i), nodes(store(buffer(s.buffer()),
                    windowed(s.buffer(), i), value))))));
            return;
        }
        Expr value = expr(s.value(), out);
        flush(out);
        out.add(when(below(), nodes(store(buffer(s.buffer()), index, value))));
    }

    /** {@code access} when {@code ok}; otherwise, confined, the access is counted (the interpreter's bounds). */
    private Node counted(Expr ok, List<Node> access) {
        return outside == null ? when(ok, access) : when(ok, access, nodes(set(outside,
                bin(BinaryOp.SATURATING_ADD, var(outside), u32(1)))));
    }

    /** Confined: index variable {@code i} (U32) lies in the window of handler buffer {@code name}. */
    private Expr inWindow(String name, String i) {
        return lt(var(i), ConfinementNodes.length(name, elementType(name)));
    }

    /** Confined: the kernel-buffer index of window index {@code i} of handler buffer {@code name}. */
    private Expr windowed(String name, String i) {
        return ConfinementNodes.at(name, elementType(name), var(i));
    }

    private ScalarType elementType(String name) {
        return (ScalarType) handler.buffer(name).elementType();
    }

    // ---- expressions -----------------------------------------------------------------------------------------

    /** {@code e} with its loads and atomics hoisted into {@code out} in evaluation order; counts its steps. */
    private Expr expr(Expr e, List<Node> out) {
        pending++;
        return switch (e) {
            case Expr.LitU32 l -> l;
            case Expr.LitI32 l -> l;
            case Expr.LitF32 l -> l;
            case Expr.LitBool l -> l;
            case Expr.Var v -> var(name(v.name()));
            case Expr.BufLen b -> b.buffer().equals(HandlerTable.ARGS) ? u32(SlotLayout.ARGS_PER_SLOT)
                    : outside != null ? ConfinementNodes.length(b.buffer(), elementType(b.buffer()))
                    : b.buffer().equals(HandlerTable.CONTROL) ? var(controlWords) : new Expr.BufLen(buffer(b.buffer()));
            case Expr.InvocationId i -> u32(0);
            case Expr.WorkgroupId i -> u32(0);
            case Expr.LocalId i -> u32(0);
            case Expr.Load l -> loadExpr(l, out);
            case Expr.Atomic a -> atomic(a, out);
            case Expr.BinOp b when b.op().isWaveOp() -> throw refused("the wave operator " + b.op());
            case Expr.BinOp b -> {
                Expr left = expr(b.left(), out);
                yield new Expr.BinOp(b.op(), left, expr(b.right(), out));
            }
            case Expr.UnOp u -> new Expr.UnOp(u.op(), expr(u.operand(), out));
            case Expr.Select s -> {
                Expr c = expr(s.cond(), out);
                Expr a = expr(s.ifTrue(), out);
                yield new Expr.Select(c, a, expr(s.ifFalse(), out));
            }
            case Expr.Cast c -> new Expr.Cast(c.type(), expr(c.value(), out));
            case Expr.Fma f -> {
                Expr a = expr(f.a(), out);
                Expr b = expr(f.b(), out);
                yield new Expr.Fma(a, b, expr(f.c(), out));
            }
            default -> throw refused(e.getClass().getSimpleName());
        };
    }

    private Expr loadExpr(Expr.Load l, List<Node> out) {
        Expr index = expr(l.index(), out);
        String t = temporary();
        if (l.buffer().equals(HandlerTable.ARGS)) {
            ScalarType type = typeOf(l.index());
            String i = hold(index, out);
            Expr ok = argInRange(i, type);
            out.add(let(t, select(ok, load(ring, add(var(slotBase), add(u32(SlotLayout.ARG0),
                    select(ok, asU32(var(i), type), u32(0))))), u32(0))));
            if (outside != null) {
                out.add(counted(ok, List.of()));
            }
        } else if (outside != null) {
            String i = hold(asU32(index, typeOf(l.index())), out);
            out.add(let(t, u32(0)));
            out.add(counted(inWindow(l.buffer(), i), nodes(set(t, load(buffer(l.buffer()), windowed(l.buffer(),
                    i))))));
        } else {
            out.add(let(t, load(buffer(l.buffer()), index)));
        }
        return var(t);
    }

    private Expr atomic(Expr.Atomic a, List<Node> out) {
        ScalarType type = typeOf(a.index());
        Expr index = expr(a.index(), out);
        boolean args = a.buffer().equals(HandlerTable.ARGS);
        String i = args ? hold(index, out) : outside != null ? hold(asU32(index, type), out) : null;
        Expr expected = a.expected() == null ? null : expr(a.expected(), out);
        Expr value = expr(a.value(), out);
        String t = temporary();
        out.add(let(t, u32(0)));
        if (args) {
            out.add(counted(argInRange(i, type), nodes(set(t, new Expr.Atomic(a.op(), ring, argWord(i, type),
                    expected, value)))));
        } else if (outside != null) {
            flush(out);
            out.add(when(below(), nodes(counted(inWindow(a.buffer(), i), nodes(set(t, new Expr.Atomic(a.op(),
                    buffer(a.buffer()), windowed(a.buffer(), i), expected, value)))))));
        } else {
            flush(out);
            out.add(when(below(), nodes(set(t, new Expr.Atomic(a.op(), buffer(a.buffer()), index, expected,
                    value)))));
        }
        return var(t);
    }

    /** An argument index in a variable (it is read twice: bounds, then address). */
    private String hold(Expr index, List<Node> out) {
        String i = temporary();
        out.add(let(i, index));
        return i;
    }

    /** Index variable {@code i} (U32 or I32; a negative I32 is a huge U32) lies in 0..11. */
    private static Expr argInRange(String i, ScalarType type) {
        return lt(asU32(var(i), type), u32(SlotLayout.ARGS_PER_SLOT));
    }

    /** The ring word of argument {@code i} (in range). */
    private Expr argWord(String i, ScalarType type) {
        return add(var(slotBase), add(u32(SlotLayout.ARG0), asU32(var(i), type)));
    }

    private static Expr asU32(Expr e, ScalarType type) {
        return type == ScalarType.U32 ? e : new Expr.Cast(ScalarType.U32, e);
    }

    /** The kernel buffer a handler buffer other than args is bound to. */
    private String buffer(String name) {
        if (name.equals(HandlerTable.CONTROL)) {
            return control;
        }
        if (name.equals(HandlerTable.DATA)) {
            return HandlerFusion.dataBuffer((ScalarType) handler.buffer(HandlerTable.DATA).elementType());
        }
        throw refused("buffer " + name);
    }

    // ---- bookkeeping -----------------------------------------------------------------------------------------

    private void flush(List<Node> out) {
        if (pending > 0) {
            out.add(set(steps, bin(BinaryOp.SATURATING_ADD, var(steps), u32((int) Math.min(pending,
                    0xFFFF_FFFFL)))));
            pending = 0;
        }
    }

    private ScalarType typeOf(Expr e) {
        return types.typeOf(e, variableTypes);
    }

    private String declare(String name) {
        String fresh = prefix + "v" + variables++;
        renamed.put(name, fresh);
        return fresh;
    }

    private String name(String name) {
        String n = renamed.get(name);
        if (n == null) {
            throw new IllegalStateException("handler variable " + name + " used before its Let");
        }
        return n;
    }

    private String temporary() {
        return prefix + "t" + temporaries++;
    }

    private CudaBackendException refused(String what) {
        return new CudaBackendException("the IR-built megakernel cannot inline " + what + " of user handler "
                + prefix.substring(2, prefix.length() - 1) + " (a single invocation runs no Barrier, wave operator,"
                + " IndirectDispatch or extension)", "use the hand-written kernel (settings without withIrKernel())"
                + " for this handler");
    }

    /** Whether {@code n} contains a Return. */
    private static boolean mayReturn(Node n) {
        return switch (n) {
            case Node.Return r -> true;
            case Node.If f -> f.then().stream().anyMatch(HandlerNodes::mayReturn)
                    || f.otherwise().stream().anyMatch(HandlerNodes::mayReturn);
            case Node.For f -> f.body().stream().anyMatch(HandlerNodes::mayReturn);
            case Node.Loop l -> l.body().stream().anyMatch(HandlerNodes::mayReturn);
            case Node.Block b -> b.body().stream().anyMatch(HandlerNodes::mayReturn);
            default -> false;
        };
    }
}
