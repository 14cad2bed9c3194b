package dev.vyre.ir.interp;

/** A run used more node and expression evaluations than its step budget allows. */
public class StepBudgetExceededException extends InterpreterException {
    private static final long serialVersionUID = 1L;

    private final long budget;

    public StepBudgetExceededException(long budget, String where) {
        super("step budget of " + budget + " node and expression evaluations exhausted in " + where,
                "make every Loop reach a Return and keep For ranges finite; for a long but finite program,"
                        + " raise the budget with new ReferenceInterpreter(steps)");
        this.budget = budget;
    }

    /** The budget that ran out. */
    public long budget() {
        return budget;
    }
}
