package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.TestPrograms.bind;
import static dev.vyre.ir.interp.TestPrograms.input;
import static dev.vyre.ir.interp.TestPrograms.words;
import static dev.vyre.ir.interp.Values.f;
import static dev.vyre.ir.interp.Values.fl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.ir.Expr;
import dev.vyre.ir.ScalarType;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cast between every pair of value types, Fma and Select, through whole programs, against the Oracle. */
class CastAndTernaryTest {
    private static final List<ScalarType> TYPES = List.of(U32, I32, F32, BOOL);

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (ScalarType from : TYPES) {
            for (ScalarType to : TYPES) {
                out.add(Arguments.of(from, to));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void castMatchesOracle(ScalarType from, ScalarType to) {
        Props.forAll("Cast " + from + " -> " + to, 6, (i, rnd) -> {
            int[] a = i == 0 ? Values.edges(from) : Values.random(from, rnd, 700);
            int[] got = TestPrograms.cast(from, to, a);
            for (int k = 0; k < a.length; k++) {
                int want = Oracle.cast(from, to, a[k]);
                assertEquals(want, got[k], "Cast " + Values.show(from, a[k]) + " to " + to);
                assertEquals(want, Ops.cast(from, to, a[k]));
            }
        });
        assertEquals(true, Ops.castAllowed(from, to));
    }

    @Test
    void castEdgeCasesFromTheDoc() {
        assertEquals(0, Ops.cast(F32, I32, Ops.CANONICAL_NAN));
        assertEquals(0, Ops.cast(F32, U32, 0xFFC0_0000));
        assertEquals(Integer.MAX_VALUE, Ops.cast(F32, I32, f(3e9f)));
        assertEquals(Integer.MIN_VALUE, Ops.cast(F32, I32, f(Float.NEGATIVE_INFINITY)));
        assertEquals(-1, Ops.cast(F32, U32, f(5e9f)));
        assertEquals(0, Ops.cast(F32, U32, f(-1.5f)));
        assertEquals(-7, Ops.cast(F32, I32, f(-7.9f)));
        assertEquals((int) 4294967040L, Ops.cast(F32, U32, f(4294967040.0f)));
        assertEquals(f(4294967296.0f), Ops.cast(U32, F32, -1));         // rounds up to 2^32
        assertEquals(f(16777216.0f), Ops.cast(I32, F32, 16777217));      // tie to even
        assertEquals(f(-2147483648.0f), Ops.cast(I32, F32, Integer.MIN_VALUE));
        assertEquals(1, Ops.cast(F32, BOOL, Ops.CANONICAL_NAN));
        assertEquals(0, Ops.cast(F32, BOOL, f(-0.0f)));
        assertEquals(1, Ops.cast(F32, BOOL, f(Float.MIN_VALUE)));
        assertEquals(f(1.0f), Ops.cast(BOOL, F32, 1));
        assertEquals(-5, Ops.cast(I32, U32, -5));
        assertFalse(Ops.castAllowed(ScalarType.BYTES, U32));
        assertFalse(Ops.castAllowed(U32, ScalarType.U64));
    }

    @Test
    void fmaRoundsOnceThroughAProgram() {
        Props.forAll("Fma", 6, (i, rnd) -> {
            int n = 600;
            int[] a = Values.random(F32, rnd, n);
            int[] b = Values.random(F32, rnd, n);
            int[] c = Values.random(F32, rnd, n);
            if (i == 0) { // a*b+c where the unfused form rounds differently: (1+2^-12)^2 - (1+2^-11)
                a[0] = f(1.0f + 0x1p-12f);
                b[0] = f(1.0f + 0x1p-12f);
                c[0] = f(-(1.0f + 0x1p-11f));
            }
            int[] got = TestPrograms.elementwise(n, List.of(input("a", 0, F32), input("b", 1, F32),
                            input("c", 2, F32)), bind("a", words(a), "b", words(b), "c", words(c)), F32,
                    new Expr.Fma(Expr.load("a", Expr.var("i")), Expr.load("b", Expr.var("i")),
                            Expr.load("c", Expr.var("i"))));
            for (int k = 0; k < n; k++) {
                // independent: the exact product and sum in BigDecimal, rounded once to float
                float want = exactFma(fl(a[k]), fl(b[k]), fl(c[k]));
                if (!Values.same(F32, true, f(want), got[k])) {
                    fail("fma(" + fl(a[k]) + ", " + fl(b[k]) + ", " + fl(c[k]) + "): want " + want + ", got "
                            + fl(got[k]));
                }
            }
            if (i == 0) {
                assertEquals(f(0x1p-24f), got[0]); // the unfused a*b+c gives 0
            }
        });
    }

    /** a*b+c rounded once: exact in BigDecimal where finite, else IEEE rules via double. */
    private static float exactFma(float a, float b, float c) {
        if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c)) {
            return (float) ((double) a * b + c); // inf/NaN propagation: the product of floats is exact in double
        }
        java.math.BigDecimal exact = new java.math.BigDecimal(a).multiply(new java.math.BigDecimal(b))
                .add(new java.math.BigDecimal(c));
        if (exact.signum() == 0) {
            // an exact zero sum is +0 unless both the product and c are -0 (round to nearest)
            boolean productNegative = (Math.copySign(1f, a) * Math.copySign(1f, b)) < 0;
            boolean negativeZeroProduct = (a == 0 || b == 0) && productNegative;
            return negativeZeroProduct && Float.floatToRawIntBits(c) == Float.floatToRawIntBits(-0.0f)
                    ? -0.0f : 0.0f;
        }
        return roundToFloat(exact);
    }

    /** Correctly rounded (nearest even) BigDecimal to float, including subnormals and overflow. */
    private static float roundToFloat(java.math.BigDecimal v) {
        double d = v.doubleValue(); // nearest double
        float f = (float) d;
        // the nearest double may sit exactly on a float midpoint the exact value is not on: fix by comparison
        float up = Math.nextUp(f);
        float down = Math.nextDown(f);
        float best = f;
        for (float cand : new float[] {down, up}) {
            if (Float.isFinite(cand) && Float.isFinite(best)) {
                int cmp = v.subtract(new java.math.BigDecimal(cand)).abs()
                        .compareTo(v.subtract(new java.math.BigDecimal(best)).abs());
                if (cmp < 0 || (cmp == 0 && (Float.floatToRawIntBits(cand) & 1) == 0)) {
                    best = cand;
                }
            }
        }
        return best;
    }

    @Test
    void selectEvaluatesBothBranchesAndPicks() {
        Props.forAll("Select", 4, (i, rnd) -> {
            int n = 500;
            int[] c = Values.random(BOOL, rnd, n);
            int[] a = Values.random(F32, rnd, n);
            int[] b = Values.random(F32, rnd, n);
            int[] got = TestPrograms.elementwise(n, List.of(input("c", 0, BOOL), input("a", 1, F32),
                            input("b", 2, F32)), bind("c", words(c), "a", words(a), "b", words(b)), F32,
                    new Expr.Select(Expr.load("c", Expr.var("i")), Expr.load("a", Expr.var("i")),
                            Expr.load("b", Expr.var("i"))));
            for (int k = 0; k < n; k++) {
                assertEquals(c[k] == 1 ? a[k] : b[k], got[k]);
            }
        });
    }
}
