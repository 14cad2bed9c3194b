package dev.vyre.cuda.ptx;

import dev.vyre.ir.UnaryOp;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * PTX {@code .func}s that compute Java's {@code StrictMath} functions bit for bit, by porting fdlibm 5.3 (the
 * library StrictMath specifies) to PTX f64 code: every C operation is one IEEE-exact PTX instruction
 * ({@code add/sub/mul/div.rn.f64}, {@code sqrt.rn.f64}, exact conversions and bit moves), in fdlibm's order, never
 * contracted into an fma, with fdlibm's constants as exact hex bit patterns. Each function takes and returns a
 * {@code .f64}: {@code .func (.param .f64 r) NAME(.param .f64 x)} (the trigonometric one takes a selector too).
 * The emitter calls them for the F32 transcendental operators on the widened operand and rounds the double
 * result once to f32, the reference interpreter's {@code (float) StrictMath.f((double) x)}.
 *
 * <p>Definitions are module-scope text: a module holds each once, before its callers ({@link #definitions}).
 */
public final class FdlibmPtx {
    /** The generated functions, each after the ones it calls. */
    private enum Fn {
        EXP(FdlibmExp::exp),
        EXPM1(FdlibmExp::expm1),
        SINH(FdlibmExp::sinh, EXP, EXPM1),
        COSH(FdlibmExp::cosh, EXP, EXPM1),
        TANH(FdlibmExp::tanh, EXPM1),
        LOG(FdlibmLog::log),
        LOG2(FdlibmLog::log2, LOG),
        EXP2(FdlibmLog::exp2),
        ASIN(FdlibmArc::asin),
        ACOS(FdlibmArc::acos),
        ATAN(FdlibmArc::atan),
        TRIG(FdlibmTrig::definition);

        private final Supplier<String> text;
        private final List<Fn> calls;

        Fn(Supplier<String> text, Fn... calls) {
            this.text = text;
            this.calls = List.of(calls);
        }

        String funcName() {
            return this == TRIG ? FdlibmTrig.NAME : "vyre_fdlibm_" + name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The operators these functions compute: Cos, Sin, Tan, Acos, Asin, Atan, Tanh, Sinh, Cosh, Exp, Log, Log2, Exp2. */
    public static final Set<UnaryOp> OPERATORS = java.util.Collections.unmodifiableSet(
            EnumSet.copyOf(LoweringCheck.TRANSCENDENTAL));

    private FdlibmPtx() {
    }

    /** Whether {@code op} is lowered by a call of one of these functions. */
    public static boolean covers(UnaryOp op) {
        return LoweringCheck.TRANSCENDENTAL.contains(op);
    }

    private static Fn fn(UnaryOp op) {
        return switch (op) {
            case SIN, COS, TAN -> Fn.TRIG;
            case ASIN -> Fn.ASIN;
            case ACOS -> Fn.ACOS;
            case ATAN -> Fn.ATAN;
            case SINH -> Fn.SINH;
            case COSH -> Fn.COSH;
            case TANH -> Fn.TANH;
            case EXP -> Fn.EXP;
            case LOG -> Fn.LOG;
            case LOG2 -> Fn.LOG2;
            case EXP2 -> Fn.EXP2;
            default -> throw new IllegalArgumentException(op + " is not an fdlibm operator");
        };
    }

    /** The name of the {@code .func} that computes {@code op} in double precision. */
    static String funcName(UnaryOp op) {
        return fn(op).funcName();
    }

    /** The selector argument of {@code vyre_fdlibm_trig} for Sin, Cos and Tan; -1 for the other operators. */
    static int trigSelector(UnaryOp op) {
        return switch (op) {
            case SIN -> FdlibmTrig.SIN;
            case COS -> FdlibmTrig.COS;
            case TAN -> FdlibmTrig.TAN;
            default -> -1;
        };
    }

    /**
     * The module-scope definitions (functions and their {@code .const} tables) that the lowering of {@code ops}
     * calls, each once, callees first; empty when none of {@code ops} is transcendental.
     */
    public static String definitions(Set<UnaryOp> ops) {
        EnumSet<Fn> needed = EnumSet.noneOf(Fn.class);
        for (UnaryOp op : ops) {
            if (covers(op)) {
                add(needed, fn(op));
            }
        }
        StringBuilder text = new StringBuilder();
        for (Fn f : needed) { // enum order: callees first
            text.append(f.text.get());
        }
        return text.toString();
    }

    private static void add(EnumSet<Fn> needed, Fn f) {
        if (needed.add(f)) {
            f.calls.forEach(c -> add(needed, c));
        }
    }

    /**
     * One function {@code .func (.param .f64 r) name(.param .f64 x EXTRA)}: {@code body} writes its code (it
     * loads {@code x} itself); {@code locals} are declarations placed after the registers'.
     */
    static String function(String name, String extraParams, String locals, Consumer<FdCode> body) {
        PtxCode code = new PtxCode();
        body.accept(new FdCode(code));
        return ".func (.param .f64 " + FdCode.RESULT + ") " + name + "(.param .f64 x" + extraParams + ")\n{\n"
                + code.declarations() + locals + code.instructions() + "}\n";
    }

    /** A one-argument function whose body gets the loaded argument. */
    static String function(String name, java.util.function.BiConsumer<FdCode, String> body) {
        return function(name, "", "", f -> {
            String x = f.c.f64();
            f.c.op("ld.param.f64 " + x + ", [x]");
            body.accept(f, x);
        });
    }
}
