package dev.vyre.ir.check;

import dev.vyre.ir.Program;
import java.util.List;

/**
 * Checks a program against docs/VIR0-SEMANTICS.md before it runs anywhere: program shape, identifiers, scopes,
 * the operator type tables, buffer access and the constructs this runtime cannot run (Call, Opaque). Every
 * problem is reported, in program order, each with a path to the offending node; an ill-typed expression counts
 * as unknown afterwards so that one mistake is reported once. The walk is iterative, so deep programs are fine.
 */
public final class Validator {
    private Validator() {
    }

    /** Every problem found, in program order; empty when the program is valid. */
    public static List<Problem> check(Program program) {
        Findings findings = new Findings();
        new Checker(Declarations.check(program, findings), findings).checkBody(program.body());
        return findings.sorted();
    }

    /** Throws {@link ValidationException} listing every problem, or returns normally. */
    public static void validate(Program program) {
        List<Problem> problems = check(program);
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
    }
}
