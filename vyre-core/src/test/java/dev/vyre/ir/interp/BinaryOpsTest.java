package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.Values.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
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

/** Every non-wave binary operator on every allowed type, through whole programs and Ops, against the Oracle. */
class BinaryOpsTest {
    private static final List<ScalarType> VALUE_TYPES = List.of(U32, I32, F32, BOOL);
    private static final int BATCHES = 8;
    private static final int BATCH = 512;

    /** The operand types the semantics table allows, written out from the doc. */
    private static Set<ScalarType> allowedLeft(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MOD, LT, GT, LE, GE, ABS_DIFF, MIN, MAX -> EnumSet.of(U32, I32, F32);
            case WRAPPING_ADD, WRAPPING_SUB, SATURATING_ADD, SATURATING_SUB, SATURATING_MUL, MUL_HIGH, SHL, SHR,
                 ROTATE_LEFT, ROTATE_RIGHT -> EnumSet.of(U32, I32);
            case BIT_AND, BIT_OR, BIT_XOR -> EnumSet.of(U32, I32, BOOL);
            case EQ, NE -> EnumSet.of(U32, I32, F32, BOOL);
            case AND, OR -> EnumSet.of(BOOL);
            case SHUFFLE, WAVE_BROADCAST -> EnumSet.of(U32, I32, F32, BOOL);
            case BALLOT -> EnumSet.of(BOOL);
            case WAVE_REDUCE -> EnumSet.of(U32, I32, F32);
        };
    }

    private static Set<ScalarType> allowedRight(BinaryOp op, ScalarType left) {
        return switch (op) {
            case SHL, SHR, ROTATE_LEFT, ROTATE_RIGHT -> EnumSet.of(U32, I32);
            case SHUFFLE, WAVE_BROADCAST, BALLOT, WAVE_REDUCE -> EnumSet.of(U32);
            default -> EnumSet.of(left);
        };
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            if (op.isWaveOp()) {
                continue;
            }
            for (ScalarType l : allowedLeft(op)) {
                for (ScalarType r : allowedRight(op, l)) {
                    out.add(Arguments.of(op, l, r));
                }
            }
        }
        return out.stream();
    }

    /** Min/Max return an operand or the canonical NaN: their NaN bits are checked exactly. */
    private static boolean anyNaN(BinaryOp op) {
        return op != BinaryOp.MIN && op != BinaryOp.MAX;
    }

    private static void check(BinaryOp op, ScalarType lt, int[] a, int[] b, int[] got) {
        ScalarType rt = Oracle.binaryResult(op, lt);
        for (int k = 0; k < a.length; k++) {
            int want = Oracle.binary(op, lt, a[k], b[k]);
            if (!Values.same(rt, anyNaN(op), want, got[k])) {
                fail(Values.show(lt, a[k]) + " " + op + " " + Values.show(lt, b[k]) + ": want "
                        + Values.show(rt, want) + ", got " + Values.show(rt, got[k]));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void programMatchesOracle(BinaryOp op, ScalarType lt, ScalarType rt) {
        ScalarType result = Oracle.binaryResult(op, lt);
        Props.forAll(op + " " + lt + " " + rt, BATCHES, (i, rnd) -> {
            int[][] pairs = i == 0 ? Values.edgePairs(lt, rt)
                    : new int[][] {Values.random(lt, rnd, BATCH), Values.random(rt, rnd, BATCH)};
            int[] got = TestPrograms.binary(op, lt, rt, result, pairs[0], pairs[1]);
            check(op, lt, pairs[0], pairs[1], got);
        });
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void opsMatchOracle(BinaryOp op, ScalarType lt, ScalarType rt) {
        Props.forAll("Ops." + op + " " + lt + " " + rt, 4000, (i, rnd) -> {
            int a = Values.next(lt, rnd);
            int b = Values.next(rt, rnd);
            check(op, lt, new int[] {a}, new int[] {b}, new int[] {Ops.binary(op, lt, a, b)});
        });
    }

    @Test
    void typeRulesMatchTheSemanticsTable() {
        for (BinaryOp op : BinaryOp.values()) {
            for (ScalarType l : ScalarType.values()) {
                for (ScalarType r : ScalarType.values()) {
                    boolean allowed = allowedLeft(op).contains(l) && allowedRight(op, l).contains(r);
                    ScalarType want = allowed ? Oracle.binaryResult(op, l) : null;
                    assertEquals(want, Ops.binaryType(op, l, r), op + " " + l + " " + r);
                }
            }
        }
        assertTrue(VALUE_TYPES.stream().allMatch(Ops::isValueType));
    }

    @Test
    void integerEdgeCasesFromTheDoc() {
        int min = Integer.MIN_VALUE;
        assertEquals(min, Ops.binary(BinaryOp.DIV, I32, min, -1));
        assertEquals(0, Ops.binary(BinaryOp.MOD, I32, min, -1));
        assertEquals(0, Ops.binary(BinaryOp.DIV, I32, 7, 0));
        assertEquals(0, Ops.binary(BinaryOp.MOD, U32, 7, 0));
        assertEquals(-2, Ops.binary(BinaryOp.DIV, I32, -7, 3));   // truncates toward zero
        assertEquals(-1, Ops.binary(BinaryOp.MOD, I32, -7, 3));   // sign of l
        assertEquals(1, Ops.binary(BinaryOp.MOD, I32, 7, -3));
        assertEquals(0x7FFF_FFFF, Ops.binary(BinaryOp.DIV, U32, -1, 2)); // unsigned
        assertEquals(2, Ops.binary(BinaryOp.SHL, U32, 1, 33));     // amount & 31
        assertEquals(1 << 31, Ops.binary(BinaryOp.SHL, U32, 1, -1)); // -1 & 31 = 31
        assertEquals(-1, Ops.binary(BinaryOp.SHR, I32, min, 31));
        assertEquals(1, Ops.binary(BinaryOp.SHR, U32, min, 31));
        assertEquals(-1, Ops.binary(BinaryOp.ABS_DIFF, I32, Integer.MAX_VALUE, min)); // 2^32 - 1, exact
        assertEquals(Integer.MAX_VALUE, Ops.binary(BinaryOp.SATURATING_ADD, I32, Integer.MAX_VALUE, 1));
        assertEquals(min, Ops.binary(BinaryOp.SATURATING_SUB, I32, min, 1));
        assertEquals(0, Ops.binary(BinaryOp.SATURATING_SUB, U32, 1, 2));
        assertEquals(-1, Ops.binary(BinaryOp.SATURATING_MUL, U32, 0x10000, 0x10000));
        assertEquals(-1, Ops.binary(BinaryOp.SATURATING_MUL, U32, 0xFFFF, 0x10001)); // exactly 2^32 - 1
        assertEquals(0xFFFE_0001, Ops.binary(BinaryOp.SATURATING_MUL, U32, 0xFFFF, 0xFFFF));
        assertEquals(min, Ops.binary(BinaryOp.SATURATING_MUL, I32, min, 2));
        assertEquals(Integer.MAX_VALUE, Ops.binary(BinaryOp.SATURATING_MUL, I32, min, -1));
        assertEquals(-2, Ops.binary(BinaryOp.MUL_HIGH, U32, -1, -1)); // (2^32-1)^2 >> 32 = 2^32 - 2
        assertEquals(0, Ops.binary(BinaryOp.MUL_HIGH, I32, -1, -1));
        assertEquals(1 << 30, Ops.binary(BinaryOp.MUL_HIGH, I32, min, min));
    }

    @Test
    void floatEdgeCasesFromTheDoc() {
        int nan = Ops.CANONICAL_NAN;
        int pz = f(0.0f);
        int nz = f(-0.0f);
        assertEquals(f(2.0f), Ops.binary(BinaryOp.MIN, F32, nan, f(2.0f)));
        assertEquals(f(2.0f), Ops.binary(BinaryOp.MAX, F32, f(2.0f), 0x7FC0_1234));
        assertEquals(nan, Ops.binary(BinaryOp.MIN, F32, 0xFFC0_0001, 0x7F80_0001));
        assertEquals(nz, Ops.binary(BinaryOp.MIN, F32, pz, nz));
        assertEquals(pz, Ops.binary(BinaryOp.MAX, F32, nz, pz));
        assertEquals(1, Ops.binary(BinaryOp.EQ, F32, nz, pz));
        assertEquals(0, Ops.binary(BinaryOp.EQ, F32, nan, nan));
        assertEquals(1, Ops.binary(BinaryOp.NE, F32, nan, nan));
        assertEquals(0, Ops.binary(BinaryOp.LE, F32, nan, f(1.0f)));
        assertEquals(0, Ops.binary(BinaryOp.GE, F32, f(1.0f), nan));
        assertEquals(f(-1.0f), Ops.binary(BinaryOp.MOD, F32, f(-7.0f), f(3.0f)));
        assertTrue(Float.isNaN(Values.fl(Ops.binary(BinaryOp.MOD, F32, f(1.0f), pz))));
        assertEquals(f(Float.POSITIVE_INFINITY), Ops.binary(BinaryOp.DIV, F32, f(1.0f), pz));
        assertEquals(f(Float.NEGATIVE_INFINITY), Ops.binary(BinaryOp.DIV, F32, f(1.0f), nz));
        assertEquals(f(Float.POSITIVE_INFINITY), Ops.binary(BinaryOp.ABS_DIFF, F32, f(-Float.MAX_VALUE),
                f(Float.MAX_VALUE)));
        // round to nearest even: 2^24 + 1 is not representable, ties go to the even neighbour
        assertEquals(f(16777216.0f), Ops.binary(BinaryOp.ADD, F32, f(16777216.0f), f(1.0f)));
        assertEquals(f(16777220.0f), Ops.binary(BinaryOp.ADD, F32, f(16777218.0f), f(1.0f)));
        // subnormals are not flushed
        assertEquals(f(2 * Float.MIN_VALUE), Ops.binary(BinaryOp.ADD, F32, f(Float.MIN_VALUE), f(Float.MIN_VALUE)));
    }

    @Test
    void waveOperatorsAreNotPlainBinaryOperators() {
        assertThrows(IllegalArgumentException.class, () -> Ops.binary(BinaryOp.SHUFFLE, U32, 1, 2));
    }
}
