package dev.vyre.cuda.ptx;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.Objects;
import java.util.function.Function;

/**
 * The PTX emitter's operator sequences ({@link Arith}: the ones {@link PtxEmitter#emitKernel} lowers every
 * operator, cast, Select and Fma to) as self-contained PTX blocks over 32-bit word registers, for code that holds
 * every VIR0 value as a word: U32 and I32 as their bits, F32 as its IEEE bits, Bool as 0 or 1 (the megakernel's
 * bytecode interpreter). A block is
 * <pre>{ .reg ...; (Bool operands to predicates) instructions; mov.b32 dst, result; }</pre>
 * with registers and labels named after a prefix of its own, so any number of blocks share one function. An
 * interpreter built from these blocks computes exactly what the fused kernel computes, by construction.
 *
 * <p>Not thread-safe: one instance numbers the blocks of one function.
 */
public final class OpBlocks {
    private final String prefix;
    private int blocks;

    /** @param prefix letters that start every register and label name of the blocks (e.g. {@code "vo"}) */
    public OpBlocks(String prefix) {
        if (prefix == null || !prefix.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new PtxEmitException(null, "operator block prefix '" + prefix + "' is not a PTX identifier",
                    "pass letters, digits and underscores, starting with a letter");
        }
        this.prefix = prefix;
    }

    /**
     * {@code dst = a op b} for a binary operator that is not a wave collective, with operand types {@code left}
     * and {@code right} (they differ only for shifts and rotates).
     */
    public String binary(BinaryOp op, ScalarType left, ScalarType right, String dst, String a, String b) {
        Objects.requireNonNull(op, "op");
        if (op.isWaveOp()) {
            throw new PtxEmitException(null, "wave operator " + LoweringCheck.name(op) + " has no operator block:"
                    + " it needs the lanes of a wave", "lower wave operators with the warp's own collectives");
        }
        return block(dst, c -> new Arith(c).binary(op, word(c, a, left), word(c, b, right)));
    }

    /**
     * {@code dst = op a}. A transcendental operator ({@link FdlibmPtx#covers}) is a {@code call} of an fdlibm
     * function: the module must hold {@link FdlibmPtx#definitions} of it (for example of
     * {@link FdlibmPtx#OPERATORS}, once) before the function that contains the block.
     */
    public String unary(UnaryOp op, ScalarType type, String dst, String a) {
        Objects.requireNonNull(op, "op");
        return block(dst, c -> new Arith(c).unary(op, word(c, a, type)));
    }

    /** {@code dst = Cast(to, a)} where {@code a} holds a {@code from} value. */
    public String cast(ScalarType to, ScalarType from, String dst, String a) {
        return block(dst, c -> new Arith(c).cast(to, word(c, a, from)));
    }

    /** {@code dst = Select(cond, a, b)} for operands of {@code type}; {@code cond} holds a Bool word. */
    public String select(ScalarType type, String dst, String cond, String a, String b) {
        return block(dst, c -> new Arith(c).select(word(c, cond, ScalarType.BOOL), word(c, a, type),
                word(c, b, type)));
    }

    /** {@code dst = Fma(a, b, c)} of F32 words, rounded once. */
    public String fma(String dst, String a, String b, String addend) {
        return block(dst, c -> new Arith(c).fma(word(c, a, ScalarType.F32), word(c, b, ScalarType.F32),
                word(c, addend, ScalarType.F32)));
    }

    private String block(String dst, Function<PtxCode, Value> body) {
        int n = blocks++;
        PtxCode code = new PtxCode("$" + prefix + n + "_L", "%" + prefix + n + "_");
        Value result = body.apply(code);
        if (result.isBool()) {
            code.op("selp.b32 " + dst + ", 1, 0, " + result.reg());
        } else {
            code.op("mov.b32 " + dst + ", " + result.reg());
        }
        return "\t{\n" + code.declarations() + code.instructions() + "\t}";
    }

    /** The operand in register {@code reg} as a value of {@code type}: a Bool word becomes a predicate. */
    private static Value word(PtxCode code, String reg, ScalarType type) {
        if (type == ScalarType.BOOL) {
            String p = code.pred();
            code.op("setp.ne.u32 " + p + ", " + reg + ", 0");
            return new Value(p, ScalarType.BOOL);
        }
        return new Value(reg, type);
    }
}
