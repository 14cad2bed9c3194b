package dev.vyre.ir.interp;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;

/**
 * The operator semantics of docs/VIR0-SEMANTICS.md as pure functions over raw 32-bit values: {@code U32} and
 * {@code I32} are the int's bits, {@code F32} is {@link Float#floatToRawIntBits}, {@code Bool} is 0 or 1.
 * Backends and tests reuse these so that every executor agrees with the reference interpreter.
 *
 * <p>The {@code ...Type} methods give an operator's result type, or null where the operand types are not
 * allowed; the evaluation methods assume allowed operand types and throw {@link IllegalArgumentException}
 * otherwise.
 *
 * <p>{@code Log2} is {@code StrictMath.log(x) / StrictMath.log(2.0)} and {@code Exp2} is
 * {@code StrictMath.pow(2.0, x)} in double precision (StrictMath has neither), then rounded to f32.
 */
public final class Ops {
    /** The canonical quiet NaN, returned by Min and Max when both operands are NaN. */
    public static final int CANONICAL_NAN = 0x7FC00000;
    /** Lanes per wave. */
    public static final int WAVE_SIZE = 32;

    private static final int SIGN_BIT = 0x8000_0000;
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final double LN2 = StrictMath.log(2.0);

    private Ops() {
    }

    // ---- types ---------------------------------------------------------------------------------------------

    /** True for the types a runtime value can have: U32, I32, F32, Bool. */
    public static boolean isValueType(ScalarType t) {
        return t == ScalarType.U32 || t == ScalarType.I32 || t == ScalarType.F32 || t == ScalarType.BOOL;
    }

    /** True for the element types a buffer of a runnable program can have: the value types and Bytes. */
    public static boolean isBufferType(ScalarType t) {
        return isValueType(t) || t == ScalarType.BYTES;
    }

    /** The type a Load of an element of type {@code element} produces (Bytes loads as U32). */
    public static ScalarType loadType(ScalarType element) {
        return element == ScalarType.BYTES ? ScalarType.U32 : element;
    }

    private static boolean isInt(ScalarType t) {
        return t == ScalarType.U32 || t == ScalarType.I32;
    }

    private static boolean isNumber(ScalarType t) {
        return isInt(t) || t == ScalarType.F32;
    }

    /** The result type of {@code l op r}, or null when the operand types are not allowed. */
    public static ScalarType binaryType(BinaryOp op, ScalarType l, ScalarType r) {
        if (l == null || r == null) {
            return null;
        }
        boolean same = l == r;
        return switch (op) {
            case ADD, SUB, MUL, DIV, MOD, MIN, MAX -> same && isNumber(l) ? l : null;
            case WRAPPING_ADD, WRAPPING_SUB, SATURATING_ADD, SATURATING_SUB, SATURATING_MUL, MUL_HIGH ->
                    same && isInt(l) ? l : null;
            case BIT_AND, BIT_OR, BIT_XOR -> same && (isInt(l) || l == ScalarType.BOOL) ? l : null;
            case SHL, SHR, ROTATE_LEFT, ROTATE_RIGHT -> isInt(l) && isInt(r) ? l : null;
            case EQ, NE -> same && isValueType(l) ? ScalarType.BOOL : null;
            case LT, GT, LE, GE -> same && isNumber(l) ? ScalarType.BOOL : null;
            case AND, OR -> same && l == ScalarType.BOOL ? ScalarType.BOOL : null;
            case ABS_DIFF -> same && isNumber(l) ? (l == ScalarType.F32 ? ScalarType.F32 : ScalarType.U32) : null;
            case SHUFFLE, WAVE_BROADCAST -> isValueType(l) && r == ScalarType.U32 ? l : null;
            case BALLOT -> l == ScalarType.BOOL && r == ScalarType.U32 ? ScalarType.U32 : null;
            case WAVE_REDUCE -> isNumber(l) && r == ScalarType.U32 ? l : null;
        };
    }

    /** The result type of {@code op x}, or null when the operand type is not allowed. */
    public static ScalarType unaryType(UnaryOp op, ScalarType t) {
        if (t == null) {
            return null;
        }
        return switch (op) {
            case NEGATE, ABS, SIGN -> isNumber(t) ? t : null;
            case BIT_NOT, REVERSE_BITS -> isInt(t) ? t : null;
            case LOGICAL_NOT -> t == ScalarType.BOOL ? t : null;
            case POPCOUNT, CLZ, CTZ -> isInt(t) ? ScalarType.U32 : null;
            case IS_NAN, IS_INF, IS_FINITE -> t == ScalarType.F32 ? ScalarType.BOOL : null;
            case UNPACK4_LOW, UNPACK4_HIGH, UNPACK8_LOW, UNPACK8_HIGH -> t == ScalarType.U32 ? t : null;
            case COS, SIN, TAN, ACOS, ASIN, ATAN, TANH, SINH, COSH, EXP, LOG, LOG2, EXP2, SQRT, FLOOR, CEIL,
                 ROUND, TRUNC, RECIPROCAL, INVERSE_SQRT -> t == ScalarType.F32 ? t : null;
        };
    }

    /** True when {@code Cast(to, v)} is allowed for a value of type {@code from}. */
    public static boolean castAllowed(ScalarType from, ScalarType to) {
        return isValueType(from) && isValueType(to);
    }

    /** True when atomics may target a buffer of this element type (U32 and I32). */
    public static boolean atomicAllowed(ScalarType element) {
        return isInt(element);
    }

    /** The largest reduction selector of WaveReduce for values of type {@code t} (2 for F32, else 5). */
    public static int maxWaveReduceKind(ScalarType t) {
        return t == ScalarType.F32 ? 2 : 5;
    }

    // ---- binary --------------------------------------------------------------------------------------------

    /**
     * {@code l op r} for every operator except the wave collectives (see {@link #wave}); {@code t} is the type
     * of {@code l}.
     */
    public static int binary(BinaryOp op, ScalarType t, int l, int r) {
        if (t == ScalarType.F32) {
            return binaryF32(op, l, r);
        }
        boolean u = t == ScalarType.U32;
        return switch (op) {
            case ADD, WRAPPING_ADD -> l + r;
            case SUB, WRAPPING_SUB -> l - r;
            case MUL -> l * r;
            // Java's int division already gives MIN / -1 = MIN and MIN % -1 = 0
            case DIV -> r == 0 ? 0 : u ? Integer.divideUnsigned(l, r) : l / r;
            case MOD -> r == 0 ? 0 : u ? Integer.remainderUnsigned(l, r) : l % r;
            case BIT_AND, AND -> l & r;
            case BIT_OR, OR -> l | r;
            case BIT_XOR -> l ^ r;
            case SHL -> l << r;
            case SHR -> u ? l >>> r : l >> r;
            case ROTATE_LEFT -> Integer.rotateLeft(l, r);
            case ROTATE_RIGHT -> Integer.rotateRight(l, r);
            case EQ -> bool(l == r);
            case NE -> bool(l != r);
            case LT -> bool(compare(u, l, r) < 0);
            case GT -> bool(compare(u, l, r) > 0);
            case LE -> bool(compare(u, l, r) <= 0);
            case GE -> bool(compare(u, l, r) >= 0);
            case ABS_DIFF -> compare(u, l, r) >= 0 ? l - r : r - l;
            case MIN -> compare(u, l, r) <= 0 ? l : r;
            case MAX -> compare(u, l, r) >= 0 ? l : r;
            case SATURATING_ADD -> u ? clampU32(Integer.toUnsignedLong(l) + Integer.toUnsignedLong(r))
                    : clampI32((long) l + r);
            case SATURATING_SUB -> u ? clampU32(Integer.toUnsignedLong(l) - Integer.toUnsignedLong(r))
                    : clampI32((long) l - r);
            case SATURATING_MUL -> u ? saturatingMulU32(l, r) : clampI32((long) l * r);
            case MUL_HIGH -> u ? (int) ((Integer.toUnsignedLong(l) * Integer.toUnsignedLong(r)) >>> 32)
                    : (int) (((long) l * r) >> 32);
            case SHUFFLE, BALLOT, WAVE_REDUCE, WAVE_BROADCAST ->
                    throw new IllegalArgumentException(op + " is a wave collective; use Ops.wave");
        };
    }

    private static int binaryF32(BinaryOp op, int l, int r) {
        float a = Float.intBitsToFloat(l);
        float b = Float.intBitsToFloat(r);
        return switch (op) {
            case ADD -> f(a + b);
            case SUB -> f(a - b);
            case MUL -> f(a * b);
            case DIV -> f(a / b);
            case MOD -> f(a % b);
            case EQ -> bool(a == b);
            case NE -> bool(a != b);
            case LT -> bool(a < b);
            case GT -> bool(a > b);
            case LE -> bool(a <= b);
            case GE -> bool(a >= b);
            case ABS_DIFF -> f(a - b) & ~SIGN_BIT;
            case MIN -> minMaxF32(a, b, false);
            case MAX -> minMaxF32(a, b, true);
            default -> throw new IllegalArgumentException(op + " is not defined on F32");
        };
    }

    private static int minMaxF32(float a, float b, boolean max) {
        boolean na = Float.isNaN(a);
        boolean nb = Float.isNaN(b);
        if (na && nb) {
            return CANONICAL_NAN;
        }
        if (na) {
            return f(b);
        }
        if (nb) {
            return f(a);
        }
        return f(max ? Math.max(a, b) : Math.min(a, b));
    }

    private static int compare(boolean unsigned, int l, int r) {
        return unsigned ? Integer.compareUnsigned(l, r) : Integer.compare(l, r);
    }

    private static int clampU32(long v) {
        return (int) Math.max(0L, Math.min(U32_MAX, v));
    }

    private static int clampI32(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static int saturatingMulU32(int l, int r) {
        long p = Integer.toUnsignedLong(l) * Integer.toUnsignedLong(r); // < 2^64: exact as an unsigned long
        return Long.compareUnsigned(p, U32_MAX) > 0 ? -1 : (int) p;
    }

    // ---- unary ---------------------------------------------------------------------------------------------

    /** {@code op x} where {@code t} is the type of {@code x}. */
    public static int unary(UnaryOp op, ScalarType t, int x) {
        if (t == ScalarType.F32) {
            return unaryF32(op, x);
        }
        return switch (op) {
            case NEGATE -> -x;
            case BIT_NOT -> ~x;
            case LOGICAL_NOT -> x ^ 1;
            case POPCOUNT -> Integer.bitCount(x);
            case CLZ -> Integer.numberOfLeadingZeros(x);
            case CTZ -> Integer.numberOfTrailingZeros(x);
            case REVERSE_BITS -> Integer.reverse(x);
            case ABS -> t == ScalarType.U32 ? x : Math.abs(x);
            case SIGN -> t == ScalarType.U32 ? bool(x != 0) : Integer.signum(x);
            case UNPACK8_LOW -> (x & 0xFF) | (x & 0xFF00) << 8;
            case UNPACK8_HIGH -> (x >>> 16 & 0xFF) | (x >>> 24) << 16;
            case UNPACK4_LOW -> unpackNibbles(x);
            case UNPACK4_HIGH -> unpackNibbles(x >>> 16);
            default -> throw new IllegalArgumentException(op + " is not defined on " + t);
        };
    }

    /** Nibbles 0..3 of {@code x} into bytes 0..3. */
    private static int unpackNibbles(int x) {
        return (x & 0xF) | (x >>> 4 & 0xF) << 8 | (x >>> 8 & 0xF) << 16 | (x >>> 12 & 0xF) << 24;
    }

    private static int unaryF32(UnaryOp op, int x) {
        float v = Float.intBitsToFloat(x);
        return switch (op) {
            case NEGATE -> x ^ SIGN_BIT;
            case ABS -> x & ~SIGN_BIT;
            case SIGN -> Float.isNaN(v) || v == 0.0f ? x : f(v < 0 ? -1.0f : 1.0f);
            case SQRT -> f((float) Math.sqrt(v));
            case FLOOR -> f((float) Math.floor(v));
            case CEIL -> f((float) Math.ceil(v));
            case ROUND -> f((float) Math.rint(v));
            case TRUNC -> f((float) (v < 0 ? Math.ceil(v) : Math.floor(v)));
            case RECIPROCAL -> f(1.0f / v);
            case INVERSE_SQRT -> f((float) (1.0 / Math.sqrt(v)));
            case COS -> f((float) StrictMath.cos(v));
            case SIN -> f((float) StrictMath.sin(v));
            case TAN -> f((float) StrictMath.tan(v));
            case ACOS -> f((float) StrictMath.acos(v));
            case ASIN -> f((float) StrictMath.asin(v));
            case ATAN -> f((float) StrictMath.atan(v));
            case TANH -> f((float) StrictMath.tanh(v));
            case SINH -> f((float) StrictMath.sinh(v));
            case COSH -> f((float) StrictMath.cosh(v));
            case EXP -> f((float) StrictMath.exp(v));
            case LOG -> f((float) StrictMath.log(v));
            case LOG2 -> f((float) (StrictMath.log(v) / LN2));
            case EXP2 -> f((float) StrictMath.pow(2.0, v));
            case IS_NAN -> bool(Float.isNaN(v));
            case IS_INF -> bool(Float.isInfinite(v));
            case IS_FINITE -> bool(Float.isFinite(v));
            default -> throw new IllegalArgumentException(op + " is not defined on F32");
        };
    }

    // ---- other expressions ---------------------------------------------------------------------------------

    /** {@code Cast(to, v)} for a value {@code v} of type {@code from}. */
    public static int cast(ScalarType from, ScalarType to, int v) {
        if (from == to) {
            return v;
        }
        return switch (to) {
            case U32, I32 -> switch (from) {
                case U32, I32, BOOL -> v;
                case F32 -> to == ScalarType.I32 ? (int) Float.intBitsToFloat(v) : f32ToU32(Float.intBitsToFloat(v));
                default -> throw badCast(from, to);
            };
            case F32 -> switch (from) {
                case U32 -> f((float) Integer.toUnsignedLong(v));
                case I32 -> f((float) v);
                case BOOL -> f(v != 0 ? 1.0f : 0.0f);
                default -> throw badCast(from, to);
            };
            case BOOL -> switch (from) {
                case U32, I32 -> bool(v != 0);
                case F32 -> bool(Float.intBitsToFloat(v) != 0.0f);
                default -> throw badCast(from, to);
            };
            default -> throw badCast(from, to);
        };
    }

    private static int f32ToU32(float v) {
        if (!(v > 0.0f)) { // NaN, zero and negatives
            return 0;
        }
        return v >= 4294967296.0f ? -1 : (int) (long) v;
    }

    private static IllegalArgumentException badCast(ScalarType from, ScalarType to) {
        return new IllegalArgumentException("no cast from " + from + " to " + to);
    }

    /** {@code a * b + c} on F32 bits, rounded once. */
    public static int fma(int a, int b, int c) {
        return f(Math.fma(Float.intBitsToFloat(a), Float.intBitsToFloat(b), Float.intBitsToFloat(c)));
    }

    /**
     * The value an atomic stores, given the previous value {@code old} of a U32 or I32 element ({@code t}); the
     * atomic's result is {@code old}. {@code expected} is read only by the compare-exchange forms.
     */
    public static int atomic(AtomicOp op, ScalarType t, int old, int expected, int value) {
        boolean u = t == ScalarType.U32;
        return switch (op) {
            case ADD -> old + value;
            case OR -> old | value;
            case AND -> old & value;
            case XOR -> old ^ value;
            case MIN -> compare(u, value, old) < 0 ? value : old;
            case MAX -> compare(u, value, old) > 0 ? value : old;
            case EXCHANGE -> value;
            case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK -> old == expected ? value : old;
            case FETCH_NAND -> ~(old & value);
            case LRU_UPDATE -> Integer.compareUnsigned(value, old) > 0 ? value : old;
        };
    }

    // ---- wave collectives ----------------------------------------------------------------------------------

    /** The operator WaveReduce selector {@code kind} (0..5) folds with. */
    public static BinaryOp waveReduceOp(int kind) {
        return switch (kind) {
            case 0 -> BinaryOp.ADD;
            case 1 -> BinaryOp.MIN;
            case 2 -> BinaryOp.MAX;
            case 3 -> BinaryOp.BIT_AND;
            case 4 -> BinaryOp.BIT_OR;
            case 5 -> BinaryOp.BIT_XOR;
            default -> throw new IllegalArgumentException("WaveReduce selector " + kind + " is not 0..5");
        };
    }

    /**
     * Evaluates a wave collective for one wave: lane {@code i} takes part when bit {@code i} of {@code live} is
     * set, with operands {@code l[i]} and {@code r[i]} ({@code t} is the type of l); {@code out[i]} receives
     * lane i's result for every live lane (other entries are left as they are).
     */
    public static void wave(BinaryOp op, ScalarType t, int live, int[] l, int[] r, int[] out) {
        switch (op) {
            case SHUFFLE, WAVE_BROADCAST -> {
                for (int i = 0; i < WAVE_SIZE; i++) {
                    if ((live >>> i & 1) != 0) {
                        int src = r[i] & (WAVE_SIZE - 1);
                        out[i] = (live >>> src & 1) != 0 ? l[src] : 0;
                    }
                }
            }
            case BALLOT -> {
                int votes = 0;
                for (int i = 0; i < WAVE_SIZE; i++) {
                    if ((live >>> i & 1) != 0 && l[i] != 0) {
                        votes |= 1 << i;
                    }
                }
                for (int i = 0; i < WAVE_SIZE; i++) {
                    if ((live >>> i & 1) != 0) {
                        out[i] = votes & r[i];
                    }
                }
            }
            case WAVE_REDUCE -> {
                if (live == 0) {
                    return;
                }
                int first = Integer.numberOfTrailingZeros(live);
                BinaryOp fold = waveReduceOp(r[first]);
                int acc = l[first];
                for (int i = first + 1; i < WAVE_SIZE; i++) {
                    if ((live >>> i & 1) != 0) {
                        acc = binary(fold, t, acc, l[i]);
                    }
                }
                for (int i = 0; i < WAVE_SIZE; i++) {
                    if ((live >>> i & 1) != 0) {
                        out[i] = acc;
                    }
                }
            }
            default -> throw new IllegalArgumentException(op + " is not a wave collective");
        }
    }

    private static int f(float v) {
        return Float.floatToRawIntBits(v);
    }

    private static int bool(boolean b) {
        return b ? 1 : 0;
    }
}
