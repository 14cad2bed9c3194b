package dev.vyre.testing;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * F32 inputs for testing the transcendental operators bit for bit: the edge cases of fdlibm's algorithms (signed
 * zeros, subnormals, infinities, NaNs, the largest finite values, multiples and near-multiples of pi/2 up to the
 * largest f32, the overflow and underflow thresholds of exp, sinh, cosh and exp2 in f32 and in f64, the interval
 * boundaries of log, asin, acos, atan, tanh and expm1), each with its neighbours up to 2 ulps away, plus random
 * bit patterns and strided sweeps of all 2^32 patterns.
 */
public final class F32Samples {
    private static final float[] EDGES = {
        0f, 1f, 2f, 0.5f, 1.5f, 3f, 10f, 0.1f, 0.25f, 0.75f, 0.975f, 0.4375f, 0.6875f, 1.1875f, 2.4375f,
        Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, 0x1p-149f, 0x1.fffffcp-127f,
        // exp: f32 overflow (88.72), subnormal (-87.3) and zero (-103.97) results; f64 thresholds 709.78/-745.13
        88.72283f, 88.7f, 89f, -87.33655f, -103.27893f, -103.97208f, -104f, 709.78f, 709.8f, -745.1f, -745.2f,
        // sinh/cosh: 22, log(maxdouble), the overflow threshold 710.4758600739439, f32 overflow near 89.4
        22f, 89.41599f, 710.4758f, 710.476f, 711f, 0.34657359f,
        // 2^-28, 2^-27, 2^-29, 2^-54, 2^-55, 2^-57, 2^66 and near 0.5 ln2, 1.5 ln2, 56 ln2
        0x1p-28f, 0x1p-27f, 0x1p-29f, 0x1p-54f, 0x1p-55f, 0x1p-57f, 0x1p66f, 0.3465736f, 1.0397208f, 38.81624f,
        // exp2: integers and halves at the ends of the range, 2^31
        -149f, -150f, -126f, -127f, 127f, 128f, -1074f, -1075f, 1023f, 1024f, 0x1p31f, 0x1p24f,
        // pi/4, 3pi/4, pi/2 and the reduction's boundaries 2^19*pi/2, 2^20*pi/2
        0.7853982f, 2.3561945f, 1.5707964f, 823549.6f, 1647099.3f, 3.1415927f, 4.712389f, 6.2831855f,
        // f32 values known to be close to multiples of pi/2 (hard cases for argument reduction)
        0x1.921fb6p0f, 0x1.921fb4p1f, 0x1.2d97c8p2f, 16367173f, 0x1.b7f4cap25f, 0x1.5b8c5p14f, 0x1.3de2e8p27f,
        0x1.8efc08p47f, 0x1.76b51cp65f, 0x1.2c8d5ep126f, 0x1.fe2b6p69f, 0x1.b7b13cp102f, 1e30f, 1e38f, 3e38f,
    };

    private F32Samples() {
    }

    /** The edge cases, both signs, each with its neighbours 1 and 2 ulps away, plus the special values. */
    public static int[] edgeCases() {
        Set<Integer> bits = new LinkedHashSet<>();
        for (float e : EDGES) {
            int b = Float.floatToRawIntBits(Math.abs(e));
            for (int d = -2; d <= 2; d++) {
                if (b + d >= 0 && b + d <= 0x7F80_0000) {
                    bits.add(b + d);
                    bits.add((b + d) | 0x8000_0000);
                }
            }
        }
        for (int k = 1; k <= 64; k++) { // multiples of pi/4 and their neighbours
            int b = Float.floatToRawIntBits((float) (k * Math.PI / 4));
            for (int d = -1; d <= 1; d++) {
                bits.add(b + d);
                bits.add((b + d) | 0x8000_0000);
            }
        }
        for (int e = 0; e < 255; e++) { // every power of two and its predecessor
            bits.add(e << 23);
            bits.add((e << 23) - 1 & 0x7FFF_FFFF);
            bits.add(e << 23 | 0x8000_0000);
        }
        int[] specials = {0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0x0000_0001,
            0x8000_0001, 0x007F_FFFF, 0x807F_FFFF};
        for (int s : specials) {
            bits.add(s);
        }
        return bits.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code count} random bit patterns from {@code seed}. */
    public static int[] random(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            bits[i] = rnd.nextInt();
        }
        return bits;
    }

    /** The edge cases followed by {@code count} random patterns. */
    public static int[] edgeCasesAndRandom(long seed, int count) {
        int[] edges = edgeCases();
        int[] all = new int[edges.length + count];
        System.arraycopy(edges, 0, all, 0, edges.length);
        System.arraycopy(random(seed, count), 0, all, edges.length, count);
        return all;
    }
}
