package dev.vyre.ir.interp;

import dev.vyre.ir.Program;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The CPU reference interpreter: the oracle for every backend (docs/VIR0-SEMANTICS.md). Buffers are bound by
 * name to little-endian memory segments, which the run reads and writes in place.
 */
public final class ReferenceInterpreter {
    /** Default step budget per dispatch. */
    public static final long DEFAULT_STEP_BUDGET = 100_000_000L;

    private final long stepBudget;

    public ReferenceInterpreter() {
        this(DEFAULT_STEP_BUDGET);
    }

    public ReferenceInterpreter(long stepBudget) {
        this.stepBudget = stepBudget;
    }

    /**
     * Runs a validated program over {@code grid}. Every non-Workgroup buffer must be bound in {@code buffers}.
     */
    public RunResult run(Program program, Dispatch grid, Map<String, MemorySegment> buffers) {
        throw new UnsupportedOperationException("TODO " + stepBudget);
    }
}
