package dev.vyre.cuda.ptx;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.Map;
import java.util.function.Function;

/**
 * Lowers expressions, operands left to right and every operand always (no short circuit), and the buffer
 * accesses that nodes share with expressions: bounds-checked loads, stores and atomics that count out-of-bounds
 * accesses where the function has a counter block. Every expression charges its step to the {@link StepMeter}
 * before its operands (the interpreter's order); a store or atomic on mapped memory (a handler's control block or
 * data region, whose changes outlive a failed run) is preceded by a step checkpoint.
 */
final class ExprLowering {
    private static final String[] AXES = {"x", "y", "z"};

    private final PtxCode c;
    private final Arith arith;
    private final Waves waves;
    private final Map<String, BufferRef> buffers;
    private final Function<String, Value> variables;
    private final Program.WorkgroupSize workgroupSize;
    private final boolean singleInvocation;
    private final String oobCounters;
    private final StepMeter meter;
    private final WarpLanes lanes;

    /**
     * @param waves            the wave lowering, or null where the function has no wave operators
     * @param variables        the visible variables by name
     * @param singleInvocation true for a handler: every id is 0
     * @param oobCounters      the global address of the two out-of-bounds counters, or null to not count
     * @param meter            the step meter ({@link StepMeter#none()} in a kernel)
     * @param lanes            the lanes of a cooperative handler (LocalId.x and InvocationId.x are the lane; every
     *                         collective is a rendezvous; every store and atomic follows a checkpoint), else null
     */
    ExprLowering(PtxCode code, Arith arith, Waves waves, Map<String, BufferRef> buffers,
                 Function<String, Value> variables, Program.WorkgroupSize workgroupSize, boolean singleInvocation,
                 String oobCounters, StepMeter meter, WarpLanes lanes) {
        this.lanes = lanes;
        this.c = code;
        this.arith = arith;
        this.waves = waves;
        this.buffers = buffers;
        this.variables = variables;
        this.workgroupSize = workgroupSize;
        this.singleInvocation = singleInvocation;
        this.oobCounters = oobCounters;
        this.meter = meter;
    }

    Value emit(Expr e) {
        meter.charge(1);
        return switch (e) {
            case Expr.LitU32 lit -> literal(lit.value(), U32);
            case Expr.LitI32 lit -> literal(lit.value(), I32);
            case Expr.LitF32 lit -> literal(lit.bits(), F32);
            case Expr.LitBool lit -> {
                String p = c.pred();
                c.op("mov.pred " + p + ", " + (lit.value() ? 1 : 0));
                yield new Value(p, BOOL);
            }
            case Expr.Var v -> variables.apply(v.name());
            case Expr.Load load -> load(buffers.get(load.buffer()), emit(load.index()));
            case Expr.BufLen len -> {
                String d = c.b32();
                c.op("mov.b32 " + d + ", " + buffers.get(len.buffer()).length());
                yield new Value(d, U32);
            }
            case Expr.LocalId id -> id("%tid", id.axis());
            case Expr.WorkgroupId id -> id("%ctaid", id.axis());
            case Expr.InvocationId id -> invocationId(id.axis());
            case Expr.BinOp bin -> binary(bin);
            case Expr.UnOp un -> arith.unary(un.op(), emit(un.operand()));
            case Expr.Select sel -> {
                Value cond = emit(sel.cond());
                Value ifTrue = emit(sel.ifTrue());
                Value ifFalse = emit(sel.ifFalse());
                yield arith.select(cond, ifTrue, ifFalse);
            }
            case Expr.Cast cast -> arith.cast((ScalarType) cast.type(), emit(cast.value()));
            case Expr.Fma fma -> {
                Value a = emit(fma.a());
                Value b = emit(fma.b());
                Value addend = emit(fma.c());
                yield arith.fma(a, b, addend);
            }
            case Expr.Atomic atomic -> {
                Value index = emit(atomic.index());
                Value expected = atomic.expected() == null ? null : emit(atomic.expected());
                Value value = emit(atomic.value());
                yield atomic(atomic.op(), buffers.get(atomic.buffer()), index, expected, value);
            }
            case Expr.Call call -> throw new IllegalStateException("Call reached lowering; LoweringCheck refuses it");
            case Expr.Opaque o -> throw new IllegalStateException("Opaque reached lowering; LoweringCheck refuses it");
        };
    }

    private Value literal(int bits, ScalarType type) {
        String d = c.b32();
        c.op("mov.b32 " + d + ", " + PtxCode.hex(bits));
        return new Value(d, type);
    }

    private Value id(String register, int axis) {
        String d = c.b32();
        if (lanes != null) {
            c.op("mov.u32 " + d + ", " + (axis == 0 && register.equals("%tid") ? "%laneid" : "0"));
            return new Value(d, U32);
        }
        c.op("mov.u32 " + d + ", " + (singleInvocation ? "0" : register + "." + AXES[axis]));
        return new Value(d, U32);
    }

    /** {@code WorkgroupId * workgroupSize + LocalId}, wrapping like the reference's u32 arithmetic. */
    private Value invocationId(int axis) {
        if (singleInvocation) {
            return id("%tid", axis);
        }
        Value group = id("%ctaid", axis);
        Value local = id("%tid", axis);
        String d = c.b32();
        c.op("mad.lo.u32 " + d + ", " + group.reg() + ", " + PtxCode.hex(workgroupSize.get(axis)) + ", "
                + local.reg());
        return new Value(d, U32);
    }

    private Value binary(Expr.BinOp bin) {
        Value l = emit(bin.left());
        Value r = emit(bin.right());
        Waves waves = bin.op().isWaveOp() && lanes != null ? new Waves(c, arith, lanes.rendezvous()) : this.waves;
        return switch (bin.op()) {
            case SHUFFLE, WAVE_BROADCAST -> waves.shuffle(l, r);
            case BALLOT -> waves.ballot(l, r);
            case WAVE_REDUCE -> waves.reduce(l, ((Expr.LitU32) bin.right()).value());
            default -> arith.binary(bin.op(), l, r);
        };
    }

    // ---- memory ------------------------------------------------------------------------------------------------

    /** Counts one out-of-bounds access (word 0 loads, word 1 stores and atomics) where {@code outOfBounds}. */
    private void countOutOfBounds(String inBounds, int word) {
        if (oobCounters != null) {
            c.guarded("!" + inBounds, "red.global.add.u32 [" + oobCounters + "+" + word * Integer.BYTES + "], 1");
        }
    }

    /** {@code b[index]}, or 0 of the element type when out of bounds (counted). */
    Value load(BufferRef b, Value index) {
        String inBounds = b.inBounds(c, index);
        String address = b.address(c, index);
        String word = c.b32();
        c.op("mov.b32 " + word + ", 0");
        c.guarded(inBounds, b.loadOp() + " " + word + ", [" + address + "]");
        countOutOfBounds(inBounds, PtxKernel.OOB_LOADS_WORD);
        if (b.valueType() != BOOL) {
            return new Value(word, b.valueType());
        }
        String p = c.pred();
        c.op("setp.ne.u32 " + p + ", " + word + ", 0"); // any non-zero word is true
        return new Value(p, BOOL);
    }

    /**
     * {@code b[index]} and {@code b[index + 1]} (index even, a constant) in one single-copy-atomic 8-byte load
     * ({@link BufferRef#pairLoadOp}) into {@code low} and {@code high}; both 0 when the pair is not in bounds
     * (counted as one out-of-bounds load). The buffer's base address must be 8-byte aligned.
     */
    void loadPair(BufferRef b, int index, String low, String high) {
        String last = c.b32();
        c.op("mov.u32 " + last + ", " + PtxCode.hex(index + 1));
        String inBounds = b.inBounds(c, new Value(last, U32));
        String address = c.b64();
        String pair = c.b64();
        c.op("add.s64 " + address + ", " + b.baseAddress() + ", " + Integer.toUnsignedLong(index) * Integer.BYTES);
        c.op("mov.b64 " + pair + ", 0");
        c.guarded(inBounds, b.pairLoadOp() + " " + pair + ", [" + address + "]");
        countOutOfBounds(inBounds, PtxKernel.OOB_LOADS_WORD);
        c.op("mov.b64 {" + low + ", " + high + "}, " + pair);
    }

    /**
     * {@code b[index + k]} for k = 0..3 ({@link VectorLoads}), each 0 of the type when out of bounds (counted): one
     * {@code ld.v4} when {@code index .. index + 3} lie in bounds without wrapping and the address is 16-byte aligned,
     * else a branch to the four scalar loads (U32 index arithmetic wraps, as in the interpreter). The step meter is
     * flushed before the branch; both paths add no steps.
     */
    Value[] loadVector(BufferRef b, Value index) {
        int width = VectorLoads.WIDTH;
        String[] regs = new String[width];
        Value[] words = new Value[width];
        for (int k = 0; k < width; k++) {
            regs[k] = c.b32();
            words[k] = new Value(regs[k], b.valueType());
        }
        String last = c.b32();
        String noWrap = c.pred();
        String low = c.b64();
        String aligned = c.pred();
        String vector = c.pred();
        String done = c.label("vector_loaded");
        c.op("add.u32 " + last + ", " + index.reg() + ", " + (width - 1));
        String firstIn = b.inBounds(c, index);
        String lastIn = b.inBounds(c, new Value(last, index.type()));
        String address = b.address(c, index);
        c.op("setp.ge.u32 " + noWrap + ", " + last + ", " + index.reg());
        c.op("and.b64 " + low + ", " + address + ", " + (width * Integer.BYTES - 1));
        c.op("setp.eq.u64 " + aligned + ", " + low + ", 0");
        c.op("and.pred " + vector + ", " + firstIn + ", " + lastIn);
        c.op("and.pred " + vector + ", " + vector + ", " + noWrap);
        c.op("and.pred " + vector + ", " + vector + ", " + aligned);
        c.guarded(vector, b.vectorLoadOp() + " {" + String.join(", ", regs) + "}, [" + address + "]");
        meter.flush();
        c.guarded(vector, "bra " + done);
        for (int k = 0; k < width; k++) {
            Value at = index;
            if (k > 0) {
                at = new Value(c.b32(), index.type());
                c.op("add.u32 " + at.reg() + ", " + index.reg() + ", " + k);
            }
            Value w = load(b, at);
            c.op("mov.b32 " + regs[k] + ", " + w.reg());
        }
        c.place(done);
        return words;
    }

    /** {@code b[index] = value}, dropped (and counted) when out of bounds; Bool stores 0 or 1. */
    void store(BufferRef b, Value index, Value value) {
        beforeEffect(b);
        String inBounds = b.inBounds(c, index);
        String address = b.address(c, index);
        String word = value.reg();
        if (value.isBool()) {
            word = c.b32();
            c.op("selp.b32 " + word + ", 1, 0, " + value.reg());
        }
        c.guarded(inBounds, b.storeOp() + " [" + address + "], " + word);
        countOutOfBounds(inBounds, PtxKernel.OOB_STORES_WORD);
    }

    /**
     * An atomic add whose previous value nobody reads ({@link VariableReads}), on a buffer where
     * {@link BufferRef#canReduce()}: a {@code red}, which does not wait for the memory's answer. Same steps, same
     * out-of-bounds count and the same effect as the atomic; its value is 0.
     */
    Value reduceAdd(Expr.Atomic atomic) {
        meter.charge(1);
        Value index = emit(atomic.index());
        Value value = emit(atomic.value());
        BufferRef b = buffers.get(atomic.buffer());
        beforeEffect(b);
        String inBounds = b.inBounds(c, index);
        String address = b.address(c, index);
        c.guarded(inBounds, b.reduceAddOp() + " [" + address + "], " + value.reg());
        countOutOfBounds(inBounds, PtxKernel.OOB_STORES_WORD);
        return literal(0, b.element());
    }

    /** An atomic on a U32 or I32 buffer; the previous value, or 0 when out of bounds (counted, nothing written). */
    private Value atomic(AtomicOp op, BufferRef b, Value index, Value expected, Value value) {
        beforeEffect(b);
        String inBounds = b.inBounds(c, index);
        String address = b.address(c, index);
        String d = c.b32();
        c.op("mov.b32 " + d + ", 0");
        switch (op) {
            case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK -> c.guarded(inBounds, b.atomOp(op) + " " + d + ", ["
                    + address + "], " + expected.reg() + ", " + value.reg());
            case FETCH_NAND -> fetchNand(b, inBounds, address, value, d);
            default -> c.guarded(inBounds, b.atomOp(op) + " " + d + ", [" + address + "], " + value.reg());
        }
        countOutOfBounds(inBounds, PtxKernel.OOB_STORES_WORD);
        return new Value(d, b.element());
    }

    /**
     * A step checkpoint before a store or atomic whose effect would outlive a failed handler run; in a cooperative
     * handler before every one (other lanes may see the argument scratch).
     */
    private void beforeEffect(BufferRef b) {
        if (b.mapped() || lanes != null) {
            meter.checkpoint();
        }
    }

    /** {@code ~(old & value)} by compare-and-swap until no other writer intervened; {@code d} gets old. */
    private void fetchNand(BufferRef b, String inBounds, String address, Value value, String d) {
        String skip = c.label("nand_skip");
        String retry = c.label("nand_retry");
        String both = c.b32();
        String nand = c.b32();
        String seen = c.b32();
        String raced = c.pred();
        c.guarded("!" + inBounds, "bra " + skip);
        c.op(b.loadOp() + " " + d + ", [" + address + "]");
        c.place(retry);
        c.op("and.b32 " + both + ", " + d + ", " + value.reg());
        c.op("not.b32 " + nand + ", " + both);
        c.op(b.atomOp(AtomicOp.FETCH_NAND) + " " + seen + ", [" + address + "], " + d + ", " + nand);
        c.op("setp.ne.u32 " + raced + ", " + seen + ", " + d);
        c.op("mov.b32 " + d + ", " + seen);
        c.guarded(raced, "bra " + retry);
        c.place(skip);
    }
}
