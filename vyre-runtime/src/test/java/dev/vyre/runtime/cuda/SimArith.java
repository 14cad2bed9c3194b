package dev.vyre.runtime.cuda;

/**
 * The signed-integer, F32 and F64 instructions of the PTX emitter's operator sequences
 * ({@link dev.vyre.cuda.ptx.OpBlocks}), for {@link PtxSim}: registers hold a 32-bit value zero-extended, a 64-bit
 * value as is, an F32 as its bits and an F64 as its bits. Float arithmetic is Java's, which is IEEE 754
 * round-to-nearest-even like the {@code .rn} instructions, with subnormals kept (no {@code .ftz}); a NaN result is
 * the GPU's canonical NaN {@code 0x7FFFFFFF}.
 */
final class SimArith {
    /** The NaN every F32 instruction of the GPU produces. */
    static final int GPU_NAN = 0x7FFF_FFFF;
    /** The NaN every F64 instruction of the GPU produces. */
    static final long GPU_NAN64 = 0x7FFF_FFFF_FFFF_FFFFL;

    private SimArith() {
    }

    /** Whether {@code op} (the instruction's dot-separated parts) is one this class executes. */
    static boolean handles(String[] op) {
        String base = op[0];
        String type = op[op.length - 1];
        boolean signedOrFloat = type.startsWith("s") || type.startsWith("f");
        return switch (base) {
            case "popc", "prmt", "shf", "testp", "fma", "rcp", "sqrt" -> true;
            case "cvt" -> op.length > 3 || signedOrFloat || op[op.length - 2].startsWith("s")
                    || op[op.length - 2].startsWith("f");
            case "mul" -> op[1].equals("hi") || signedOrFloat;
            case "add", "sub", "div", "rem", "min", "max", "shr", "setp" -> signedOrFloat
                    || type.equals("u64") && (base.equals("rem") || base.equals("div"));
            default -> false;
        };
    }

    /** The result of {@code op} on operand values {@code v} (as many as the instruction has sources). */
    static long eval(String[] op, long[] v) {
        String base = op[0];
        String type = op[op.length - 1];
        return switch (base) {
            case "popc" -> Integer.bitCount((int) v[0]);
            case "prmt" -> permute((int) v[0], (int) v[1], (int) v[2]);
            case "shf" -> u32(op[1].equals("l") ? Integer.rotateLeft((int) v[0], (int) v[2] & 31)
                    : Integer.rotateRight((int) v[0], (int) v[2] & 31));
            case "testp" -> {
                float f = f(v[0]);
                yield switch (op[1]) {
                    case "finite" -> Float.isFinite(f) ? 1 : 0;
                    case "infinite" -> Float.isInfinite(f) ? 1 : 0;
                    case "notanumber" -> Float.isNaN(f) ? 1 : 0;
                    default -> throw unsupported(op);
                };
            }
            case "fma" -> bits(Math.fma(f(v[0]), f(v[1]), f(v[2])));
            case "rcp" -> type.equals("f64") ? bits64(1.0 / d(v[0])) : bits(1.0f / f(v[0]));
            case "sqrt" -> type.equals("f64") ? bits64(Math.sqrt(d(v[0]))) : bits((float) Math.sqrt(f(v[0])));
            case "cvt" -> convert(op, v[0]);
            case "mul" -> multiply(op, v);
            case "setp" -> compare(op[1], type, v[0], v[1]) ? 1 : 0;
            default -> type.equals("f32") ? floatBinary(base, f(v[0]), f(v[1])) : integerBinary(base, type, v);
        };
    }

    private static long multiply(String[] op, long[] v) {
        String type = op[op.length - 1];
        return switch (op[1]) {
            case "hi" -> type.equals("u64") ? Math.unsignedMultiplyHigh(v[0], v[1]) : type.equals("s32") ? u32((int) (((long) (int) v[0] * (int) v[1]) >> 32))
                    : (v[0] & 0xFFFF_FFFFL) * (v[1] & 0xFFFF_FFFFL) >>> 32;
            case "wide" -> (long) (int) v[0] * (int) v[1];
            case "lo" -> u32((int) v[0] * (int) v[1]);
            default -> bits(f(v[0]) * f(v[1]));
        };
    }

    private static long integerBinary(String base, String type, long[] v) {
        if (type.equals("u64")) {
            return base.equals("rem") ? Long.remainderUnsigned(v[0], v[1]) : Long.divideUnsigned(v[0], v[1]);
        }
        if (type.equals("s64")) {
            return switch (base) {
                case "add" -> v[0] + v[1];
                case "sub" -> v[0] - v[1];
                case "min" -> Math.min(v[0], v[1]);
                case "max" -> Math.max(v[0], v[1]);
                case "div" -> v[0] / v[1];
                case "rem" -> v[0] % v[1];
                default -> throw new IllegalStateException("the simulator does not support " + base + "." + type);
            };
        }
        int a = (int) v[0];
        int b = (int) v[1];
        return u32(switch (base) {
            case "add" -> a + b;
            case "sub" -> a - b;
            case "min" -> Math.min(a, b);
            case "max" -> Math.max(a, b);
            case "div" -> a / b;
            case "rem" -> a % b;
            case "shr" -> a >> Math.min(b, 31);
            default -> throw new IllegalStateException("the simulator does not support " + base + "." + type);
        });
    }

    private static long floatBinary(String base, float a, float b) {
        return bits(switch (base) {
            case "add" -> a + b;
            case "sub" -> a - b;
            case "div" -> a / b;
            default -> throw new IllegalStateException("the simulator does not support " + base + ".f32");
        });
    }

    private static long convert(String[] op, long x) {
        String rounding = op.length > 3 ? op[1] : "";
        String to = op[op.length - 2];
        String from = op[op.length - 1];
        if (to.equals("f32") && from.equals("f32")) {
            float f = f(x);
            return bits(switch (rounding) {
                case "rmi" -> (float) Math.floor(f);
                case "rpi" -> (float) Math.ceil(f);
                case "rni" -> (float) Math.rint(f);
                case "rzi" -> f < 0 ? (float) Math.ceil(f) : (float) Math.floor(f);
                default -> throw unsupported(op);
            });
        }
        return switch (to + "." + from) {
            case "s32.f32" -> u32((int) f(x)); // truncates, saturates, NaN gives 0: as cvt.rzi.s32.f32
            case "u32.f32" -> {
                float f = f(x);
                yield Float.isNaN(f) || f <= 0 ? 0 : f >= 4294967296.0f ? 0xFFFF_FFFFL : (long) f;
            }
            case "f32.u32" -> bits((float) (x & 0xFFFF_FFFFL));
            case "f32.s32" -> bits((float) (int) x);
            case "f64.f32" -> bits64(f(x));
            case "f32.f64" -> bits((float) d(x));
            case "s64.s32" -> (long) (int) x;
            case "u64.s32" -> (long) (int) x;
            case "s32.s64", "u32.s64" -> x & 0xFFFF_FFFFL;
            default -> throw unsupported(op);
        };
    }

    private static boolean compare(String cmp, String type, long x, long y) {
        if (type.equals("f32")) {
            float a = f(x);
            float b = f(y);
            return switch (cmp) {
                case "eq" -> a == b;
                case "ne" -> a != b && !Float.isNaN(a) && !Float.isNaN(b);
                case "neu" -> a != b;
                case "lt" -> a < b;
                case "le" -> a <= b;
                case "gt" -> a > b;
                case "ge" -> a >= b;
                case "nan" -> Float.isNaN(a) || Float.isNaN(b);
                default -> throw new IllegalStateException("the simulator does not support setp." + cmp + ".f32");
            };
        }
        int c = type.equals("s64") ? Long.compare(x, y) : Integer.compare((int) x, (int) y);
        return ordered(cmp, c, () -> new IllegalStateException("the simulator does not support setp." + cmp + "."
                + type));
    }

    /** Whether a comparison whose three-way result is {@code c} holds for {@code setp.cmp} (eq ne lt le gt ge). */
    static boolean ordered(String cmp, int c, java.util.function.Supplier<RuntimeException> unknown) {
        return switch (cmp) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            default -> throw unknown.get();
        };
    }

    /** {@code prmt.b32} in its default mode: byte i of the result is byte {@code sel_i & 7} of {b, a}, sign-replicated for bit 3. */
    private static long permute(int a, int b, int selector) {
        long pool = (a & 0xFFFF_FFFFL) | (b & 0xFFFF_FFFFL) << 32;
        int result = 0;
        for (int i = 0; i < 4; i++) {
            int sel = selector >>> (4 * i) & 0xF;
            int value = (int) (pool >>> (8 * (sel & 7)) & 0xFF);
            if ((sel & 8) != 0) {
                value = (value & 0x80) != 0 ? 0xFF : 0;
            }
            result |= value << (8 * i);
        }
        return u32(result);
    }

    private static float f(long bits) {
        return Float.intBitsToFloat((int) bits);
    }

    private static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    private static long bits(float f) {
        return Float.isNaN(f) ? GPU_NAN : u32(Float.floatToRawIntBits(f));
    }

    private static long bits64(double d) {
        return Double.isNaN(d) ? GPU_NAN64 : Double.doubleToRawLongBits(d);
    }

    private static long u32(int v) {
        return Integer.toUnsignedLong(v);
    }

    private static IllegalStateException unsupported(String[] op) {
        return new IllegalStateException("the simulator does not support " + String.join(".", op));
    }
}
