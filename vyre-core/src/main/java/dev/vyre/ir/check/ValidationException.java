package dev.vyre.ir.check;

import dev.vyre.core.VyreException;
import java.util.List;

/**
 * A program failed validation; {@link #problems()} lists every finding, each pointing at its node. The message
 * names one problem with its fix, or lists several (the first {@value #MAX_LISTED}, each with its fix).
 */
public class ValidationException extends VyreException {
    private static final long serialVersionUID = 1L;

    /** How many problems the message lists. */
    public static final int MAX_LISTED = 10;

    private final transient List<Problem> problems;

    /** @param problems the findings, at least one, in program order */
    public ValidationException(List<Problem> problems) {
        super(summary(problems), fix(problems));
        this.problems = List.copyOf(problems);
    }

    private static String summary(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ValidationException needs at least one problem");
        }
        if (problems.size() == 1) {
            Problem p = problems.getFirst();
            return "program is invalid: " + p.path() + ": " + p.message();
        }
        StringBuilder sb = new StringBuilder("program is invalid: ").append(problems.size()).append(" problems");
        for (int i = 0; i < Math.min(problems.size(), MAX_LISTED); i++) {
            Problem p = problems.get(i);
            sb.append("\n  ").append(p.path()).append(": ").append(p.message()).append(" (fix: ").append(p.fix())
                    .append(')');
        }
        if (problems.size() > MAX_LISTED) {
            sb.append("\n  ... and ").append(problems.size() - MAX_LISTED).append(" more");
        }
        return sb.append('\n').toString();
    }

    private static String fix(List<Problem> problems) {
        return problems.size() == 1 ? problems.getFirst().fix()
                : "fix each problem as its hint says; problems() lists all " + problems.size();
    }

    /** Every problem, in program order. */
    public List<Problem> problems() {
        return problems;
    }
}
