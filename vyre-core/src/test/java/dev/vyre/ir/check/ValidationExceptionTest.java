package dev.vyre.ir.check;

import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.check.ProgramFixtures.let;
import static dev.vyre.ir.check.ProgramFixtures.program;
import static dev.vyre.ir.check.ProgramFixtures.store;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.core.VyreException;
import dev.vyre.ir.Node;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationExceptionTest {
    @Test
    void oneProblemNamesItsPathMessageAndFix() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> Validator.validate(program(store("input", u32(0), u32(1)))));
        Problem p = e.problems().getFirst();
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().contains("body[0].Store.buffer: Store to read-only buffer 'input'"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Fix: " + p.fix()), e.getMessage());
        assertTrue(e instanceof VyreException);
    }

    @Test
    void severalProblemsAreListedEachWithItsFix() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> Validator.validate(program(store("input", u32(0), u32(1)), let("x", var("y")))));
        assertEquals(2, e.problems().size());
        String message = e.getMessage();
        for (Problem p : e.problems()) {
            assertTrue(message.contains(p.path() + ": " + p.message() + " (fix: " + p.fix() + ")"), message);
        }
        assertTrue(message.indexOf("body[0]") < message.indexOf("body[1]"), message);
        assertTrue(message.matches("(?s).*Fix: [^\n]+"), message);
    }

    @Test
    void longListsAreCutAfterTen() {
        List<Node> body = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            body.add(store("input", u32(i), u32(1)));
        }
        ValidationException e = assertThrows(ValidationException.class,
                () -> Validator.validate(program(body.toArray(Node[]::new))));
        assertEquals(25, e.problems().size());
        assertTrue(e.getMessage().contains("body[9].Store.buffer") && !e.getMessage().contains("body[10]"));
        assertTrue(e.getMessage().contains("and 15 more"), e.getMessage());
    }

    @Test
    void validProgramPasses() {
        assertDoesNotThrow(() -> Validator.validate(program(store("out", u32(0), u32(1)))));
    }
}
