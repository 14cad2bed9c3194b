package dev.vyre.runtime.cuda;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.ScalarType.BYTES;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.gen.RandomPrograms;
import dev.vyre.runtime.HandlerTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random user handlers made from {@link RandomPrograms#generate} (valid programs over every type and operator)
 * by rewriting them into the handler shape: each buffer becomes {@code args} or {@code control} (loads and
 * stores converted from and to U32 with casts, atomics on I32 buffers through casts), control indices folded into
 * the slot's private words ({@code base + (index & 7)}) or, one in eight, far past the block; Barriers dropped;
 * wave operators replaced by what a single invocation computes (Shuffle and WaveBroadcast of lane 0 and
 * WaveReduce give the operand, here for every lane index; Ballot {@code l ? r & 1 : 0}); transcendental operators
 * kept (the PTX emitter lowers them with its fdlibm functions); one in four bodies wrapped in a Loop (left only by a Return
 * of the body, so often never). The result keeps the argument convention of {@link HandlerStream} and runs the
 * full operator set on the GPU ({@link PtxSim} cannot: floats).
 */
final class AdaptedHandlers {
    private static final int FAR_OUT = 0xFFFF_0000;
    private static final String BASE = "hbase";

    private final SplittableRandom rnd;
    private final Map<String, String> target = new HashMap<>();
    private final Map<String, ScalarType> loadType = new HashMap<>();

    private AdaptedHandlers(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    /** A handler made from a random program drawn from {@code rnd}. */
    static Program generate(SplittableRandom rnd) {
        Program source = RandomPrograms.generate(rnd);
        return new AdaptedHandlers(rnd.split()).adapt(source);
    }

    private Program adapt(Program p) {
        for (BufferDecl b : p.buffers()) {
            ScalarType element = (ScalarType) b.elementType();
            target.put(b.name(), rnd.nextBoolean() ? HandlerTable.ARGS : HandlerTable.CONTROL);
            loadType.put(b.name(), element == BYTES ? U32 : element);
        }
        List<Node> body = nodes(p.body());
        List<Node> out = new ArrayList<>();
        out.add(new Node.Let(BASE, HandlerPrograms.arg(HandlerPrograms.PRIVATE_ARG)));
        if (rnd.nextInt(4) == 0) {
            out.add(new Node.Loop(body));
        } else {
            out.addAll(body);
        }
        return HandlerPrograms.handler(out);
    }

    private List<Node> nodes(List<Node> in) {
        List<Node> out = new ArrayList<>();
        for (Node n : in) {
            Node m = node(n);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** The rewritten node, or null for one that is dropped. */
    private Node node(Node n) {
        return switch (n) {
            case Node.Let let -> new Node.Let(let.name(), expr(let.value()));
            case Node.Assign a -> new Node.Assign(a.name(), expr(a.value()));
            case Node.Store s -> new Node.Store(target.get(s.buffer()), index(s.buffer(), expr(s.index())),
                    toWord(expr(s.value()), loadType.get(s.buffer())));
            case Node.If i -> new Node.If(expr(i.cond()), nodes(i.then()), nodes(i.otherwise()));
            case Node.For f -> new Node.For(f.var(), expr(f.start()), expr(f.end()), nodes(f.body()));
            case Node.Loop l -> new Node.Loop(nodes(l.body()));
            case Node.Block b -> new Node.Block(nodes(b.body()));
            case Node.Barrier _ -> null;
            case Node.Return r -> r;
            case Node.AsyncLoad a -> a;
            case Node.AsyncWait a -> a;
            case Node.IndirectDispatch _, Node.Opaque _ ->
                    throw new IllegalStateException("RandomPrograms.generate made a " + n);
        };
    }

    private Expr expr(Expr e) {
        return switch (e) {
            case Expr.Load l -> fromWord(new Expr.Load(target.get(l.buffer()), index(l.buffer(), expr(l.index()))),
                    loadType.get(l.buffer()));
            case Expr.BufLen b -> new Expr.BufLen(target.get(b.buffer()));
            case Expr.BinOp b -> switch (b.op()) {
                case SHUFFLE, WAVE_BROADCAST, WAVE_REDUCE -> expr(b.left());
                case BALLOT -> new Expr.Select(expr(b.left()), bin(BinaryOp.BIT_AND, expr(b.right()), u32(1)), u32(0));
                default -> new Expr.BinOp(b.op(), expr(b.left()), expr(b.right()));
            };
            case Expr.UnOp u -> new Expr.UnOp(u.op(), expr(u.operand()));
            case Expr.Select s -> new Expr.Select(expr(s.cond()), expr(s.ifTrue()), expr(s.ifFalse()));
            case Expr.Cast c -> new Expr.Cast(c.type(), expr(c.value()));
            case Expr.Fma f -> new Expr.Fma(expr(f.a()), expr(f.b()), expr(f.c()));
            case Expr.Atomic a -> atomic(a);
            case Expr.LitU32 _, Expr.LitI32 _, Expr.LitF32 _, Expr.LitBool _, Expr.Var _, Expr.InvocationId _,
                 Expr.WorkgroupId _, Expr.LocalId _ -> e;
            case Expr.Call _, Expr.Opaque _ -> throw new IllegalStateException("RandomPrograms.generate made a " + e);
        };
    }

    /** An atomic on a U32 or I32 buffer, on its U32 target (I32 operands and result through casts). */
    private Expr atomic(Expr.Atomic a) {
        boolean signed = loadType.get(a.buffer()) == I32;
        Expr expected = a.expected() == null ? null : toWord(expr(a.expected()), loadType.get(a.buffer()));
        Expr atomic = new Expr.Atomic(a.op(), target.get(a.buffer()), index(a.buffer(), expr(a.index())), expected,
                toWord(expr(a.value()), loadType.get(a.buffer())));
        return signed ? new Expr.Cast(I32, atomic) : atomic;
    }

    /** Argument indices stay as they are (past 11 is out of bounds); control ones become private or far out. */
    private Expr index(String buffer, Expr index) {
        if (!target.get(buffer).equals(HandlerTable.CONTROL)) {
            return index;
        }
        Expr word = new Expr.Cast(U32, index);
        return rnd.nextInt(8) == 0 ? add(u32(FAR_OUT), bin(BinaryOp.BIT_AND, word, u32(0xFF)))
                : HandlerPrograms.privateWord(Expr.var(BASE), word);
    }

    private static Expr toWord(Expr value, ScalarType type) {
        return type == U32 ? value : new Expr.Cast(U32, value);
    }

    private static Expr fromWord(Expr word, ScalarType type) {
        return type == U32 ? word : new Expr.Cast(type, word);
    }
}
