package dev.vyre.ir.check;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The operator tables of docs/VIR0-SEMANTICS.md and their checks. A type of {@code null} means unknown (an
 * earlier problem); checks that depend on an unknown type are skipped so that one mistake is reported once.
 */
final class Operators {
    static final Set<ScalarType> VALUES = Collections.unmodifiableSet(EnumSet.of(U32, I32, F32, BOOL));
    static final Set<ScalarType> INTEGERS = Collections.unmodifiableSet(EnumSet.of(U32, I32));
    static final Set<ScalarType> NUMBERS = Collections.unmodifiableSet(EnumSet.of(U32, I32, F32));
    private static final Set<ScalarType> BITWISE = Collections.unmodifiableSet(EnumSet.of(U32, I32, BOOL));
    private static final Set<ScalarType> ONLY_BOOL = Collections.unmodifiableSet(EnumSet.of(BOOL));
    private static final Set<ScalarType> ONLY_U32 = Collections.unmodifiableSet(EnumSet.of(U32));
    private static final Set<ScalarType> ONLY_F32 = Collections.unmodifiableSet(EnumSet.of(F32));

    private static final UnaryOperator<ScalarType> SAME = t -> t;
    private static final UnaryOperator<ScalarType> ABS_DIFF = t -> t == null ? null : t == F32 ? F32 : U32;

    /** Highest WaveReduce selector, and the first one that is for integers only (3 BitAnd, 4 BitOr, 5 BitXor). */
    static final int WAVE_REDUCE_MAX = 5;
    static final int WAVE_REDUCE_FIRST_INTEGER_ONLY = 3;
    private static final String[] WAVE_REDUCTIONS = {"Add", "Min", "Max", "BitAnd", "BitOr", "BitXor"};

    private Operators() {
    }

    /**
     * A binary operator row. With {@code sameType} both operands must have one type from {@code left}; else the
     * left comes from {@code left} and the right from {@code right} independently. {@code result} maps the
     * operand type (null when unknown) to the result type.
     */
    private record BinaryRule(boolean sameType, Set<ScalarType> left, Set<ScalarType> right,
                              UnaryOperator<ScalarType> result) {
    }

    private record UnaryRule(Set<ScalarType> operand, UnaryOperator<ScalarType> result) {
    }

    private static UnaryOperator<ScalarType> always(ScalarType t) {
        return ignored -> t;
    }

    private static BinaryRule same(Set<ScalarType> types, UnaryOperator<ScalarType> result) {
        return new BinaryRule(true, types, types, result);
    }

    private static BinaryRule binaryRule(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MOD, MIN, MAX -> same(NUMBERS, SAME);
            case WRAPPING_ADD, WRAPPING_SUB, SATURATING_ADD, SATURATING_SUB, SATURATING_MUL, MUL_HIGH ->
                    same(INTEGERS, SAME);
            case BIT_AND, BIT_OR, BIT_XOR -> same(BITWISE, SAME);
            case SHL, SHR, ROTATE_LEFT, ROTATE_RIGHT -> new BinaryRule(false, INTEGERS, INTEGERS, SAME);
            case EQ, NE -> same(VALUES, always(BOOL));
            case LT, GT, LE, GE -> same(NUMBERS, always(BOOL));
            case AND, OR -> same(ONLY_BOOL, always(BOOL));
            case ABS_DIFF -> same(NUMBERS, ABS_DIFF);
            case SHUFFLE, WAVE_BROADCAST -> new BinaryRule(false, VALUES, ONLY_U32, SAME);
            case BALLOT -> new BinaryRule(false, ONLY_BOOL, ONLY_U32, always(U32));
            case WAVE_REDUCE -> new BinaryRule(false, NUMBERS, ONLY_U32, SAME);
        };
    }

    private static UnaryRule unaryRule(UnaryOp op) {
        return switch (op) {
            case NEGATE, ABS, SIGN -> new UnaryRule(NUMBERS, SAME);
            case BIT_NOT, REVERSE_BITS -> new UnaryRule(INTEGERS, SAME);
            case LOGICAL_NOT -> new UnaryRule(ONLY_BOOL, always(BOOL));
            case POPCOUNT, CLZ, CTZ -> new UnaryRule(INTEGERS, always(U32));
            case SQRT, FLOOR, CEIL, ROUND, TRUNC, RECIPROCAL, INVERSE_SQRT, COS, SIN, TAN, ACOS, ASIN, ATAN, TANH,
                 SINH, COSH, EXP, LOG, LOG2, EXP2 -> new UnaryRule(ONLY_F32, always(F32));
            case IS_NAN, IS_INF, IS_FINITE -> new UnaryRule(ONLY_F32, always(BOOL));
            case UNPACK8_LOW, UNPACK8_HIGH, UNPACK4_LOW, UNPACK4_HIGH -> new UnaryRule(ONLY_U32, always(U32));
        };
    }

    /**
     * Checks {@code e} given its operand types; reports under {@code path} and returns the result type: unknown
     * after a problem, unless the operator fixes its result type (comparisons, Ballot).
     */
    static ScalarType binary(Expr.BinOp e, ScalarType l, ScalarType r, Path path, Findings out) {
        BinaryRule rule = binaryRule(e.op());
        String op = Names.op(e.op());
        Path left = path.child(".BinOp.left", 0);
        Path right = path.child(".BinOp.right", 1);
        boolean failed = false;
        if (l != null && !rule.left().contains(l)) {
            failed = true;
            out.add(left, op + " needs " + (rule.sameType() ? "operands" : "a left operand") + " of type "
                    + Names.oneOf(rule.left()) + "; left is " + Names.type(l), castFix(rule.left()));
        }
        if (rule.sameType()) {
            if (failed || r == null) {
                return rule.result().apply(failed ? null : l);
            }
            if (!rule.right().contains(r)) {
                out.add(right, op + " needs operands of type " + Names.oneOf(rule.right()) + "; right is "
                        + Names.type(r), castFix(rule.right()));
                return rule.result().apply(null);
            }
            if (l != null && l != r) {
                out.add(right, op + " operands differ: left is " + Names.type(l) + ", right is " + Names.type(r),
                        "Cast one operand so that both have the same type");
                return rule.result().apply(null);
            }
            return rule.result().apply(r);
        }
        if (e.op() == BinaryOp.WAVE_REDUCE) {
            failed |= !checkWaveReduceSelector(e.right(), failed ? null : l, right, out);
        } else if (r != null && !rule.right().contains(r)) {
            failed = true;
            out.add(right, op + " needs a right operand of type " + Names.oneOf(rule.right()) + "; right is "
                    + Names.type(r), castFix(rule.right()));
        }
        return rule.result().apply(failed ? null : l);
    }

    /** Reports a bad WaveReduce selector; true when it is fine. */
    private static boolean checkWaveReduceSelector(Expr selector, ScalarType left, Path at, Findings out) {
        if (!(selector instanceof Expr.LitU32(int value))
                || Integer.compareUnsigned(value, WAVE_REDUCE_MAX) > 0) {
            out.add(at, "WaveReduce needs a U32 literal 0.." + WAVE_REDUCE_MAX + " as its right operand"
                            + " (0 Add, 1 Min, 2 Max, 3 BitAnd, 4 BitOr, 5 BitXor); found " + describe(selector),
                    "use a LitU32 between 0 and " + WAVE_REDUCE_MAX + " that names the reduction");
            return false;
        }
        if (value >= WAVE_REDUCE_FIRST_INTEGER_ONLY && left == F32) {
            out.add(at, "WaveReduce " + value + " (" + WAVE_REDUCTIONS[value] + ") is for integers only; left is F32",
                    "reduce F32 values with 0 (Add), 1 (Min) or 2 (Max), or Cast the operand to U32 or I32");
            return false;
        }
        return true;
    }

    private static String describe(Expr e) {
        return e instanceof Expr.LitU32(int v) ? "LitU32 " + Integer.toUnsignedString(v)
                : "a " + e.getClass().getSimpleName() + " expression";
    }

    /** Checks {@code e} given its operand type; reports under {@code path} and returns the result type. */
    static ScalarType unary(Expr.UnOp e, ScalarType t, Path path, Findings out) {
        UnaryRule rule = unaryRule(e.op());
        boolean ok = t != null && rule.operand().contains(t);
        if (t != null && !ok) {
            out.add(path.child(".UnOp.operand", 0), Names.op(e.op()) + " needs an operand of type "
                    + Names.oneOf(rule.operand()) + "; operand is " + Names.type(t), castFix(rule.operand()));
        }
        return rule.result().apply(ok ? t : null);
    }

    private static String castFix(Set<ScalarType> allowed) {
        return "Cast the operand to " + Names.oneOf(allowed) + ", or use an operator made for its type";
    }
}
