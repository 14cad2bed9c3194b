package dev.vyre.cuda.ptx;

/**
 * Counts a handler's steps exactly as {@link dev.vyre.ir.interp.ReferenceInterpreter} does (docs/VIR0-SEMANTICS.md:
 * one step per node execution, per expression evaluation, per For/Loop iteration and for the invocation start) and
 * stops the handler where the interpreter would.
 *
 * <p>Counting is static where it can be: the steps of straight-line code are summed at lowering time
 * ({@link #charge}) and added to a 64-bit step register in one instruction ({@link #flush}) before every branch and
 * label, so the register holds the interpreter's exact count at every block boundary.
 *
 * <p>Where the interpreter stops: it adds its steps to the budget in batches of {@link #INTERPRETER_FLUSH_STEPS}
 * and at the end of the invocation, failing when the total exceeds the budget B. A run of T steps therefore fails
 * exactly when T > B, and it is cut short at its step number {@code L = (B / 1024 + 1) * 1024} (the first batch
 * boundary past B), before whatever that step would evaluate: every effect that comes after fewer than L steps
 * happens, later ones do not. Only effects on the control block and the data region outlive a failed run (the
 * arguments are a scratch copy the megakernel drops), so the meter compares the count with L before each of them
 * and at every loop iteration ({@link #checkpoint}, which also bounds a loop that never returns), and with B at the
 * end ({@link #finish}). Between checkpoints the handler may run on past L for a while; it can have no visible effect
 * there.
 *
 * <p>{@link #none()} is the meter of an ordinary kernel: it emits nothing (a kernel has no step budget).
 */
final class StepMeter {
    /**
     * Steps the reference interpreter counts locally before it charges them to the budget
     * ({@code Invocation.FLUSH_STEPS}); {@code PtxEmitterStepTest} checks the value against the interpreter.
     */
    static final int INTERPRETER_FLUSH_STEPS = 1024;
    private static final int FLUSH_SHIFT = Integer.numberOfTrailingZeros(INTERPRETER_FLUSH_STEPS);

    private final PtxCode c;
    private final String steps;
    private final String budget;
    private final String limit;
    private final String exhausted;
    private long pending;

    private StepMeter(PtxCode code, String steps, String budget, String limit, String exhausted) {
        this.c = code;
        this.steps = steps;
        this.budget = budget;
        this.limit = limit;
        this.exhausted = exhausted;
    }

    /** A meter that counts nothing and emits nothing. */
    static StepMeter none() {
        return new StepMeter(null, null, null, null, null);
    }

    /**
     * A handler's meter: emits the set-up (budget B widened to 64 bits from the u32 register {@code budgetWord},
     * the cut-off L, a zero step register) and charges the invocation's start step. A checkpoint past L branches
     * to {@code exhausted}.
     */
    static StepMeter handler(PtxCode code, String budgetWord, String exhausted) {
        StepMeter m = new StepMeter(code, code.b64(), code.b64(), code.b64(), exhausted);
        code.comment("steps: B = the budget, L = (B / " + INTERPRETER_FLUSH_STEPS + " + 1) * "
                + INTERPRETER_FLUSH_STEPS + " (where the interpreter stops a run)");
        code.op("cvt.u64.u32 " + m.budget + ", " + budgetWord);
        code.op("shr.u64 " + m.limit + ", " + m.budget + ", " + FLUSH_SHIFT);
        code.op("add.u64 " + m.limit + ", " + m.limit + ", 1");
        code.op("shl.b64 " + m.limit + ", " + m.limit + ", " + FLUSH_SHIFT);
        code.op("mov.u64 " + m.steps + ", 0");
        m.charge(1); // the invocation's start
        return m;
    }

    private boolean counts() {
        return c != null;
    }

    /** Adds {@code n} steps of the code that follows, up to the next flush. */
    void charge(int n) {
        if (counts()) {
            pending += n;
        }
    }

    /** Adds the steps charged since the last flush to the step register; needed before every branch and label. */
    void flush() {
        if (counts() && pending > 0) {
            c.op("add.u64 " + steps + ", " + steps + ", " + pending);
            pending = 0;
        }
    }

    /** Flushes, then leaves for the exhausted exit when the count has reached the cut-off L. */
    void checkpoint() {
        if (!counts()) {
            return;
        }
        flush();
        String over = c.pred();
        c.op("setp.ge.u64 " + over + ", " + steps + ", " + limit);
        c.guarded(over, "bra " + exhausted);
    }

    /**
     * At the end of the run (every path flushed): sets {@code status} to {@code exhaustedStatus} when the count
     * exceeds the budget B, else to {@code okStatus}.
     */
    void finish(String status, int okStatus, int exhaustedStatus) {
        String over = c.pred();
        c.op("setp.gt.u64 " + over + ", " + steps + ", " + budget);
        c.op("selp.b32 " + status + ", " + exhaustedStatus + ", " + okStatus + ", " + over);
    }
}
