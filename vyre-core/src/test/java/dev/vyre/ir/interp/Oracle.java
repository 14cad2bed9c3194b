package dev.vyre.ir.interp;

import static dev.vyre.ir.interp.Values.f;
import static dev.vyre.ir.interp.Values.fl;
import static dev.vyre.ir.interp.Values.ul;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * docs/VIR0-SEMANTICS.md computed a second way, independently of {@link Ops}: integers through long or
 * BigInteger arithmetic, f32 through double arithmetic rounded once to float (innocuous double rounding for
 * + - * / and sqrt), rounding through BigDecimal, bit operations through loops.
 */
final class Oracle {
    private static final long TWO_32 = 1L << 32;

    private Oracle() {
    }

    /** The result type per the semantics table (not taken from Ops). */
    static ScalarType binaryResult(BinaryOp op, ScalarType l) {
        return switch (op) {
            case EQ, NE, LT, GT, LE, GE, AND, OR -> ScalarType.BOOL;
            case ABS_DIFF -> l == ScalarType.F32 ? ScalarType.F32 : ScalarType.U32;
            case BALLOT -> ScalarType.U32;
            default -> l;
        };
    }

    static ScalarType unaryResult(UnaryOp op, ScalarType t) {
        return switch (op) {
            case POPCOUNT, CLZ, CTZ -> ScalarType.U32;
            case IS_NAN, IS_INF, IS_FINITE, LOGICAL_NOT -> ScalarType.BOOL;
            default -> t;
        };
    }

    private static int bool(boolean b) {
        return b ? 1 : 0;
    }

    /** Wraps an exact integer to 32 bits. */
    private static int wrap(long v) {
        return (int) Math.floorMod(v, TWO_32);
    }

    /** The exact value of a raw U32 or I32. */
    private static long exact(ScalarType t, int v) {
        return t == ScalarType.U32 ? ul(v) : v;
    }

    private static int clamp(ScalarType t, BigInteger v) {
        BigInteger lo = BigInteger.valueOf(t == ScalarType.U32 ? 0 : Integer.MIN_VALUE);
        BigInteger hi = BigInteger.valueOf(t == ScalarType.U32 ? 0xFFFF_FFFFL : Integer.MAX_VALUE);
        return (int) v.max(lo).min(hi).longValue();
    }

    private static float rounded(double exactEnough) {
        return (float) exactEnough;
    }

    static int binary(BinaryOp op, ScalarType t, int l, int r) {
        return t == ScalarType.F32 ? binaryF32(op, fl(l), fl(r), l, r) : binaryInt(op, t, l, r);
    }

    private static int binaryInt(BinaryOp op, ScalarType t, int l, int r) {
        long a = exact(t, l);
        long b = exact(t, r);
        boolean lb = l != 0;
        boolean rb = r != 0;
        int k = r & 31;
        BigInteger ba = BigInteger.valueOf(a);
        BigInteger bb = BigInteger.valueOf(b);
        return switch (op) {
            case ADD, WRAPPING_ADD -> wrap(a + b);
            case SUB, WRAPPING_SUB -> wrap(a - b);
            case MUL -> (int) ba.multiply(bb).mod(BigInteger.valueOf(TWO_32)).longValue();
            case DIV -> b == 0 ? 0 : wrap(a / b); // long division truncates; MIN / -1 = 2^31 wraps to MIN
            case MOD -> b == 0 ? 0 : wrap(a % b);
            case BIT_AND -> t == ScalarType.BOOL ? bool(lb && rb) : l & r;
            case BIT_OR -> t == ScalarType.BOOL ? bool(lb || rb) : l | r;
            case BIT_XOR -> t == ScalarType.BOOL ? bool(lb != rb) : l ^ r;
            case AND -> bool(lb && rb);
            case OR -> bool(lb || rb);
            case SHL -> wrap(ul(l) * (1L << k));
            case SHR -> t == ScalarType.U32 ? (int) (ul(l) / (1L << k)) : (int) Math.floorDiv((long) l, 1L << k);
            case ROTATE_LEFT -> (int) ((ul(l) << k | ul(l) >>> (32 - k)) & 0xFFFF_FFFFL);
            case ROTATE_RIGHT -> (int) ((ul(l) >>> k | ul(l) << (32 - k)) & 0xFFFF_FFFFL);
            case EQ -> bool(a == b);
            case NE -> bool(a != b);
            case LT -> bool(a < b);
            case GT -> bool(a > b);
            case LE -> bool(a <= b);
            case GE -> bool(a >= b);
            case ABS_DIFF -> (int) Math.abs(a - b);
            case MIN -> (int) Math.min(a, b);
            case MAX -> (int) Math.max(a, b);
            case SATURATING_ADD -> clamp(t, ba.add(bb));
            case SATURATING_SUB -> clamp(t, ba.subtract(bb));
            case SATURATING_MUL -> clamp(t, ba.multiply(bb));
            case MUL_HIGH -> t == ScalarType.U32 ? (int) Math.unsignedMultiplyHigh(a << 32, b)
                    : (int) Math.multiplyHigh(a << 32, b);
            default -> throw new IllegalArgumentException(op + " " + t);
        };
    }

    private static int binaryF32(BinaryOp op, float x, float y, int l, int r) {
        double a = x;
        double b = y;
        boolean nan = Double.isNaN(a) || Double.isNaN(b);
        return switch (op) {
            case ADD -> f(rounded(a + b));
            case SUB -> f(rounded(a - b));
            case MUL -> f(rounded(a * b));
            case DIV -> f(rounded(a / b));
            case MOD -> f(rounded(a % b)); // fmod is exact in either precision
            case EQ -> bool(a == b);
            case NE -> bool(!(a == b));
            case LT -> bool(!nan && a < b);
            case GT -> bool(!nan && a > b);
            case LE -> bool(!nan && a <= b);
            case GE -> bool(!nan && a >= b);
            case ABS_DIFF -> f(rounded(Math.abs((double) rounded(a - b))));
            case MIN, MAX -> {
                if (Double.isNaN(a) && Double.isNaN(b)) {
                    yield 0x7FC0_0000;
                }
                if (Double.isNaN(a)) {
                    yield r;
                }
                if (Double.isNaN(b)) {
                    yield l;
                }
                boolean lFirst; // l orders before r, with -0.0 before +0.0
                if (a == b) {
                    lFirst = l < 0 || r >= 0; // equal values: only ±0 differ, the negative one is smaller
                } else {
                    lFirst = a < b;
                }
                yield (op == BinaryOp.MIN) == lFirst ? l : r;
            }
            default -> throw new IllegalArgumentException(op + " F32");
        };
    }

    static int unary(UnaryOp op, ScalarType t, int x) {
        if (t == ScalarType.F32) {
            return unaryF32(op, x);
        }
        long a = exact(t, x);
        return switch (op) {
            case NEGATE -> wrap(-a);
            case BIT_NOT -> -1 - x;
            case LOGICAL_NOT -> bool(x == 0);
            case POPCOUNT -> {
                int n = 0;
                for (int i = 0; i < 32; i++) {
                    n += (x >>> i) & 1;
                }
                yield n;
            }
            case CLZ -> {
                int n = 0;
                for (int i = 31; i >= 0 && ((x >>> i) & 1) == 0; i--) {
                    n++;
                }
                yield n;
            }
            case CTZ -> {
                int n = 0;
                for (int i = 0; i < 32 && ((x >>> i) & 1) == 0; i++) {
                    n++;
                }
                yield n;
            }
            case REVERSE_BITS -> {
                int out = 0;
                for (int i = 0; i < 32; i++) {
                    out |= ((x >>> i) & 1) << (31 - i);
                }
                yield out;
            }
            case ABS -> wrap(Math.abs(a));
            case SIGN -> Long.signum(a);
            case UNPACK8_LOW, UNPACK8_HIGH -> {
                int base = op == UnaryOp.UNPACK8_LOW ? 0 : 2;
                int b0 = (int) (ul(x) / (1L << (8 * base)) % 256);
                int b1 = (int) (ul(x) / (1L << (8 * (base + 1))) % 256);
                yield b0 + b1 * 65536;
            }
            case UNPACK4_LOW, UNPACK4_HIGH -> {
                int base = op == UnaryOp.UNPACK4_LOW ? 0 : 4;
                int out = 0;
                for (int i = 0; i < 4; i++) {
                    int nibble = (int) (ul(x) / (1L << (4 * (base + i))) % 16);
                    out += nibble << (8 * i);
                }
                yield out;
            }
            default -> throw new IllegalArgumentException(op + " " + t);
        };
    }

    private static int roundIntegral(float v, RoundingMode mode) {
        if (Float.isNaN(v) || Float.isInfinite(v) || v == 0.0f) {
            return f(v);
        }
        float out = new BigDecimal(v).setScale(0, mode).floatValue();
        return f(out == 0.0f ? Math.copySign(0.0f, v) : out);
    }

    private static int unaryF32(UnaryOp op, int x) {
        float v = fl(x);
        double d = v;
        boolean nan = Float.isNaN(v);
        return switch (op) {
            case NEGATE -> nan ? x ^ 0x8000_0000 : f(-v);
            case ABS -> nan ? x & 0x7FFF_FFFF : f(rounded(Math.abs(d)));
            case SIGN -> nan || v == 0.0f ? x : f(v > 0 ? 1.0f : -1.0f);
            case SQRT -> f(rounded(StrictMath.sqrt(d)));
            case FLOOR -> roundIntegral(v, RoundingMode.FLOOR);
            case CEIL -> roundIntegral(v, RoundingMode.CEILING);
            case ROUND -> roundIntegral(v, RoundingMode.HALF_EVEN);
            case TRUNC -> roundIntegral(v, RoundingMode.DOWN);
            case RECIPROCAL -> f(rounded(1.0 / d));
            case INVERSE_SQRT -> f(rounded(1.0 / StrictMath.sqrt(d)));
            case COS -> f(rounded(StrictMath.cos(d)));
            case SIN -> f(rounded(StrictMath.sin(d)));
            case TAN -> f(rounded(StrictMath.tan(d)));
            case ACOS -> f(rounded(StrictMath.acos(d)));
            case ASIN -> f(rounded(StrictMath.asin(d)));
            case ATAN -> f(rounded(StrictMath.atan(d)));
            case TANH -> f(rounded(StrictMath.tanh(d)));
            case SINH -> f(rounded(StrictMath.sinh(d)));
            case COSH -> f(rounded(StrictMath.cosh(d)));
            case EXP -> f(rounded(StrictMath.exp(d)));
            case LOG -> f(rounded(StrictMath.log(d)));
            case LOG2 -> f(rounded(StrictMath.log(d) / StrictMath.log(2.0)));
            case EXP2 -> f(rounded(StrictMath.pow(2.0, d)));
            case IS_NAN -> bool(nan);
            case IS_INF -> bool(Math.abs(d) == Double.POSITIVE_INFINITY);
            case IS_FINITE -> bool(!nan && Math.abs(d) != Double.POSITIVE_INFINITY);
            default -> throw new IllegalArgumentException(op + " F32");
        };
    }

    static int cast(ScalarType from, ScalarType to, int v) {
        if (from == to) {
            return v;
        }
        if (to == ScalarType.BOOL) {
            return from == ScalarType.F32 ? bool(!(fl(v) == 0.0f)) : bool(v != 0);
        }
        if (from == ScalarType.BOOL) {
            return to == ScalarType.F32 ? f(v == 1 ? 1.0f : 0.0f) : v;
        }
        if (to == ScalarType.F32) {
            return f(rounded((double) exact(from, v))); // exact in double, one rounding to float
        }
        if (from == ScalarType.F32) {
            float x = fl(v);
            if (Float.isNaN(x)) {
                return 0;
            }
            BigDecimal lo = BigDecimal.valueOf(to == ScalarType.U32 ? 0 : Integer.MIN_VALUE);
            BigDecimal hi = BigDecimal.valueOf(to == ScalarType.U32 ? 0xFFFF_FFFFL : Integer.MAX_VALUE);
            if (Float.isInfinite(x)) {
                return (int) (x > 0 ? hi : lo).longValue();
            }
            BigDecimal t = new BigDecimal(x).setScale(0, RoundingMode.DOWN);
            return (int) t.max(lo).min(hi).longValue();
        }
        return v; // U32 <-> I32: same bits
    }

    /** What an atomic stores over {@code old}. */
    static int atomicStore(AtomicOp op, ScalarType t, int old, int expected, int value) {
        long o = exact(t, old);
        long v = exact(t, value);
        return switch (op) {
            case ADD -> wrap(o + v);
            case OR -> old | value;
            case AND -> old & value;
            case XOR -> old ^ value;
            case MIN -> (int) Math.min(o, v);
            case MAX -> (int) Math.max(o, v);
            case EXCHANGE -> value;
            case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK -> old == expected ? value : old;
            case FETCH_NAND -> -1 - (old & value);
            case LRU_UPDATE -> ul(value) > ul(old) ? value : old;
        };
    }
}
