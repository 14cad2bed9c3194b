package dev.vyre.ir.check;

import static dev.vyre.ir.check.ProgramFixtures.buffer;
import static dev.vyre.ir.check.ProgramFixtures.let;
import static dev.vyre.ir.check.ProgramFixtures.literal;
import static dev.vyre.ir.check.ProgramFixtures.program;
import static dev.vyre.ir.check.ProgramFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.testing.Props;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random expressions built to be well typed from a few documented typing facts: the validator accepts them with
 * the intended type; planting one wrongly typed leaf makes it reject them.
 */
class WellTypedExpressionProperties {
    private static final ScalarType[] TYPES = {ScalarType.U32, ScalarType.I32, ScalarType.F32, ScalarType.BOOL};
    private static final Map<ScalarType, String> VARIABLE = Map.of(ScalarType.U32, "vu", ScalarType.I32, "vi",
            ScalarType.F32, "vf", ScalarType.BOOL, "vb");
    private static final Map<ScalarType, String> BUFFER = Map.of(ScalarType.U32, "bu", ScalarType.I32, "bi",
            ScalarType.F32, "bf", ScalarType.BOOL, "bb");
    private static final List<BufferDecl> BUFFERS = with(
            buffer("bu", 2, BufferAccess.READ_WRITE, ScalarType.U32),
            buffer("bi", 3, BufferAccess.READ_WRITE, ScalarType.I32),
            buffer("bf", 4, BufferAccess.READ_WRITE, ScalarType.F32),
            buffer("bb", 5, BufferAccess.READ_WRITE, ScalarType.BOOL));

    private static ScalarType anyType(SplittableRandom rnd) {
        return TYPES[rnd.nextInt(TYPES.length)];
    }

    /** A random well-typed expression of type {@code t}, at most about {@code depth} operators deep. */
    private static Expr gen(ScalarType t, int depth, SplittableRandom rnd) {
        if (depth == 0 || rnd.nextInt(4) == 0) {
            return switch (rnd.nextInt(3)) {
                case 0 -> literal(t);
                case 1 -> Expr.var(VARIABLE.get(t));
                default -> Expr.load(BUFFER.get(t), gen(rnd.nextBoolean() ? ScalarType.U32 : ScalarType.I32, 0, rnd));
            };
        }
        int d = depth - 1;
        int pick = rnd.nextInt(4);
        if (pick == 0) {
            return new Expr.Cast(t, gen(anyType(rnd), d, rnd));
        }
        if (pick == 1) {
            return new Expr.Select(gen(ScalarType.BOOL, d, rnd), gen(t, d, rnd), gen(t, d, rnd));
        }
        return switch (t) {
            case U32 -> pick == 2 ? new Expr.UnOp(UnaryOp.POPCOUNT, gen(rnd.nextBoolean() ? ScalarType.U32
                    : ScalarType.I32, d, rnd)) : new Expr.BinOp(BinaryOp.SATURATING_ADD, gen(t, d, rnd), gen(t, d, rnd));
            case I32 -> pick == 2 ? new Expr.BinOp(BinaryOp.SHL, gen(t, d, rnd), gen(ScalarType.U32, d, rnd))
                    : new Expr.BinOp(BinaryOp.MOD, gen(t, d, rnd), gen(t, d, rnd));
            case F32 -> pick == 2 ? new Expr.Fma(gen(t, d, rnd), gen(t, d, rnd), gen(t, d, rnd))
                    : new Expr.UnOp(UnaryOp.SQRT, gen(t, d, rnd));
            default -> {
                ScalarType operand = rnd.nextBoolean() ? ScalarType.F32 : ScalarType.I32;
                yield pick == 2 ? new Expr.BinOp(BinaryOp.LT, gen(operand, d, rnd), gen(operand, d, rnd))
                        : new Expr.UnOp(UnaryOp.LOGICAL_NOT, gen(t, d, rnd));
            }
        };
    }

    private static Program programOf(Expr e) {
        return program(BUFFERS, let("vu", literal(ScalarType.U32)), let("vi", literal(ScalarType.I32)),
                let("vf", literal(ScalarType.F32)), let("vb", literal(ScalarType.BOOL)), let("z", e));
    }

    @Test
    void wellTypedExpressionsValidateWithTheirType() {
        Props.forAll("well-typed expressions validate", 400, (i, rnd) -> {
            ScalarType t = anyType(rnd);
            Expr e = gen(t, 1 + rnd.nextInt(6), rnd);
            Program p = programOf(e);
            assertEquals(List.of(), Validator.check(p));
            assertEquals(t, new TypeChecker(p).typeOf(e, Map.of("vu", ScalarType.U32, "vi", ScalarType.I32,
                    "vf", ScalarType.F32, "vb", ScalarType.BOOL)));
        });
    }

    @Test
    void aWronglyTypedOperandIsRejected() {
        Props.forAll("wrong operand rejected", 400, (i, rnd) -> {
            ScalarType t = anyType(rnd);
            // Sqrt takes only F32, LogicalNot only Bool, Fma only F32, SaturatingAdd only integers
            Expr bad = switch (rnd.nextInt(4)) {
                case 0 -> new Expr.UnOp(UnaryOp.SQRT, gen(t == ScalarType.F32 ? ScalarType.U32 : t, 3, rnd));
                case 1 -> new Expr.UnOp(UnaryOp.LOGICAL_NOT, gen(t == ScalarType.BOOL ? ScalarType.I32 : t, 3, rnd));
                case 2 -> new Expr.Fma(gen(ScalarType.F32, 2, rnd), gen(t == ScalarType.F32 ? ScalarType.BOOL : t, 3, rnd),
                        gen(ScalarType.F32, 2, rnd));
                default -> new Expr.BinOp(BinaryOp.SATURATING_ADD, gen(ScalarType.F32, 3, rnd), gen(ScalarType.F32, 3, rnd));
            };
            Expr wrapped = new Expr.Select(gen(ScalarType.BOOL, 2, rnd), new Expr.Cast(ScalarType.U32, bad),
                    gen(ScalarType.U32, 2, rnd));
            List<Problem> problems = Validator.check(programOf(wrapped));
            assertEquals(1, problems.size(), problems::toString);
            assertTrue(problems.getFirst().path().startsWith("body[4].Let.value.Select.ifTrue.Cast.value."),
                    problems.getFirst().path());
        });
    }
}
