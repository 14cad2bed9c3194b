package dev.vyre.cuda.ptx;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.SystemMemory;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Walks a validated program in program order before lowering (iteratively, so any depth is safe here) and
 * refuses, with a {@link PtxEmitException} naming the node path, the first construct the emitter cannot lower
 * exactly: IndirectDispatch, Call and Opaque, nesting deeper than {@link #MAX_DEPTH}, and, in a megakernel handler
 * that is not cooperative, Barrier and the wave operators. It also reports what the prologue must prepare and which
 * transcendental operators the module's fdlibm functions ({@link FdlibmPtx}) must cover.
 */
final class LoweringCheck {
    /** Deepest node/expression nesting lowered (the lowering recurses once per level). */
    static final int MAX_DEPTH = 256;

    /**
     * The F32 operators PTX offers only as {@code .approx} instructions: lowered as calls of fdlibm ports
     * ({@link FdlibmPtx}) in double precision.
     */
    static final Set<UnaryOp> TRANSCENDENTAL = EnumSet.of(UnaryOp.COS, UnaryOp.SIN, UnaryOp.TAN, UnaryOp.ACOS,
            UnaryOp.ASIN, UnaryOp.ATAN, UnaryOp.TANH, UnaryOp.SINH, UnaryOp.COSH, UnaryOp.EXP, UnaryOp.LOG,
            UnaryOp.LOG2, UnaryOp.EXP2);

    /** What the program uses that the prologue must set up. */
    record Features(boolean waveOps, Set<UnaryOp> transcendentals) {
    }

    /** A location: parent chain plus segment, rendered only for a refusal. */
    private record Loc(Loc parent, String segment) {
        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            for (Loc l = this; l != null; l = l.parent()) {
                parts.add(l.segment());
            }
            return String.join("", parts.reversed());
        }
    }

    private record Item(Object item, Loc loc, int depth) {
    }

    private final boolean handler;
    /** A cooperative handler (one warp of lanes): Barrier and the wave operators are allowed. */
    private final boolean cooperative;
    private final ArrayDeque<Item> work = new ArrayDeque<>();
    private boolean waveOps;
    private final Set<UnaryOp> transcendentals = EnumSet.noneOf(UnaryOp.class);

    private LoweringCheck(boolean handler, boolean cooperative) {
        this.handler = handler;
        this.cooperative = cooperative;
    }

    /**
     * Checks {@code program}'s body for a kernel ({@code handler} false) or a megakernel handler.
     *
     * @throws PtxEmitException for the first construct, in program order, that cannot be lowered
     */
    static Features check(Program program, boolean handler) {
        return check(program, handler, false);
    }

    /** As {@link #check(Program, boolean)}; a {@code cooperative} handler may use Barrier and wave operators. */
    static Features check(Program program, boolean handler, boolean cooperative) {
        LoweringCheck check = new LoweringCheck(handler, cooperative);
        List<Node> body = program.body();
        for (int i = body.size() - 1; i >= 0; i--) {
            check.work.push(new Item(body.get(i), new Loc(null, "body[" + i + "]"), 1));
        }
        check.run();
        return new Features(check.waveOps, Set.copyOf(check.transcendentals));
    }

    private void run() {
        while (!work.isEmpty()) {
            Item it = work.pop();
            if (it.depth() > MAX_DEPTH) {
                throw new PtxEmitException(it.loc().toString(), "the program nests deeper than " + MAX_DEPTH
                        + " nodes and expressions, more than the PTX emitter lowers",
                        "flatten the program: hold intermediate values in Let variables");
            }
            List<Item> children = new ArrayList<>();
            if (it.item() instanceof Node n) {
                node(n, it, children);
            } else {
                expr((Expr) it.item(), it, children);
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                work.push(children.get(i));
            }
        }
    }

    private static void add(List<Item> out, Item parent, Object child, String segment) {
        out.add(new Item(child, new Loc(parent.loc(), segment), parent.depth() + 1));
    }

    private static void addAll(List<Item> out, Item parent, List<Node> nodes, String segment) {
        for (int i = 0; i < nodes.size(); i++) {
            add(out, parent, nodes.get(i), segment + "[" + i + "]");
        }
    }

    private void node(Node n, Item it, List<Item> out) {
        switch (n) {
            case Node.Let let -> add(out, it, let.value(), ".Let.value");
            case Node.Assign assign -> add(out, it, assign.value(), ".Assign.value");
            case Node.Store store -> {
                add(out, it, store.index(), ".Store.index");
                add(out, it, store.value(), ".Store.value");
            }
            case Node.If ifNode -> {
                add(out, it, ifNode.cond(), ".If.cond");
                addAll(out, it, ifNode.then(), ".If.then");
                addAll(out, it, ifNode.otherwise(), ".If.else");
            }
            case Node.For forNode -> {
                add(out, it, forNode.start(), ".For.start");
                add(out, it, forNode.end(), ".For.end");
                addAll(out, it, forNode.body(), ".For.body");
            }
            case Node.Loop loop -> addAll(out, it, loop.body(), ".Loop.body");
            case Node.Block block -> addAll(out, it, block.body(), ".Block.body");
            case Node.Barrier _ -> {
                if (handler && !cooperative) {
                    throw new PtxEmitException(it.loc().toString(), "Barrier in a megakernel handler: a handler runs "
                            + "as one invocation of one megakernel worker, there is no workgroup to synchronise",
                            "remove the Barrier from the handler, declare workgroup size 32x1x1 (a cooperative "
                                    + "handler), or run the program as its own kernel");
                }
            }
            case Node.IndirectDispatch d -> throw new PtxEmitException(it.loc().toString(), "IndirectDispatch from"
                    + " buffer '" + d.buffer() + "' is not supported on CUDA",
                    "dispatch the follow-up grid from the host, or run the program on the cpu backend");
            // the validator allowed it: the program declares the system-memory profile
            case Node.Opaque o when SystemMemory.isNode(o.extensionId()) -> {
            }
            case Node.Opaque o -> throw new PtxEmitException(it.loc().toString(), "Opaque node of extension 0x"
                    + Integer.toHexString(o.extensionId()) + " cannot be lowered to PTX",
                    "lower the extension to core VIR0 nodes first");
            case Node.Return _, Node.AsyncLoad _, Node.AsyncWait _ -> {
            }
        }
    }

    private void expr(Expr e, Item it, List<Item> out) {
        switch (e) {
            case Expr.Load load -> add(out, it, load.index(), ".Load.index");
            case Expr.BinOp bin -> {
                if (bin.op().isWaveOp()) {
                    if (handler && !cooperative) {
                        throw new PtxEmitException(it.loc().toString(), "wave operator " + name(bin.op())
                                + " in a megakernel handler: a handler runs as a single invocation, not as a wave",
                                "remove the wave operator from the handler, declare workgroup size 32x1x1 (a "
                                        + "cooperative handler), or run the program as its own kernel");
                    }
                    waveOps = true;
                }
                add(out, it, bin.left(), ".BinOp.left");
                add(out, it, bin.right(), ".BinOp.right");
            }
            case Expr.UnOp un -> {
                if (TRANSCENDENTAL.contains(un.op())) {
                    transcendentals.add(un.op());
                }
                add(out, it, un.operand(), ".UnOp.operand");
            }
            case Expr.Select sel -> {
                add(out, it, sel.cond(), ".Select.cond");
                add(out, it, sel.ifTrue(), ".Select.ifTrue");
                add(out, it, sel.ifFalse(), ".Select.ifFalse");
            }
            case Expr.Cast cast -> add(out, it, cast.value(), ".Cast.value");
            case Expr.Fma fma -> {
                add(out, it, fma.a(), ".Fma.a");
                add(out, it, fma.b(), ".Fma.b");
                add(out, it, fma.c(), ".Fma.c");
            }
            case Expr.Atomic atomic -> {
                add(out, it, atomic.index(), ".Atomic.index");
                if (atomic.expected() != null) {
                    add(out, it, atomic.expected(), ".Atomic.expected");
                }
                add(out, it, atomic.value(), ".Atomic.value");
            }
            case Expr.Call call -> throw new PtxEmitException(it.loc().toString(), "Call of op '" + call.opId()
                    + "' cannot be lowered to PTX", "inline the op as core VIR0 expressions first");
            case Expr.Opaque o -> throw new PtxEmitException(it.loc().toString(), "Opaque expression of extension 0x"
                    + Integer.toHexString(o.extensionId()) + " cannot be lowered to PTX",
                    "lower the extension to core VIR0 expressions first");
            case Expr.LitU32 _, Expr.LitI32 _, Expr.LitF32 _, Expr.LitBool _, Expr.Var _, Expr.BufLen _,
                 Expr.InvocationId _, Expr.WorkgroupId _, Expr.LocalId _ -> {
            }
        }
    }

    /** The VIR0 spelling of an operator constant, e.g. {@code INVERSE_SQRT -> InverseSqrt}. */
    static String name(Enum<?> op) {
        StringBuilder b = new StringBuilder();
        for (String part : op.name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }
}
