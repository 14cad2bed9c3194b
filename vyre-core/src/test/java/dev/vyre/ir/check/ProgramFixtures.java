package dev.vyre.ir.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.ArrayList;
import java.util.List;

/** Small builders and assertions shared by the validator tests. */
final class ProgramFixtures {
    /** A read-only U32 input, binding 0. */
    static final BufferDecl INPUT = BufferDecl.of("input", 0, BufferAccess.READ_ONLY, ScalarType.U32, 0, false);
    /** A read-write U32 output, binding 1. */
    static final BufferDecl OUT = BufferDecl.of("out", 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, true);

    private ProgramFixtures() {
    }

    /** A 64x1x1 program over {@link #INPUT} and {@link #OUT}. */
    static Program program(Node... body) {
        return program(List.of(INPUT, OUT), body);
    }

    static Program program(List<BufferDecl> buffers, Node... body) {
        return Program.of(Program.WorkgroupSize.of(64), buffers, List.of(body));
    }

    /** {@link #INPUT}, {@link #OUT} and {@code extra} (bindings must differ from 0 and 1). */
    static List<BufferDecl> with(BufferDecl... extra) {
        List<BufferDecl> all = new ArrayList<>(List.of(INPUT, OUT));
        all.addAll(List.of(extra));
        return all;
    }

    static BufferDecl buffer(String name, int binding, BufferAccess access, DataType type) {
        return BufferDecl.of(name, binding, access, type, access == BufferAccess.WORKGROUP ? 64 : 0, false);
    }

    static Node let(String name, Expr value) {
        return new Node.Let(name, value);
    }

    static Node assign(String name, Expr value) {
        return new Node.Assign(name, value);
    }

    static Node store(String buffer, Expr index, Expr value) {
        return new Node.Store(buffer, index, value);
    }

    static Node block(Node... body) {
        return new Node.Block(List.of(body));
    }

    static Node ifThen(Expr cond, Node... then) {
        return new Node.If(cond, List.of(then), List.of());
    }

    static Node forLoop(String var, Expr start, Expr end, Node... body) {
        return new Node.For(var, start, end, List.of(body));
    }

    /** A literal of a runtime value type. */
    static Expr literal(ScalarType type) {
        return switch (type) {
            case U32 -> Expr.u32(7);
            case I32 -> Expr.i32(-7);
            case F32 -> Expr.f32(1.5f);
            case BOOL -> Expr.bool(true);
            default -> throw new IllegalArgumentException("no literal of " + type);
        };
    }

    /** Asserts that the program is valid. */
    static void assertValid(Program p) {
        List<Problem> problems = Validator.check(p);
        assertTrue(problems.isEmpty(), () -> "expected no problems, got " + problems);
    }

    /**
     * Asserts exactly one problem, at {@code path}, whose message contains every one of {@code parts}, with a
     * non-blank fix. Returns it.
     */
    static Problem assertOnly(Program p, String path, String... parts) {
        List<Problem> problems = Validator.check(p);
        assertEquals(1, problems.size(), () -> "expected exactly one problem at " + path + ", got " + problems);
        Problem problem = problems.getFirst();
        assertEquals(path, problem.path(), () -> "wrong path: " + problem);
        for (String part : parts) {
            assertTrue(problem.message().contains(part), () -> "message lacks '" + part + "': " + problem);
        }
        assertFalse(problem.fix().isBlank(), () -> "no fix: " + problem);
        return problem;
    }
}
