package dev.vyre.cuda.ptx;

import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.SystemMemory;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Lowers statements: structured control flow to labels and branches, every Let and For variable to a register of
 * its own (the validator forbids shadowing, so a name maps to one register per declaration), Barrier to
 * {@code barrier.sync 0} and Return to the function's exit instruction. Every node charges its step to the
 * {@link StepMeter}, and so does every For/Loop iteration (each followed by a checkpoint); the meter is flushed
 * before every branch and label this class emits.
 */
final class NodeLowering {
    private final PtxCode c;
    private final Map<String, BufferRef> buffers;
    private final StepMeter meter;
    private final String exitInstruction;
    private final ArrayDeque<Map<String, Value>> scopes = new ArrayDeque<>();
    private final ExprLowering exprs;
    private final WarpLanes lanes;
    /** The variables the lowered body reads (set by the first {@link #body} call, the whole body). */
    private VariableReads reads;

    /**
     * @param meter           the step meter ({@link StepMeter#none()} in a kernel)
     * @param exitInstruction {@code exit} in a kernel, a branch to the epilogue in a handler function
     * @param exprs           builds the expression lowering given this lowering's variable lookup
     */
    NodeLowering(PtxCode code, Map<String, BufferRef> buffers, StepMeter meter, String exitInstruction,
                 Function<Function<String, Value>, ExprLowering> exprs) {
        this(code, buffers, meter, exitInstruction, null, exprs);
    }

    /** As above; {@code lanes}: a cooperative handler's lanes (a Barrier is their rendezvous), else null. */
    NodeLowering(PtxCode code, Map<String, BufferRef> buffers, StepMeter meter, String exitInstruction,
                 WarpLanes lanes, Function<Function<String, Value>, ExprLowering> exprs) {
        this.lanes = lanes;
        this.c = code;
        this.buffers = buffers;
        this.meter = meter;
        this.exitInstruction = exitInstruction;
        this.exprs = exprs.apply(this::lookup);
    }

    /** A Let of an atomic add whose variable nobody reads, on a buffer where a {@code red} may serve. */
    private boolean unreadAdd(Node.Let let) {
        return let.value() instanceof Expr.Atomic a && a.op() == AtomicOp.ADD && !reads.reads(let.name())
                && buffers.get(a.buffer()).canReduce();
    }

    private Value lookup(String name) {
        for (Map<String, Value> scope : scopes) {
            Value v = scope.get(name);
            if (v != null) {
                return v;
            }
        }
        throw new IllegalStateException("variable '" + name + "' reached lowering undeclared");
    }

    /** Lowers a node list in a scope of its own; four Lets that one vector load can serve go together. */
    void body(List<Node> nodes) {
        if (reads == null) {
            reads = VariableReads.of(nodes); // the whole body: the first call
        }
        scopes.push(new HashMap<>());
        for (int i = 0; i < nodes.size(); i++) {
            VectorLoads.Match m = VectorLoads.at(nodes, i, buffers, this::visibleU32);
            if (m != null) {
                vectorLets(m);
                i += VectorLoads.WIDTH - 1;
            } else {
                node(nodes.get(i));
            }
        }
        scopes.pop();
    }

    private boolean visibleU32(String name) {
        return scopes.stream().map(scope -> scope.get(name)).filter(Objects::nonNull).findFirst()
                .map(v -> v.type() == U32).orElse(false);
    }

    /** The four Lets of {@code m}: their steps, then one vector load (or four scalar ones) into their registers. */
    private void vectorLets(VectorLoads.Match m) {
        meter.charge(m.steps());
        Value[] words = exprs.loadVector(buffers.get(m.buffer()), lookup(m.index()));
        for (int k = 0; k < VectorLoads.WIDTH; k++) {
            scopes.peek().put(m.names().get(k), words[k]);
        }
    }

    private void node(Node n) {
        meter.charge(1);
        switch (n) {
            case Node.Let let -> {
                Value v = unreadAdd(let) ? exprs.reduceAdd((Expr.Atomic) let.value()) : exprs.emit(let.value());
                Value var = new Value(v.isBool() ? c.pred() : c.b32(), v.type());
                move(var, v);
                scopes.peek().put(let.name(), var);
            }
            case Node.Assign assign -> move(lookup(assign.name()), exprs.emit(assign.value()));
            case Node.Store store -> {
                Value index = exprs.emit(store.index());
                Value value = exprs.emit(store.value());
                exprs.store(buffers.get(store.buffer()), index, value);
            }
            case Node.If ifNode -> ifElse(ifNode);
            case Node.For forNode -> forLoop(forNode);
            case Node.Loop loop -> {
                String top = c.label("loop");
                meter.flush();
                c.place(top);
                meter.charge(1); // the iteration
                meter.checkpoint();
                body(loop.body());
                meter.flush();
                c.op("bra " + top);
            }
            case Node.Block block -> body(block.body());
            // non-.aligned: the threads reaching a barrier need not be converged (some may have returned)
            case Node.Barrier _ -> {
                if (lanes != null) {
                    lanes.barrier();
                } else {
                    c.op("barrier.sync 0");
                }
            }
            case Node.Return _ -> {
                meter.flush();
                c.op(exitInstruction);
            }
            case Node.AsyncLoad _ -> c.comment("AsyncLoad: no-op");
            case Node.AsyncWait _ -> c.comment("AsyncWait: no-op");
            case Node.Opaque o when SystemMemory.isNode(o.extensionId()) -> systemMemory(SystemMemory.parse(o));
            case Node.IndirectDispatch _, Node.Opaque _ ->
                    throw new IllegalStateException(n + " reached lowering; LoweringCheck refuses it");
        }
    }

    /**
     * The system-memory profile: a fence is {@code fence.acq_rel.sys} or {@code fence.sc.sys}; a sleep is
     * {@code nanosleep.u32} of its variable; a pair load one {@code ld.<mode>.u64} split into its two variables.
     */
    private void systemMemory(SystemMemory.Op op) {
        switch (op) {
            case SystemMemory.Op.Fence f -> c.op(f.ordering() == SystemMemory.Ordering.SC ? "fence.sc.sys"
                    : "fence.acq_rel.sys");
            case SystemMemory.Op.Sleep s -> c.op("nanosleep.u32 " + lookup(s.variable()).reg());
            case SystemMemory.Op.LoadPair p -> exprs.loadPair(buffers.get(p.buffer()), p.index(),
                    lookup(p.low()).reg(), lookup(p.high()).reg());
        }
    }

    private void move(Value target, Value v) {
        c.op((v.isBool() ? "mov.pred " : "mov.b32 ") + target.reg() + ", " + v.reg());
    }

    private void ifElse(Node.If ifNode) {
        Value cond = exprs.emit(ifNode.cond());
        String otherwise = c.label("else");
        String end = c.label("endif");
        meter.flush();
        c.guarded("!" + cond.reg(), "bra " + otherwise);
        body(ifNode.then());
        meter.flush();
        c.op("bra " + end);
        c.place(otherwise);
        body(ifNode.otherwise());
        meter.flush();
        c.place(end);
    }

    /** Start and end evaluated once; {@code v < end} compared by the bounds' signedness; steps of 1. */
    private void forLoop(Node.For forNode) {
        Value start = exprs.emit(forNode.start());
        Value end = exprs.emit(forNode.end());
        String bound = c.b32(); // a copy: the end may be a variable that the body assigns
        Value var = new Value(c.b32(), start.type());
        String top = c.label("for");
        String exit = c.label("endfor");
        String done = c.pred();
        c.op("mov.b32 " + bound + ", " + end.reg());
        c.op("mov.b32 " + var.reg() + ", " + start.reg());
        meter.flush();
        c.place(top);
        c.op("setp.ge." + (start.type() == I32 ? "s32 " : "u32 ") + done + ", " + var.reg() + ", " + bound);
        c.guarded(done, "bra " + exit);
        meter.charge(1); // the iteration
        meter.checkpoint();
        scopes.push(new HashMap<>(Map.of(forNode.var(), var)));
        body(forNode.body());
        scopes.pop();
        meter.flush();
        c.op("add.u32 " + var.reg() + ", " + var.reg() + ", 1");
        c.op("bra " + top);
        c.place(exit);
    }
}
