package dev.vyre.vm;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.interp.Ops;

/**
 * What each arithmetic, comparison, unary and conversion opcode computes, spelled out opcode by opcode in terms of
 * the reference interpreter's {@link Ops} (docs/VM-BYTECODE.md, Instructions). Independent of the lowering's
 * tables, so a wrong lowering choice shows up in parity tests.
 */
final class VmSemantics {
    private VmSemantics() {
    }

    /** {@code op x, y} ({@code y} is ignored by unary opcodes). */
    static int apply(VmOp op, int x, int y) {
        return switch (op) {
            case ADD -> Ops.binary(BinaryOp.ADD, U32, x, y);
            case SUB -> Ops.binary(BinaryOp.SUB, U32, x, y);
            case MUL -> Ops.binary(BinaryOp.MUL, U32, x, y);
            case DIV_U32 -> Ops.binary(BinaryOp.DIV, U32, x, y);
            case DIV_I32 -> Ops.binary(BinaryOp.DIV, I32, x, y);
            case MOD_U32 -> Ops.binary(BinaryOp.MOD, U32, x, y);
            case MOD_I32 -> Ops.binary(BinaryOp.MOD, I32, x, y);
            case AND -> x & y;
            case OR -> x | y;
            case XOR -> x ^ y;
            case SHL -> x << y;
            case SHR_U32 -> x >>> y;
            case SHR_I32 -> x >> y;
            case ROTL -> Integer.rotateLeft(x, y);
            case ROTR -> Integer.rotateRight(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT_U32 -> Ops.binary(BinaryOp.LT, U32, x, y);
            case LT_I32 -> Ops.binary(BinaryOp.LT, I32, x, y);
            case GT_U32 -> Ops.binary(BinaryOp.GT, U32, x, y);
            case GT_I32 -> Ops.binary(BinaryOp.GT, I32, x, y);
            case LE_U32 -> Ops.binary(BinaryOp.LE, U32, x, y);
            case LE_I32 -> Ops.binary(BinaryOp.LE, I32, x, y);
            case GE_U32 -> Ops.binary(BinaryOp.GE, U32, x, y);
            case GE_I32 -> Ops.binary(BinaryOp.GE, I32, x, y);
            case ABS_DIFF_U32 -> Ops.binary(BinaryOp.ABS_DIFF, U32, x, y);
            case ABS_DIFF_I32 -> Ops.binary(BinaryOp.ABS_DIFF, I32, x, y);
            case MIN_U32 -> Ops.binary(BinaryOp.MIN, U32, x, y);
            case MIN_I32 -> Ops.binary(BinaryOp.MIN, I32, x, y);
            case MAX_U32 -> Ops.binary(BinaryOp.MAX, U32, x, y);
            case MAX_I32 -> Ops.binary(BinaryOp.MAX, I32, x, y);
            case SAT_ADD_U32 -> Ops.binary(BinaryOp.SATURATING_ADD, U32, x, y);
            case SAT_ADD_I32 -> Ops.binary(BinaryOp.SATURATING_ADD, I32, x, y);
            case SAT_SUB_U32 -> Ops.binary(BinaryOp.SATURATING_SUB, U32, x, y);
            case SAT_SUB_I32 -> Ops.binary(BinaryOp.SATURATING_SUB, I32, x, y);
            case SAT_MUL_U32 -> Ops.binary(BinaryOp.SATURATING_MUL, U32, x, y);
            case SAT_MUL_I32 -> Ops.binary(BinaryOp.SATURATING_MUL, I32, x, y);
            case MUL_HIGH_U32 -> Ops.binary(BinaryOp.MUL_HIGH, U32, x, y);
            case MUL_HIGH_I32 -> Ops.binary(BinaryOp.MUL_HIGH, I32, x, y);
            case ADD_F32 -> Ops.binary(BinaryOp.ADD, F32, x, y);
            case SUB_F32 -> Ops.binary(BinaryOp.SUB, F32, x, y);
            case MUL_F32 -> Ops.binary(BinaryOp.MUL, F32, x, y);
            case DIV_F32 -> Ops.binary(BinaryOp.DIV, F32, x, y);
            case MOD_F32 -> Ops.binary(BinaryOp.MOD, F32, x, y);
            case EQ_F32 -> Ops.binary(BinaryOp.EQ, F32, x, y);
            case NE_F32 -> Ops.binary(BinaryOp.NE, F32, x, y);
            case LT_F32 -> Ops.binary(BinaryOp.LT, F32, x, y);
            case GT_F32 -> Ops.binary(BinaryOp.GT, F32, x, y);
            case LE_F32 -> Ops.binary(BinaryOp.LE, F32, x, y);
            case GE_F32 -> Ops.binary(BinaryOp.GE, F32, x, y);
            case ABS_DIFF_F32 -> Ops.binary(BinaryOp.ABS_DIFF, F32, x, y);
            case MIN_F32 -> Ops.binary(BinaryOp.MIN, F32, x, y);
            case MAX_F32 -> Ops.binary(BinaryOp.MAX, F32, x, y);
            default -> unary(op, x);
        };
    }

    private static int unary(VmOp op, int x) {
        return switch (op) {
            case NEG -> -x;
            case NOT -> ~x;
            case LNOT -> x ^ 1;
            case POPCOUNT -> Integer.bitCount(x);
            case CLZ -> Integer.numberOfLeadingZeros(x);
            case CTZ -> Integer.numberOfTrailingZeros(x);
            case REVERSE_BITS -> Integer.reverse(x);
            case ABS_I32 -> Ops.unary(UnaryOp.ABS, I32, x);
            case SIGN_I32 -> Ops.unary(UnaryOp.SIGN, I32, x);
            case UNPACK4_LOW -> Ops.unary(UnaryOp.UNPACK4_LOW, U32, x);
            case UNPACK4_HIGH -> Ops.unary(UnaryOp.UNPACK4_HIGH, U32, x);
            case UNPACK8_LOW -> Ops.unary(UnaryOp.UNPACK8_LOW, U32, x);
            case UNPACK8_HIGH -> Ops.unary(UnaryOp.UNPACK8_HIGH, U32, x);
            case NEG_F32 -> Ops.unary(UnaryOp.NEGATE, F32, x);
            case ABS_F32 -> Ops.unary(UnaryOp.ABS, F32, x);
            case SIGN_F32 -> Ops.unary(UnaryOp.SIGN, F32, x);
            case SQRT_F32 -> Ops.unary(UnaryOp.SQRT, F32, x);
            case FLOOR_F32 -> Ops.unary(UnaryOp.FLOOR, F32, x);
            case CEIL_F32 -> Ops.unary(UnaryOp.CEIL, F32, x);
            case ROUND_F32 -> Ops.unary(UnaryOp.ROUND, F32, x);
            case TRUNC_F32 -> Ops.unary(UnaryOp.TRUNC, F32, x);
            case RECIPROCAL_F32 -> Ops.unary(UnaryOp.RECIPROCAL, F32, x);
            case INVERSE_SQRT_F32 -> Ops.unary(UnaryOp.INVERSE_SQRT, F32, x);
            case IS_NAN -> Ops.unary(UnaryOp.IS_NAN, F32, x);
            case IS_INF -> Ops.unary(UnaryOp.IS_INF, F32, x);
            case IS_FINITE -> Ops.unary(UnaryOp.IS_FINITE, F32, x);
            case COS_F32 -> Ops.unary(UnaryOp.COS, F32, x);
            case SIN_F32 -> Ops.unary(UnaryOp.SIN, F32, x);
            case TAN_F32 -> Ops.unary(UnaryOp.TAN, F32, x);
            case ACOS_F32 -> Ops.unary(UnaryOp.ACOS, F32, x);
            case ASIN_F32 -> Ops.unary(UnaryOp.ASIN, F32, x);
            case ATAN_F32 -> Ops.unary(UnaryOp.ATAN, F32, x);
            case TANH_F32 -> Ops.unary(UnaryOp.TANH, F32, x);
            case SINH_F32 -> Ops.unary(UnaryOp.SINH, F32, x);
            case COSH_F32 -> Ops.unary(UnaryOp.COSH, F32, x);
            case EXP_F32 -> Ops.unary(UnaryOp.EXP, F32, x);
            case LOG_F32 -> Ops.unary(UnaryOp.LOG, F32, x);
            case LOG2_F32 -> Ops.unary(UnaryOp.LOG2, F32, x);
            case EXP2_F32 -> Ops.unary(UnaryOp.EXP2, F32, x);
            case U32_TO_F32 -> Ops.cast(U32, F32, x);
            case I32_TO_F32 -> Ops.cast(I32, F32, x);
            case F32_TO_U32 -> Ops.cast(F32, U32, x);
            case F32_TO_I32 -> Ops.cast(F32, I32, x);
            case INT_TO_BOOL -> x != 0 ? 1 : 0;
            case F32_TO_BOOL -> Ops.cast(F32, BOOL, x);
            default -> throw new IllegalStateException(op + " is not an arithmetic opcode");
        };
    }
}
