package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.PtxCode.f32;
import static dev.vyre.cuda.ptx.PtxCode.hex;
import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;

/**
 * Instruction sequences for the operators, casts, Select and Fma of docs/VIR0-SEMANTICS.md, each exact with
 * respect to the reference interpreter (docs/PTX-EMITTER.md lists the choices). Operands are already-evaluated
 * values; every sequence writes fresh registers.
 */
final class Arith {
    static final int SIGN_BIT = 0x8000_0000;
    static final int ABS_MASK = 0x7FFF_FFFF;
    static final int CANONICAL_NAN = 0x7FC0_0000;
    static final int ONE_F32 = 0x3F80_0000;
    static final int MINUS_ONE_F32 = 0xBF80_0000;
    private static final int POSITIVE_INFINITY = 0x7F80_0000;
    /** Bits per step of the exact F32 remainder: a 24-bit remainder shifted by 40 still fits 64 bits. */
    private static final int FMOD_STEP = 40;

    private final PtxCode c;

    Arith(PtxCode code) {
        this.c = code;
    }

    // ---- binary ------------------------------------------------------------------------------------------------

    /** {@code l op r} for every operator but the wave collectives. */
    Value binary(BinaryOp op, Value l, Value r) {
        return switch (l.type()) {
            case BOOL -> boolBinary(op, l, r);
            case F32 -> f32Binary(op, l, r);
            default -> intBinary(op, l, r);
        };
    }

    private Value boolBinary(BinaryOp op, Value l, Value r) {
        String d = c.pred();
        switch (op) {
            case BIT_AND, AND -> c.op("and.pred " + d + ", " + l.reg() + ", " + r.reg());
            case BIT_OR, OR -> c.op("or.pred " + d + ", " + l.reg() + ", " + r.reg());
            case BIT_XOR, NE -> c.op("xor.pred " + d + ", " + l.reg() + ", " + r.reg());
            case EQ -> {
                String x = c.pred();
                c.op("xor.pred " + x + ", " + l.reg() + ", " + r.reg());
                c.op("not.pred " + d + ", " + x);
            }
            default -> throw unexpected(op, l.type());
        }
        return new Value(d, BOOL);
    }

    private Value intBinary(BinaryOp op, Value l, Value r) {
        ScalarType t = l.type();
        boolean signed = t == I32;
        String a = l.reg();
        String b = r.reg();
        return switch (op) {
            case ADD, WRAPPING_ADD -> op3("add.u32", a, b, t);
            case SUB, WRAPPING_SUB -> op3("sub.u32", a, b, t);
            case MUL -> op3("mul.lo.u32", a, b, t);
            case DIV -> signed ? divS32(a, b) : divU32(a, b);
            case MOD -> signed ? remS32(a, b) : remU32(a, b);
            case BIT_AND -> op3("and.b32", a, b, t);
            case BIT_OR -> op3("or.b32", a, b, t);
            case BIT_XOR -> op3("xor.b32", a, b, t);
            case SHL -> shift("shl.b32", a, b, t);
            case SHR -> shift(signed ? "shr.s32" : "shr.u32", a, b, t);
            // shf.wrap uses the amount modulo 32, so no mask is needed
            case ROTATE_LEFT -> funnel("shf.l.wrap.b32", a, b, t);
            case ROTATE_RIGHT -> funnel("shf.r.wrap.b32", a, b, t);
            case EQ, NE, LT, GT, LE, GE -> compare(op, signed ? "s32" : "u32", a, b);
            case ABS_DIFF -> {
                String ty = signed ? "s32" : "u32";
                Value hi = op3("max." + ty, a, b, t);
                Value lo = op3("min." + ty, a, b, t);
                yield op3("sub.u32", hi.reg(), lo.reg(), U32);
            }
            case MIN -> op3(signed ? "min.s32" : "min.u32", a, b, t);
            case MAX -> op3(signed ? "max.s32" : "max.u32", a, b, t);
            // not add.sat.s32/sub.sat.s32: ptxas 13.0 fuses a wrapping add feeding them into one saturating
            // three-input add, skipping the wrap (seen on sm_90); the exact sum in 64 bits, clamped, is immune
            case SATURATING_ADD -> signed ? saturatingS32("add.s64", a, b) : saturatingAddU32(a, b);
            case SATURATING_SUB -> signed ? saturatingS32("sub.s64", a, b) : saturatingSubU32(a, b);
            case SATURATING_MUL -> signed ? saturatingMulS32(a, b) : saturatingMulU32(a, b);
            case MUL_HIGH -> op3(signed ? "mul.hi.s32" : "mul.hi.u32", a, b, t);
            default -> throw unexpected(op, t);
        };
    }

    private Value f32Binary(BinaryOp op, Value l, Value r) {
        String a = l.reg();
        String b = r.reg();
        return switch (op) {
            // .rn on every operation: IEEE round-to-nearest-even, never contracted into an fma
            case ADD -> op3("add.rn.f32", a, b, F32);
            case SUB -> op3("sub.rn.f32", a, b, F32);
            case MUL -> op3("mul.rn.f32", a, b, F32);
            case DIV -> op3("div.rn.f32", a, b, F32);
            case MOD -> fmod(a, b);
            case EQ -> compare(op, "f32", a, b);
            case NE -> compareWith("neu", "f32", a, b); // unordered: NaN != anything
            case LT, GT, LE, GE -> compare(op, "f32", a, b); // ordered: false when either is NaN
            case ABS_DIFF -> {
                Value diff = op3("sub.rn.f32", a, b, F32);
                yield op3("and.b32", diff.reg(), hex(ABS_MASK), F32);
            }
            case MIN -> minMaxF32(a, b, false);
            case MAX -> minMaxF32(a, b, true);
            default -> throw unexpected(op, F32);
        };
    }

    private Value op3(String instruction, String a, String b, ScalarType type) {
        String d = c.b32();
        c.op(instruction + " " + d + ", " + a + ", " + b);
        return new Value(d, type);
    }

    private Value shift(String instruction, String a, String amount, ScalarType type) {
        String masked = c.b32();
        c.op("and.b32 " + masked + ", " + amount + ", 31"); // PTX clamps shift amounts; VIR0 masks them
        return op3(instruction, a, masked, type);
    }

    private Value funnel(String instruction, String a, String amount, ScalarType type) {
        String d = c.b32();
        c.op(instruction + " " + d + ", " + a + ", " + a + ", " + amount);
        return new Value(d, type);
    }

    private Value compare(BinaryOp op, String type, String a, String b) {
        String cmp = switch (op) {
            case EQ -> "eq";
            case NE -> "ne";
            case LT -> "lt";
            case GT -> "gt";
            case LE -> "le";
            case GE -> "ge";
            default -> throw unexpected(op, null);
        };
        return compareWith(cmp, type, a, b);
    }

    private Value compareWith(String cmp, String type, String a, String b) {
        String p = c.pred();
        c.op("setp." + cmp + "." + type + " " + p + ", " + a + ", " + b);
        return new Value(p, BOOL);
    }

    /** Unsigned division; by zero gives 0 (the divisor becomes 1 so that the hardware never sees a zero). */
    private Value divU32(String a, String b) {
        String zero = c.pred();
        String divisor = c.b32();
        String q = c.b32();
        String d = c.b32();
        c.op("setp.eq.u32 " + zero + ", " + b + ", 0");
        c.op("selp.b32 " + divisor + ", 1, " + b + ", " + zero);
        c.op("div.u32 " + q + ", " + a + ", " + divisor);
        c.op("selp.b32 " + d + ", 0, " + q + ", " + zero);
        return new Value(d, U32);
    }

    /** Signed division: by 0 gives 0, {@code x / -1} is the wrapping negation (so {@code MIN / -1 = MIN}). */
    private Value divS32(String a, String b) {
        String zero = c.pred();
        String minusOne = c.pred();
        String special = c.pred();
        String divisor = c.b32();
        String q = c.b32();
        String negated = c.b32();
        String d1 = c.b32();
        String d = c.b32();
        c.op("setp.eq.u32 " + zero + ", " + b + ", 0");
        c.op("setp.eq.u32 " + minusOne + ", " + b + ", " + hex(-1));
        c.op("or.pred " + special + ", " + zero + ", " + minusOne);
        c.op("selp.b32 " + divisor + ", 1, " + b + ", " + special);
        c.op("div.s32 " + q + ", " + a + ", " + divisor);
        c.op("sub.u32 " + negated + ", 0, " + a);
        c.op("selp.b32 " + d1 + ", " + negated + ", " + q + ", " + minusOne);
        c.op("selp.b32 " + d + ", 0, " + d1 + ", " + zero);
        return new Value(d, I32);
    }

    /** Unsigned remainder; by zero gives 0, which is {@code a % 1}. */
    private Value remU32(String a, String b) {
        String zero = c.pred();
        String divisor = c.b32();
        c.op("setp.eq.u32 " + zero + ", " + b + ", 0");
        c.op("selp.b32 " + divisor + ", 1, " + b + ", " + zero);
        return op3("rem.u32", a, divisor, U32);
    }

    /** Signed remainder (sign of a); by 0 and by -1 it is 0, which is {@code a % 1}. */
    private Value remS32(String a, String b) {
        String zero = c.pred();
        String minusOne = c.pred();
        String special = c.pred();
        String divisor = c.b32();
        c.op("setp.eq.u32 " + zero + ", " + b + ", 0");
        c.op("setp.eq.u32 " + minusOne + ", " + b + ", " + hex(-1));
        c.op("or.pred " + special + ", " + zero + ", " + minusOne);
        c.op("selp.b32 " + divisor + ", 1, " + b + ", " + special);
        return op3("rem.s32", a, divisor, I32);
    }

    private Value saturatingAddU32(String a, String b) {
        Value sum = op3("add.u32", a, b, U32);
        String overflow = c.pred();
        String d = c.b32();
        c.op("setp.lt.u32 " + overflow + ", " + sum.reg() + ", " + a);
        c.op("selp.b32 " + d + ", " + hex(-1) + ", " + sum.reg() + ", " + overflow);
        return new Value(d, U32);
    }

    private Value saturatingSubU32(String a, String b) {
        Value diff = op3("sub.u32", a, b, U32);
        String underflow = c.pred();
        String d = c.b32();
        c.op("setp.lt.u32 " + underflow + ", " + a + ", " + b);
        c.op("selp.b32 " + d + ", 0, " + diff.reg() + ", " + underflow);
        return new Value(d, U32);
    }

    private Value saturatingMulU32(String a, String b) {
        Value high = op3("mul.hi.u32", a, b, U32);
        Value low = op3("mul.lo.u32", a, b, U32);
        String overflow = c.pred();
        String d = c.b32();
        c.op("setp.ne.u32 " + overflow + ", " + high.reg() + ", 0");
        c.op("selp.b32 " + d + ", " + hex(-1) + ", " + low.reg() + ", " + overflow);
        return new Value(d, U32);
    }

    private Value saturatingMulS32(String a, String b) {
        String wide = c.b64();
        c.op("mul.wide.s32 " + wide + ", " + a + ", " + b);
        return clampS32(wide);
    }

    /** {@code a op b} on the sign-extended operands ({@code add.s64} or {@code sub.s64}), clamped to I32. */
    private Value saturatingS32(String op64, String a, String b) {
        String wideA = c.b64();
        String wideB = c.b64();
        String wide = c.b64();
        c.op("cvt.s64.s32 " + wideA + ", " + a);
        c.op("cvt.s64.s32 " + wideB + ", " + b);
        c.op(op64 + " " + wide + ", " + wideA + ", " + wideB);
        return clampS32(wide);
    }

    /** The 64-bit {@code wide} clamped to {@code [MIN, MAX]} of I32. */
    private Value clampS32(String wide) {
        String clampedLow = c.b64();
        String clamped = c.b64();
        String d = c.b32();
        c.op("max.s64 " + clampedLow + ", " + wide + ", " + Integer.MIN_VALUE);
        c.op("min.s64 " + clamped + ", " + clampedLow + ", " + Integer.MAX_VALUE);
        c.op("cvt.u32.u64 " + d + ", " + clamped);
        return new Value(d, I32);
    }

    /**
     * F32 Min/Max by the VIR0 rules, independent of the hardware's min.f32: a NaN operand yields the other one,
     * two NaNs the canonical NaN {@code 0x7FC00000}, and {@code -0.0 < +0.0} (for numerically equal operands the
     * bitwise OR picks -0.0 for Min, the bitwise AND picks +0.0 for Max; equal non-zero values have equal bits).
     */
    private Value minMaxF32(String a, String b, boolean max) {
        String strict = c.pred();
        String equal = c.pred();
        String aNan = c.pred();
        String bNan = c.pred();
        String bothNan = c.pred();
        String tie = c.b32();
        String r1 = c.b32();
        String r2 = c.b32();
        String r3 = c.b32();
        String r4 = c.b32();
        String d = c.b32();
        c.op("setp." + (max ? "gt" : "lt") + ".f32 " + strict + ", " + a + ", " + b);
        c.op("setp.eq.f32 " + equal + ", " + a + ", " + b);
        c.op((max ? "and.b32 " : "or.b32 ") + tie + ", " + a + ", " + b);
        c.op("selp.b32 " + r1 + ", " + tie + ", " + b + ", " + equal);
        c.op("selp.b32 " + r2 + ", " + a + ", " + r1 + ", " + strict);
        c.op("testp.notanumber.f32 " + bNan + ", " + b);
        c.op("selp.b32 " + r3 + ", " + a + ", " + r2 + ", " + bNan);
        c.op("testp.notanumber.f32 " + aNan + ", " + a);
        c.op("selp.b32 " + r4 + ", " + b + ", " + r3 + ", " + aNan);
        c.op("and.pred " + bothNan + ", " + aNan + ", " + bNan);
        c.op("selp.b32 " + d + ", " + hex(CANONICAL_NAN) + ", " + r4 + ", " + bothNan);
        return new Value(d, F32);
    }

    /**
     * The exact truncated remainder {@code fmodf(a, b)} (Java's {@code %}): NaN when a is infinite or NaN, b is
     * NaN or b is ±0; {@code a} itself when |a| < |b|; otherwise, with integer significands
     * {@code a = ma * 2^ea}, {@code b = mb * 2^eb}, the remainder is {@code ((ma << (ea - eb)) mod mb) * 2^eb},
     * computed with 64-bit remainders {@value #FMOD_STEP} bits at a time, converted exactly and given a's sign.
     */
    private Value fmod(String a, String b) {
        String ax = c.b32();
        String bx = c.b32();
        String sign = c.b32();
        String d = c.b32();
        String p1 = c.pred();
        String p2 = c.pred();
        String p3 = c.pred();
        String nan = c.pred();
        String nan2 = c.pred();
        String small = c.pred();
        String nanLabel = c.label("fmod_nan");
        String loop = c.label("fmod_loop");
        String scale = c.label("fmod_scale");
        String done = c.label("fmod_done");
        c.op("and.b32 " + ax + ", " + a + ", " + hex(ABS_MASK));
        c.op("and.b32 " + bx + ", " + b + ", " + hex(ABS_MASK));
        c.op("and.b32 " + sign + ", " + a + ", " + hex(SIGN_BIT));
        c.op("setp.ge.u32 " + p1 + ", " + ax + ", " + hex(POSITIVE_INFINITY));
        c.op("setp.gt.u32 " + p2 + ", " + bx + ", " + hex(POSITIVE_INFINITY));
        c.op("setp.eq.u32 " + p3 + ", " + bx + ", 0");
        c.op("or.pred " + nan + ", " + p1 + ", " + p2);
        c.op("or.pred " + nan2 + ", " + nan + ", " + p3);
        c.op("setp.lt.u32 " + small + ", " + ax + ", " + bx);
        c.op("mov.b32 " + d + ", " + a);
        c.guarded(nan2, "bra " + nanLabel);
        c.guarded(small, "bra " + done);
        String ex = c.b32();
        String ey = c.b32();
        String mx = c.b32();
        String my = c.b32();
        String xNormal = c.pred();
        String yNormal = c.pred();
        c.op("shr.u32 " + ex + ", " + ax + ", 23");
        c.op("shr.u32 " + ey + ", " + bx + ", 23");
        c.op("and.b32 " + mx + ", " + ax + ", " + hex(0x7F_FFFF));
        c.op("and.b32 " + my + ", " + bx + ", " + hex(0x7F_FFFF));
        c.op("setp.ne.u32 " + xNormal + ", " + ex + ", 0");
        c.op("setp.ne.u32 " + yNormal + ", " + ey + ", 0");
        c.guarded(xNormal, "or.b32 " + mx + ", " + mx + ", " + hex(0x80_0000));
        c.guarded(yNormal, "or.b32 " + my + ", " + my + ", " + hex(0x80_0000));
        c.op("max.u32 " + ex + ", " + ex + ", 1"); // subnormals share the exponent of the smallest normal
        c.op("max.u32 " + ey + ", " + ey + ", 1");
        String gap = c.b32();
        String rem = c.b32();
        String rem64 = c.b64();
        String my64 = c.b64();
        String step = c.b32();
        String finished = c.pred();
        c.op("sub.u32 " + gap + ", " + ex + ", " + ey);
        c.op("rem.u32 " + rem + ", " + mx + ", " + my);
        c.op("cvt.u64.u32 " + rem64 + ", " + rem);
        c.op("cvt.u64.u32 " + my64 + ", " + my);
        c.place(loop);
        c.op("setp.eq.u32 " + finished + ", " + gap + ", 0");
        c.guarded(finished, "bra " + scale);
        c.op("min.u32 " + step + ", " + gap + ", " + FMOD_STEP);
        c.op("shl.b64 " + rem64 + ", " + rem64 + ", " + step);
        c.op("rem.u64 " + rem64 + ", " + rem64 + ", " + my64);
        c.op("sub.u32 " + gap + ", " + gap + ", " + step);
        c.op("bra " + loop);
        c.place(scale);
        // |result| = rem * 2^(ey - 150): 2^(ey-150) is normal for ey >= 24, else the subnormal 1 << (ey - 1)
        String remF = c.b32();
        String normal = c.pred();
        String normalBits = c.b32();
        String subExp = c.b32();
        String one = c.b32();
        String subBits = c.b32();
        String factor = c.b32();
        String magnitude = c.b32();
        c.op("cvt.u32.u64 " + rem + ", " + rem64);
        c.op("cvt.rn.f32.u32 " + remF + ", " + rem); // exact: rem < 2^24
        c.op("setp.ge.u32 " + normal + ", " + ey + ", 24");
        c.op("sub.u32 " + normalBits + ", " + ey + ", 23");
        c.op("shl.b32 " + normalBits + ", " + normalBits + ", 23");
        c.op("sub.u32 " + subExp + ", " + ey + ", 1");
        c.op("mov.b32 " + one + ", 1");
        c.op("shl.b32 " + subBits + ", " + one + ", " + subExp);
        c.op("selp.b32 " + factor + ", " + normalBits + ", " + subBits + ", " + normal);
        c.op("mul.rn.f32 " + magnitude + ", " + remF + ", " + factor); // exact: the result is representable
        c.op("or.b32 " + d + ", " + magnitude + ", " + sign);
        c.op("bra " + done);
        c.place(nanLabel);
        c.op("mov.b32 " + d + ", " + hex(CANONICAL_NAN));
        c.place(done);
        return new Value(d, F32);
    }

    // ---- unary -------------------------------------------------------------------------------------------------

    /** {@code op x}; the transcendental operators call the module's fdlibm functions ({@link FdlibmPtx}). */
    Value unary(UnaryOp op, Value x) {
        ScalarType t = x.type();
        String a = x.reg();
        return switch (op) {
            case NEGATE -> t == F32 ? op3("xor.b32", a, hex(SIGN_BIT), F32) : op3("sub.u32", "0", a, t);
            case BIT_NOT -> op2("not.b32", a, t);
            case LOGICAL_NOT -> {
                String d = c.pred();
                c.op("not.pred " + d + ", " + a);
                yield new Value(d, BOOL);
            }
            case POPCOUNT -> op2("popc.b32", a, U32);
            case CLZ -> op2("clz.b32", a, U32); // clz.b32 of 0 is 32
            case CTZ -> op2("clz.b32", op2("brev.b32", a, U32).reg(), U32); // ctz(0) = clz(0) = 32
            case REVERSE_BITS -> op2("brev.b32", a, t);
            case ABS -> switch (t) {
                case F32 -> op3("and.b32", a, hex(ABS_MASK), F32);
                case I32 -> op3("max.s32", a, op3("sub.u32", "0", a, I32).reg(), I32); // abs(MIN) = MIN
                default -> x;
            };
            case SIGN -> sign(x);
            case SQRT -> op2("sqrt.rn.f32", a, F32);
            case FLOOR -> op2("cvt.rmi.f32.f32", a, F32);
            case CEIL -> op2("cvt.rpi.f32.f32", a, F32);
            case ROUND -> op2("cvt.rni.f32.f32", a, F32);
            case TRUNC -> op2("cvt.rzi.f32.f32", a, F32);
            case RECIPROCAL -> op2("rcp.rn.f32", a, F32);
            case INVERSE_SQRT -> inverseSqrt(a);
            case IS_NAN -> test("notanumber", a);
            case IS_INF -> test("infinite", a);
            case IS_FINITE -> test("finite", a);
            case UNPACK8_LOW -> permute(a, 0x4140);
            case UNPACK8_HIGH -> permute(a, 0x4342);
            case UNPACK4_LOW -> nibbles(permute(a, 0x4140));
            case UNPACK4_HIGH -> nibbles(permute(a, 0x4342));
            case COS, SIN, TAN, ACOS, ASIN, ATAN, TANH, SINH, COSH, EXP, LOG, LOG2, EXP2 -> transcendental(op, a);
        };
    }

    private Value op2(String instruction, String a, ScalarType type) {
        String d = c.b32();
        c.op(instruction + " " + d + ", " + a);
        return new Value(d, type);
    }

    private Value test(String property, String a) {
        String p = c.pred();
        c.op("testp." + property + ".f32 " + p + ", " + a);
        return new Value(p, BOOL);
    }

    private Value sign(Value x) {
        String a = x.reg();
        String d = c.b32();
        switch (x.type()) {
            case U32 -> {
                String nonZero = c.pred();
                c.op("setp.ne.u32 " + nonZero + ", " + a + ", 0");
                c.op("selp.b32 " + d + ", 1, 0, " + nonZero);
            }
            case I32 -> {
                String positive = c.pred();
                String negative = c.pred();
                String d1 = c.b32();
                c.op("setp.gt.s32 " + positive + ", " + a + ", 0");
                c.op("setp.lt.s32 " + negative + ", " + a + ", 0");
                c.op("selp.b32 " + d1 + ", 1, 0, " + positive);
                c.op("selp.b32 " + d + ", " + hex(-1) + ", " + d1 + ", " + negative);
            }
            default -> { // F32: ±1.0, or the operand itself for ±0 and NaN (both comparisons false)
                String positive = c.pred();
                String negative = c.pred();
                String d1 = c.b32();
                c.op("setp.gt.f32 " + positive + ", " + a + ", " + f32(0));
                c.op("setp.lt.f32 " + negative + ", " + a + ", " + f32(0));
                c.op("selp.b32 " + d1 + ", " + hex(ONE_F32) + ", " + a + ", " + positive);
                c.op("selp.b32 " + d + ", " + hex(MINUS_ONE_F32) + ", " + d1 + ", " + negative);
            }
        }
        return new Value(d, x.type());
    }

    /** {@code (float) (1.0 / Math.sqrt((double) x))}: two correctly rounded f64 operations, then one rounding. */
    private Value inverseSqrt(String a) {
        String wide = c.f64();
        String root = c.f64();
        String inverse = c.f64();
        String d = c.b32();
        c.op("cvt.f64.f32 " + wide + ", " + a);
        c.op("sqrt.rn.f64 " + root + ", " + wide);
        c.op("rcp.rn.f64 " + inverse + ", " + root);
        c.op("cvt.rn.f32.f64 " + d + ", " + inverse);
        return new Value(d, F32);
    }

    /**
     * {@code (float) StrictMath.f((double) x)}: the exact widening, a call of the fdlibm port (IEEE-exact f64
     * operations in fdlibm's order, so the double is StrictMath's), one rounding to f32.
     */
    private Value transcendental(UnaryOp op, String a) {
        String wide = c.f64();
        String result = c.f64();
        String d = c.b32();
        c.op("cvt.f64.f32 " + wide + ", " + a);
        int selector = FdlibmPtx.trigSelector(op);
        if (selector >= 0) {
            String which = c.b32();
            c.op("mov.b32 " + which + ", " + selector);
            c.op("call (" + result + "), " + FdlibmPtx.funcName(op) + ", (" + wide + ", " + which + ")");
        } else {
            c.op("call (" + result + "), " + FdlibmPtx.funcName(op) + ", (" + wide + ")");
        }
        c.op("cvt.rn.f32.f64 " + d + ", " + result);
        return new Value(d, F32);
    }

    /** Bytes 0,1 ({@code 0x4140}) or 2,3 ({@code 0x4342}) of {@code a} into bytes 0 and 2, zeros elsewhere. */
    private Value permute(String a, int selector) {
        String d = c.b32();
        c.op("prmt.b32 " + d + ", " + a + ", 0, " + hex(selector));
        return new Value(d, U32);
    }

    /** Spreads the two nibbles of bytes 0 and 2 of {@code spread} into bytes 0..3. */
    private Value nibbles(Value spread) {
        Value low = op3("and.b32", spread.reg(), hex(0x000F_000F), U32);
        Value high = op3("and.b32", spread.reg(), hex(0x00F0_00F0), U32);
        Value shifted = op3("shl.b32", high.reg(), "4", U32);
        return op3("or.b32", low.reg(), shifted.reg(), U32);
    }

    // ---- casts, Select, Fma ------------------------------------------------------------------------------------

    /** {@code Cast(to, v)} between U32, I32, F32 and Bool. */
    Value cast(ScalarType to, Value v) {
        ScalarType from = v.type();
        if (from == to) {
            return v;
        }
        String a = v.reg();
        return switch (to) {
            case U32, I32 -> switch (from) {
                case U32, I32 -> new Value(a, to); // reinterpret the bits
                case BOOL -> select32(a, "1", "0", to);
                // float to integer: truncates, saturates by default, NaN gives 0 (PTX ISA, cvt)
                default -> op2(to == I32 ? "cvt.rzi.s32.f32" : "cvt.rzi.u32.f32", a, to);
            };
            case F32 -> switch (from) {
                case U32 -> op2("cvt.rn.f32.u32", a, F32);
                case I32 -> op2("cvt.rn.f32.s32", a, F32);
                default -> select32(a, hex(ONE_F32), "0", F32);
            };
            case BOOL -> from == F32 ? compareWith("neu", "f32", a, f32(0)) : compareWith("ne", "u32", a, "0");
            default -> throw new IllegalStateException("Cast to " + to + " reached lowering");
        };
    }

    private Value select32(String pred, String ifTrue, String ifFalse, ScalarType type) {
        String d = c.b32();
        c.op("selp.b32 " + d + ", " + ifTrue + ", " + ifFalse + ", " + pred);
        return new Value(d, type);
    }

    /** {@code Select(cond, a, b)} of already-evaluated operands. */
    Value select(Value cond, Value a, Value b) {
        if (!a.isBool()) {
            return select32(cond.reg(), a.reg(), b.reg(), a.type());
        }
        String notCond = c.pred();
        String t1 = c.pred();
        String t2 = c.pred();
        String d = c.pred();
        c.op("not.pred " + notCond + ", " + cond.reg());
        c.op("and.pred " + t1 + ", " + cond.reg() + ", " + a.reg());
        c.op("and.pred " + t2 + ", " + notCond + ", " + b.reg());
        c.op("or.pred " + d + ", " + t1 + ", " + t2);
        return new Value(d, BOOL);
    }

    /** {@code a * b + c} rounded once. */
    Value fma(Value a, Value b, Value addend) {
        String d = c.b32();
        c.op("fma.rn.f32 " + d + ", " + a.reg() + ", " + b.reg() + ", " + addend.reg());
        return new Value(d, F32);
    }

    private static IllegalStateException unexpected(BinaryOp op, ScalarType type) {
        return new IllegalStateException(op + " on " + type + " reached lowering; the validator refuses it");
    }
}
