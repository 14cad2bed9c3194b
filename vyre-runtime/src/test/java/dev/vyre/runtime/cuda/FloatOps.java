package dev.vyre.runtime.cuda;

import java.util.Set;

/**
 * {@link PtxSim}'s floating-point and signed 32-bit instructions. Registers hold raw bits (an f32 in the low word,
 * an f64 in all 64); Java's float and double operations are IEEE 754 round-to-nearest-even with subnormals, what
 * PTX's {@code .rn} instructions without {@code .ftz} specify, and Java's {@code (int)} of a double truncates,
 * saturates and maps NaN to 0 as {@code cvt.rzi.s32.f64} does.
 */
final class FloatOps {
    /** The arithmetic opcodes run on f32 and f64 operands. */
    static final Set<String> ARITHMETIC = Set.of("add", "sub", "mul", "div", "neg", "abs", "sqrt", "fma");

    private FloatOps() {
    }

    /** {@code op.type d, a, b, c} on raw bits; the result's bits. */
    static long arithmetic(String text, String op, String type, long a, long b, long c) {
        if (!text.contains(".rn.") && !op.equals("neg") && !op.equals("abs")) {
            throw new IllegalStateException("the simulator runs only round-to-nearest float arithmetic: " + text);
        }
        if (type.equals("f64")) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            return Double.doubleToRawLongBits(switch (op) {
                case "add" -> x + y;
                case "sub" -> x - y;
                case "mul" -> x * y;
                case "div" -> x / y;
                case "neg" -> -x;
                case "abs" -> Math.abs(x);
                case "sqrt" -> Math.sqrt(x);
                default -> Math.fma(x, y, Double.longBitsToDouble(c));
            });
        }
        float x = Float.intBitsToFloat((int) a);
        float y = Float.intBitsToFloat((int) b);
        return Integer.toUnsignedLong(Float.floatToRawIntBits(switch (op) {
            case "add" -> x + y;
            case "sub" -> x - y;
            case "mul" -> x * y;
            case "div" -> x / y;
            case "neg" -> -x;
            case "abs" -> Math.abs(x);
            case "sqrt" -> (float) Math.sqrt(x);
            default -> Math.fma(x, y, Float.intBitsToFloat((int) c));
        }));
    }

    /** {@code div/min/max.s32}. */
    static int signed(String text, String op, int a, int b) {
        return switch (op) {
            case "min" -> Math.min(a, b);
            case "max" -> Math.max(a, b);
            default -> {
                if (b == 0) {
                    throw new IllegalStateException("the simulator refuses a division by zero: " + text);
                }
                yield a / b;
            }
        };
    }

    /** {@code setp.CMP.f32/f64}: ordered comparisons, {@code neu} (unordered or not equal) and {@code nan}. */
    static boolean compare(String text, String cmp, String type, long a, long b) {
        double x = type.equals("f64") ? Double.longBitsToDouble(a) : Float.intBitsToFloat((int) a);
        double y = type.equals("f64") ? Double.longBitsToDouble(b) : Float.intBitsToFloat((int) b);
        return switch (cmp) {
            case "eq" -> x == y;
            case "ne" -> x < y || x > y;
            case "lt" -> x < y;
            case "le" -> x <= y;
            case "gt" -> x > y;
            case "ge" -> x >= y;
            case "neu" -> x != y;
            case "nan" -> Double.isNaN(x) || Double.isNaN(y);
            default -> throw new IllegalStateException("the simulator does not support: " + text);
        };
    }

    /** {@code cvt[.rnd].TO.FROM} between f32, f64, s32 and u32 (the integer-only forms are PtxSim's). */
    static long convert(String text, String[] op, long v) {
        String rounding = op.length == 4 ? op[1] : "";
        String to = op[op.length - 2];
        String from = op[op.length - 1];
        double x = switch (from) {
            case "f64" -> Double.longBitsToDouble(v);
            case "f32" -> Float.intBitsToFloat((int) v);
            case "s32" -> (int) v;
            case "u32" -> v & 0xFFFF_FFFFL;
            default -> throw new IllegalStateException("the simulator does not support: " + text);
        };
        switch (to) {
            case "f64" -> {
                double r = switch (rounding) {
                    case "", "rn" -> x; // f32 and 32-bit integers widen exactly
                    case "rmi" -> Math.floor(x);
                    case "rpi" -> Math.ceil(x);
                    case "rzi" -> x < 0 ? Math.ceil(x) : Math.floor(x);
                    case "rni" -> Math.rint(x);
                    default -> throw new IllegalStateException("the simulator does not support: " + text);
                };
                return Double.doubleToRawLongBits(r);
            }
            case "f32" -> {
                if (!rounding.equals("rn") && !(rounding.isEmpty() && from.equals("f32"))) {
                    throw new IllegalStateException("the simulator does not support: " + text);
                }
                return Integer.toUnsignedLong(Float.floatToRawIntBits((float) x));
            }
            case "s32" -> {
                requireTruncation(text, rounding);
                return Integer.toUnsignedLong((int) x);
            }
            case "u32" -> {
                requireTruncation(text, rounding);
                if (Double.isNaN(x) || x <= 0) {
                    return 0;
                }
                return x >= 0x1p32 ? 0xFFFF_FFFFL : (long) x;
            }
            default -> throw new IllegalStateException("the simulator does not support: " + text);
        }
    }

    private static void requireTruncation(String text, String rounding) {
        if (!rounding.equals("rzi")) {
            throw new IllegalStateException("the simulator does not support: " + text);
        }
    }
}
