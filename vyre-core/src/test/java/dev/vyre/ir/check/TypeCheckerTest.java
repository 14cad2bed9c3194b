package dev.vyre.ir.check;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.check.ProgramFixtures.buffer;
import static dev.vyre.ir.check.ProgramFixtures.program;
import static dev.vyre.ir.check.ProgramFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeCheckerTest {
    private final TypeChecker types = new TypeChecker(program(with(
            buffer("text", 2, BufferAccess.READ_ONLY, ScalarType.BYTES),
            buffer("flags", 3, BufferAccess.READ_WRITE, ScalarType.BOOL))));

    @Test
    void typesFollowVariablesAndBuffers() {
        assertEquals(ScalarType.I32, types.typeOf(add(var("k"), var("k")), Map.of("k", ScalarType.I32)));
        assertEquals(ScalarType.U32, types.typeOf(load("text", var("k")), Map.of("k", ScalarType.I32)));
        assertEquals(ScalarType.BOOL, types.typeOf(load("flags", u32(0)), Map.of()));
        assertEquals(ScalarType.U32, types.typeOf(new Expr.BinOp(BinaryOp.ABS_DIFF, var("k"), var("k")),
                Map.of("k", ScalarType.I32)));
    }

    @Test
    void illTypedExpressionThrowsWithPathsFromExpr() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> types.typeOf(add(var("k"), var("missing")), Map.of("k", ScalarType.F32)));
        assertEquals(List.of("expr.BinOp.right"), e.problems().stream().map(Problem::path).toList());
    }

    @Test
    void variableTypesMustBeRuntimeTypes() {
        Map<String, ScalarType> vars = new HashMap<>();
        vars.put("wide", ScalarType.U64);
        vars.put("none", null);
        ValidationException e = assertThrows(ValidationException.class, () -> types.typeOf(u32(1), vars));
        assertEquals(2, e.problems().size());
    }

    @Test
    void invalidDeclarationsAreRefusedUpFront() {
        Program bad = Program.of(new Program.WorkgroupSize(2048, 1, 1), List.of(), List.of());
        ValidationException e = assertThrows(ValidationException.class, () -> new TypeChecker(bad));
        assertEquals("workgroupSize", e.problems().getFirst().path());
    }
}
