package dev.vyre.vm;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;

/** Which VYVM opcode implements a VIR0 operator at an operand type (docs/VM-BYTECODE.md, Instructions). */
final class VmOpTable {
    private VmOpTable() {
    }

    /** The opcode of {@code l op r} where l has type {@code t}; wave operators are not handled here. */
    static VmOp binary(BinaryOp op, ScalarType t) {
        if (t == ScalarType.F32) {
            return switch (op) {
                case ADD -> VmOp.ADD_F32;
                case SUB -> VmOp.SUB_F32;
                case MUL -> VmOp.MUL_F32;
                case DIV -> VmOp.DIV_F32;
                case MOD -> VmOp.MOD_F32;
                case EQ -> VmOp.EQ_F32;
                case NE -> VmOp.NE_F32;
                case LT -> VmOp.LT_F32;
                case GT -> VmOp.GT_F32;
                case LE -> VmOp.LE_F32;
                case GE -> VmOp.GE_F32;
                case ABS_DIFF -> VmOp.ABS_DIFF_F32;
                case MIN -> VmOp.MIN_F32;
                case MAX -> VmOp.MAX_F32;
                default -> throw new IllegalArgumentException(op + " on F32");
            };
        }
        boolean s = t == ScalarType.I32;
        return switch (op) {
            case ADD, WRAPPING_ADD -> VmOp.ADD;
            case SUB, WRAPPING_SUB -> VmOp.SUB;
            case MUL -> VmOp.MUL;
            case DIV -> s ? VmOp.DIV_I32 : VmOp.DIV_U32;
            case MOD -> s ? VmOp.MOD_I32 : VmOp.MOD_U32;
            case BIT_AND, AND -> VmOp.AND;
            case BIT_OR, OR -> VmOp.OR;
            case BIT_XOR -> VmOp.XOR;
            case SHL -> VmOp.SHL;
            case SHR -> s ? VmOp.SHR_I32 : VmOp.SHR_U32;
            case ROTATE_LEFT -> VmOp.ROTL;
            case ROTATE_RIGHT -> VmOp.ROTR;
            case EQ -> VmOp.EQ;
            case NE -> VmOp.NE;
            case LT -> s ? VmOp.LT_I32 : VmOp.LT_U32;
            case GT -> s ? VmOp.GT_I32 : VmOp.GT_U32;
            case LE -> s ? VmOp.LE_I32 : VmOp.LE_U32;
            case GE -> s ? VmOp.GE_I32 : VmOp.GE_U32;
            case ABS_DIFF -> s ? VmOp.ABS_DIFF_I32 : VmOp.ABS_DIFF_U32;
            case MIN -> s ? VmOp.MIN_I32 : VmOp.MIN_U32;
            case MAX -> s ? VmOp.MAX_I32 : VmOp.MAX_U32;
            case SATURATING_ADD -> s ? VmOp.SAT_ADD_I32 : VmOp.SAT_ADD_U32;
            case SATURATING_SUB -> s ? VmOp.SAT_SUB_I32 : VmOp.SAT_SUB_U32;
            case SATURATING_MUL -> s ? VmOp.SAT_MUL_I32 : VmOp.SAT_MUL_U32;
            case MUL_HIGH -> s ? VmOp.MUL_HIGH_I32 : VmOp.MUL_HIGH_U32;
            case SHUFFLE, WAVE_BROADCAST, BALLOT, WAVE_REDUCE -> throw new IllegalArgumentException(op + " is a wave op");
        };
    }

    /**
     * The opcode of {@code op x} where x has type {@code t}; null where the result is x itself (Abs on U32), so no
     * instruction is needed.
     */
    static VmOp unary(UnaryOp op, ScalarType t) {
        if (t == ScalarType.F32) {
            return switch (op) {
                case NEGATE -> VmOp.NEG_F32;
                case ABS -> VmOp.ABS_F32;
                case SIGN -> VmOp.SIGN_F32;
                case SQRT -> VmOp.SQRT_F32;
                case FLOOR -> VmOp.FLOOR_F32;
                case CEIL -> VmOp.CEIL_F32;
                case ROUND -> VmOp.ROUND_F32;
                case TRUNC -> VmOp.TRUNC_F32;
                case RECIPROCAL -> VmOp.RECIPROCAL_F32;
                case INVERSE_SQRT -> VmOp.INVERSE_SQRT_F32;
                case IS_NAN -> VmOp.IS_NAN;
                case IS_INF -> VmOp.IS_INF;
                case IS_FINITE -> VmOp.IS_FINITE;
                case COS -> VmOp.COS_F32;
                case SIN -> VmOp.SIN_F32;
                case TAN -> VmOp.TAN_F32;
                case ACOS -> VmOp.ACOS_F32;
                case ASIN -> VmOp.ASIN_F32;
                case ATAN -> VmOp.ATAN_F32;
                case TANH -> VmOp.TANH_F32;
                case SINH -> VmOp.SINH_F32;
                case COSH -> VmOp.COSH_F32;
                case EXP -> VmOp.EXP_F32;
                case LOG -> VmOp.LOG_F32;
                case LOG2 -> VmOp.LOG2_F32;
                case EXP2 -> VmOp.EXP2_F32;
                default -> throw new IllegalArgumentException(op + " on F32");
            };
        }
        boolean s = t == ScalarType.I32;
        return switch (op) {
            case NEGATE -> VmOp.NEG;
            case BIT_NOT -> VmOp.NOT;
            case LOGICAL_NOT -> VmOp.LNOT;
            case POPCOUNT -> VmOp.POPCOUNT;
            case CLZ -> VmOp.CLZ;
            case CTZ -> VmOp.CTZ;
            case REVERSE_BITS -> VmOp.REVERSE_BITS;
            case ABS -> s ? VmOp.ABS_I32 : null;
            case SIGN -> s ? VmOp.SIGN_I32 : VmOp.INT_TO_BOOL;
            case UNPACK4_LOW -> VmOp.UNPACK4_LOW;
            case UNPACK4_HIGH -> VmOp.UNPACK4_HIGH;
            case UNPACK8_LOW -> VmOp.UNPACK8_LOW;
            case UNPACK8_HIGH -> VmOp.UNPACK8_HIGH;
            default -> throw new IllegalArgumentException(op + " on " + t);
        };
    }

    /** The opcode of {@code Cast(to, v)} for v of type {@code from}; null where the bits stay the same. */
    static VmOp cast(ScalarType from, ScalarType to) {
        if (from == to) {
            return null;
        }
        return switch (to) {
            case U32, I32 -> from == ScalarType.F32 ? (to == ScalarType.U32 ? VmOp.F32_TO_U32 : VmOp.F32_TO_I32) : null;
            case F32 -> from == ScalarType.I32 ? VmOp.I32_TO_F32 : VmOp.U32_TO_F32;
            case BOOL -> from == ScalarType.F32 ? VmOp.F32_TO_BOOL : VmOp.INT_TO_BOOL;
            default -> throw new IllegalArgumentException("cast to " + to);
        };
    }

    /** The opcode of an atomic on an element of type {@code t} (U32 or I32). */
    static VmOp atomic(AtomicOp op, ScalarType t) {
        boolean s = t == ScalarType.I32;
        return switch (op) {
            case ADD -> VmOp.ATOMIC_ADD;
            case OR -> VmOp.ATOMIC_OR;
            case AND -> VmOp.ATOMIC_AND;
            case XOR -> VmOp.ATOMIC_XOR;
            case MIN -> s ? VmOp.ATOMIC_MIN_I32 : VmOp.ATOMIC_MIN_U32;
            case MAX -> s ? VmOp.ATOMIC_MAX_I32 : VmOp.ATOMIC_MAX_U32;
            case EXCHANGE -> VmOp.ATOMIC_EXCHANGE;
            case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK -> VmOp.ATOMIC_CMPXCHG;
            case FETCH_NAND -> VmOp.ATOMIC_FETCH_NAND;
            case LRU_UPDATE -> VmOp.ATOMIC_LRU_UPDATE;
        };
    }
}
