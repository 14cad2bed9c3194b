package dev.vyre.ir.check;

import dev.vyre.core.VyreException;
import java.util.List;

/** A program failed validation; {@link #problems()} lists every finding, each pointing at its node. */
public class ValidationException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public ValidationException(List<Problem> problems) {
        super(summary(problems), problems.isEmpty() ? "see the problems" : problems.get(0).fix());
        this.problems = List.copyOf(problems);
    }

    private static String summary(List<Problem> problems) {
        StringBuilder sb = new StringBuilder("program is invalid: ").append(problems.size()).append(" problem(s)");
        int shown = 0;
        for (Problem p : problems) {
            if (shown++ == 10) {
                sb.append("\n  ...");
                break;
            }
            sb.append("\n  ").append(p.path()).append(": ").append(p.message());
        }
        return sb.toString();
    }

    public List<Problem> problems() {
        return problems;
    }
}
