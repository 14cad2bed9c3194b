package dev.vyre.ir.interp;

import dev.vyre.ir.ScalarType;
import java.util.SplittableRandom;

/** Random and edge-case raw 32-bit values per type, for operator tests. */
final class Values {
    private Values() {
    }

    static final int[] INT_EDGES = {
        0, 1, -1, 2, -2, 3, 7, 31, 32, 33, 63, 64, -31, -32, -33, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFF_FFFF,
        0x8000_0000, 0x8000_0001, 0x7FFF_FFFE, 0xFFFF_FFFE, 0x4000_0000, 0x0001_0001, 0xDEAD_BEEF, 46341, 65535,
    };

    static final int[] F32_EDGES = {
        f(0.0f), f(-0.0f), f(1.0f), f(-1.0f), f(0.5f), f(-0.5f), f(1.5f), f(2.5f), f(-2.5f), f(3.5f), f(0.49999997f),
        f(Float.POSITIVE_INFINITY), f(Float.NEGATIVE_INFINITY), Ops.CANONICAL_NAN, 0x7FC0_0001, 0xFFC0_0000,
        0x7F80_0001, // signalling NaN
        f(Float.MIN_VALUE), f(-Float.MIN_VALUE), f(Float.MIN_NORMAL), f(-Float.MIN_NORMAL), 0x007F_FFFF,
        f(Float.MAX_VALUE), f(-Float.MAX_VALUE), f(2147483648.0f), f(-2147483648.0f), f(2147483520.0f),
        f(4294967296.0f), f(4294967040.0f), f(-4294967296.0f), f(1e-30f), f(1e30f), f(8388608.5f - 0.5f),
        f(16777217.0f), f((float) Math.PI), f(100.0f), f(-7.25f),
    };

    static final int[] BOOL_EDGES = {0, 1};

    static int f(float v) {
        return Float.floatToRawIntBits(v);
    }

    static float fl(int bits) {
        return Float.intBitsToFloat(bits);
    }

    static long ul(int v) {
        return Integer.toUnsignedLong(v);
    }

    static int[] edges(ScalarType t) {
        return switch (t) {
            case F32 -> F32_EDGES;
            case BOOL -> BOOL_EDGES;
            default -> INT_EDGES;
        };
    }

    /** One value of type {@code t}: a quarter edge cases, a quarter small or simple, half uniformly random bits. */
    static int next(ScalarType t, SplittableRandom rnd) {
        if (t == ScalarType.BOOL) {
            return rnd.nextInt(2);
        }
        int[] edges = edges(t);
        int pick = rnd.nextInt(4);
        if (pick == 0) {
            return edges[rnd.nextInt(edges.length)];
        }
        if (pick == 1) {
            return t == ScalarType.F32 ? f(rnd.nextInt(-4000, 4000) / 8.0f) : rnd.nextInt(-70, 70);
        }
        return rnd.nextInt();
    }

    static int[] random(ScalarType t, SplittableRandom rnd, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = next(t, rnd);
        }
        return out;
    }

    /** Every pair of edges of the two types, as two parallel arrays. */
    static int[][] edgePairs(ScalarType lt, ScalarType rt) {
        int[] a = edges(lt);
        int[] b = edges(rt);
        int[][] out = new int[2][a.length * b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[0][i * b.length + j] = a[i];
                out[1][i * b.length + j] = b[j];
            }
        }
        return out;
    }

    /** Equal raw values, or for F32 when {@code anyNaN}, both NaN (payloads of computed NaNs are not fixed). */
    static boolean same(ScalarType t, boolean anyNaN, int expected, int actual) {
        if (expected == actual) {
            return true;
        }
        return t == ScalarType.F32 && anyNaN && Float.isNaN(fl(expected)) && Float.isNaN(fl(actual));
    }

    static String show(ScalarType t, int v) {
        String hex = String.format("0x%08X", v);
        return switch (t) {
            case F32 -> hex + " (" + fl(v) + ")";
            case U32 -> hex + " (" + Integer.toUnsignedString(v) + ")";
            case I32 -> hex + " (" + v + ")";
            default -> hex;
        };
    }
}
