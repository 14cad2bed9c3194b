package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.Values.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every unary operator on every allowed type, through whole programs and Ops, against the Oracle. */
class UnaryOpsTest {
    private static final int BATCHES = 6;
    private static final int BATCH = 700;

    /** The operand types the semantics table allows, written out from the doc. */
    private static Set<ScalarType> allowed(UnaryOp op) {
        return switch (op) {
            case NEGATE, ABS, SIGN -> EnumSet.of(U32, I32, F32);
            case BIT_NOT, POPCOUNT, CLZ, CTZ, REVERSE_BITS -> EnumSet.of(U32, I32);
            case LOGICAL_NOT -> EnumSet.of(BOOL);
            case UNPACK4_LOW, UNPACK4_HIGH, UNPACK8_LOW, UNPACK8_HIGH -> EnumSet.of(U32);
            default -> EnumSet.of(F32);
        };
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (ScalarType t : allowed(op)) {
                out.add(Arguments.of(op, t));
            }
        }
        return out.stream();
    }

    /** Operators that only move bits (or return the operand): their NaN results are checked exactly. */
    private static boolean anyNaN(UnaryOp op) {
        return op != UnaryOp.NEGATE && op != UnaryOp.ABS && op != UnaryOp.SIGN;
    }

    private static void check(UnaryOp op, ScalarType t, int[] a, int[] got) {
        ScalarType rt = Oracle.unaryResult(op, t);
        for (int k = 0; k < a.length; k++) {
            int want = Oracle.unary(op, t, a[k]);
            if (!Values.same(rt, anyNaN(op), want, got[k])) {
                fail(op + " " + Values.show(t, a[k]) + ": want " + Values.show(rt, want) + ", got "
                        + Values.show(rt, got[k]));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void programMatchesOracle(UnaryOp op, ScalarType t) {
        Props.forAll(op + " " + t, BATCHES, (i, rnd) -> {
            int[] a = i == 0 ? Values.edges(t) : Values.random(t, rnd, BATCH);
            check(op, t, a, TestPrograms.unary(op, t, Oracle.unaryResult(op, t), a));
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void opsMatchOracle(UnaryOp op, ScalarType t) {
        Props.forAll("Ops." + op + " " + t, 4000, (i, rnd) -> {
            int a = Values.next(t, rnd);
            check(op, t, new int[] {a}, new int[] {Ops.unary(op, t, a)});
        });
    }

    @Test
    void typeRulesMatchTheSemanticsTable() {
        for (UnaryOp op : UnaryOp.values()) {
            for (ScalarType t : ScalarType.values()) {
                ScalarType want = allowed(op).contains(t) ? Oracle.unaryResult(op, t) : null;
                assertEquals(want, Ops.unaryType(op, t), op + " " + t);
            }
        }
    }

    @Test
    void edgeCasesFromTheDoc() {
        assertEquals(32, Ops.unary(UnaryOp.CLZ, U32, 0));
        assertEquals(32, Ops.unary(UnaryOp.CTZ, I32, 0));
        assertEquals(0, Ops.unary(UnaryOp.CLZ, I32, -1));
        assertEquals(Integer.MIN_VALUE, Ops.unary(UnaryOp.ABS, I32, Integer.MIN_VALUE));
        assertEquals(Integer.MIN_VALUE, Ops.unary(UnaryOp.NEGATE, I32, Integer.MIN_VALUE));
        assertEquals(-5, Ops.unary(UnaryOp.ABS, U32, -5)); // identity on U32
        assertEquals(1, Ops.unary(UnaryOp.SIGN, U32, -5));
        assertEquals(-1, Ops.unary(UnaryOp.SIGN, I32, -5));
        assertEquals(f(-0.0f), Ops.unary(UnaryOp.SIGN, F32, f(-0.0f)));
        assertEquals(0x7FC0_0123, Ops.unary(UnaryOp.SIGN, F32, 0x7FC0_0123));
        assertEquals(f(-1.0f), Ops.unary(UnaryOp.SIGN, F32, f(-Float.MIN_VALUE)));
        assertEquals(0xFFC0_0000, Ops.unary(UnaryOp.NEGATE, F32, 0x7FC0_0000));
        assertEquals(0x7FC0_0000, Ops.unary(UnaryOp.ABS, F32, 0xFFC0_0000));
        assertEquals(f(2.0f), Ops.unary(UnaryOp.ROUND, F32, f(2.5f)));
        assertEquals(f(-2.0f), Ops.unary(UnaryOp.ROUND, F32, f(-2.5f)));
        assertEquals(f(4.0f), Ops.unary(UnaryOp.ROUND, F32, f(3.5f)));
        assertEquals(f(-0.0f), Ops.unary(UnaryOp.TRUNC, F32, f(-0.7f)));
        assertEquals(f(-0.0f), Ops.unary(UnaryOp.CEIL, F32, f(-0.5f)));
        assertEquals(f(-1.0f), Ops.unary(UnaryOp.FLOOR, F32, f(-Float.MIN_VALUE)));
        assertEquals(f(Float.POSITIVE_INFINITY), Ops.unary(UnaryOp.RECIPROCAL, F32, f(0.0f)));
        assertEquals(f(Float.NEGATIVE_INFINITY), Ops.unary(UnaryOp.INVERSE_SQRT, F32, f(-0.0f)));
        assertEquals(f(-0.0f), Ops.unary(UnaryOp.SQRT, F32, f(-0.0f)));
        assertEquals(1, Ops.unary(UnaryOp.IS_NAN, F32, 0x7F80_0001));
        assertEquals(1, Ops.unary(UnaryOp.IS_INF, F32, f(Float.NEGATIVE_INFINITY)));
        assertEquals(0, Ops.unary(UnaryOp.IS_FINITE, F32, Ops.CANONICAL_NAN));
        assertEquals(1, Ops.unary(UnaryOp.IS_FINITE, F32, 0x007F_FFFF));
        assertEquals(0x0034_0012, Ops.unary(UnaryOp.UNPACK8_LOW, U32, 0x9A78_3412));
        assertEquals(0x009A_0078, Ops.unary(UnaryOp.UNPACK8_HIGH, U32, 0x9A78_3412));
        assertEquals(0x0403_0201, Ops.unary(UnaryOp.UNPACK4_LOW, U32, 0x8765_4321));
        assertEquals(0x0807_0605, Ops.unary(UnaryOp.UNPACK4_HIGH, U32, 0x8765_4321));
    }

    @Test
    void log2AndExp2AreExactOnPowersOfTwo() {
        for (int e = -149; e <= 127; e++) {
            float x = (float) Math.scalb(1.0, e);
            assertEquals(f((float) e), Ops.unary(UnaryOp.LOG2, F32, f(x)), "log2 2^" + e);
            assertEquals(f(x), Ops.unary(UnaryOp.EXP2, F32, f((float) e)), "exp2 " + e);
        }
    }
}
