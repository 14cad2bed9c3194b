package dev.vyre.ir.check;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import java.util.List;
import java.util.Map;

/**
 * Checks a program against docs/VIR0-SEMANTICS.md before it runs anywhere: program shape, identifiers, scopes,
 * the operator type tables, buffer access and the constructs this runtime cannot run (Call, Opaque outside the system-memory profile, {@link
 * dev.vyre.ir.SystemMemory}). Every
 * problem is reported, in program order, each with a path to the offending node; an ill-typed expression counts
 * as unknown afterwards so that one mistake is reported once. The walk is iterative, so deep programs are fine.
 */
public final class Validator {
    private Validator() {
    }

    /** Every problem found, in program order; empty when the program is valid. */
    public static List<Problem> check(Program program) {
        Findings findings = new Findings();
        Map<String, BufferDecl> buffers = Declarations.check(program, findings);
        boolean systemMemory = SystemMemoryCheck.check(program, buffers, findings);
        new Checker(buffers, findings, systemMemory).checkBody(program.body());
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
