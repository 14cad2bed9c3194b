package dev.vyre.ir.check;

import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.check.ProgramFixtures.program;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Deep but legal programs validate without overflowing the stack; problems deep inside get exact paths. */
class DeepProgramTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private static List<Problem> check(Program p) {
        return assertTimeoutPreemptively(LIMIT, () -> Validator.check(p));
    }

    /** Nodes nested {@code depth} times (Block, If, For, Loop in turn) around a Store of {@code value}. */
    private static Program nestedNodes(int depth, Expr value) {
        Node inner = new Node.Store("out", u32(0), value);
        for (int d = depth - 1; d >= 0; d--) {
            inner = switch (d % 4) {
                case 0 -> new Node.Block(List.of(inner));
                case 1 -> new Node.If(Expr.bool(true), List.of(), List.of(inner));
                case 2 -> new Node.For("v" + d, u32(0), u32(2), List.of(inner));
                default -> new Node.Loop(List.of(inner, new Node.Return()));
            };
        }
        return program(inner);
    }

    private static String nestedPath(int depth) {
        StringBuilder sb = new StringBuilder("body[0]");
        for (int d = 0; d < depth; d++) {
            sb.append(switch (d % 4) {
                case 0 -> ".Block.body[0]";
                case 1 -> ".If.else[0]";
                case 2 -> ".For.body[0]";
                default -> ".Loop.body[0]";
            });
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 20_000})
    void deeplyNestedStatements(int depth) {
        assertEquals(List.of(), check(nestedNodes(depth, var("v2"))));
        List<Problem> problems = check(nestedNodes(depth, Expr.f32(1)));
        assertEquals(1, problems.size());
        assertEquals(nestedPath(depth) + ".Store.value", problems.getFirst().path());
    }

    /** A chain of expressions {@code depth} deep whose innermost leaf is {@code leaf}; U32 when leaf is U32. */
    private static Expr chain(int depth, Expr leaf) {
        Expr e = leaf;
        for (int d = 0; d < depth; d++) {
            e = switch (d % 4) {
                case 0 -> new Expr.BinOp(BinaryOp.ADD, e, u32(d));
                case 1 -> new Expr.UnOp(UnaryOp.BIT_NOT, e);
                case 2 -> new Expr.Select(Expr.bool(true), e, u32(1));
                default -> new Expr.Cast(ScalarType.U32, new Expr.Cast(ScalarType.U32, e));
            };
        }
        return e;
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 20_000})
    void deeplyNestedExpressions(int depth) {
        Program good = program(new Node.Store("out", u32(0), chain(depth, u32(1))));
        assertEquals(List.of(), check(good));
        assertEquals(ScalarType.U32, new TypeChecker(good).typeOf(chain(depth, var("x")), Map.of("x", ScalarType.U32)));
        List<Problem> problems = check(program(new Node.Store("out", u32(0), chain(depth, var("nope")))));
        assertEquals(1, problems.size(), problems::toString);
        String path = problems.getFirst().path();
        assertTrue(path.startsWith("body[0].Store.value.") && path.contains(".BinOp.left.")
                && path.endsWith(".BinOp.left"), path.length() > 200 ? path.substring(path.length() - 200) : path);
        assertTrue(problems.getFirst().message().contains("'nope'"));
    }
}
