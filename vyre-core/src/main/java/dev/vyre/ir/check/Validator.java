package dev.vyre.ir.check;

import dev.vyre.ir.Program;
import java.util.List;

/** Checks a program against docs/VIR0-SEMANTICS.md before it runs anywhere. */
public final class Validator {
    private Validator() {
    }

    /** Every problem found, in program order; empty when the program is valid. */
    public static List<Problem> check(Program program) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Throws {@link ValidationException} listing every problem, or returns normally. */
    public static void validate(Program program) {
        List<Problem> problems = check(program);
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
    }
}
