package dev.vyre.core;

/**
 * Base of every failure vyre reports. The message always says what failed and ends with {@code Fix: ...},
 * a concrete hint for the caller.
 */
public class VyreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String fix;

    public VyreException(String problem, String fix) {
        this(problem, fix, null);
    }

    public VyreException(String problem, String fix, Throwable cause) {
        super(compose(problem, fix), cause);
        this.problem = problem;
        this.fix = fix;
    }

    private static String compose(String problem, String fix) {
        String p = problem == null || problem.isBlank() ? "vyre operation failed" : problem.strip();
        String f = fix == null || fix.isBlank() ? "report this as a bug with the full message" : fix.strip();
        return p + (p.endsWith(".") ? " " : ". ") + "Fix: " + f;
    }

    /** What failed, without the fix hint. */
    public String problem() {
        return problem;
    }

    /** The fix hint, without the leading {@code Fix: }. */
    public String fix() {
        return fix;
    }
}
