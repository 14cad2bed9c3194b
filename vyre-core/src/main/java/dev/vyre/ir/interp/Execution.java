package dev.vyre.ir.interp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the invocations of one dispatch share: the step budget, the first failure and the follow-up grids. */
final class Execution {
    private final long budget;
    /** Whether every invocation has a budget of its own ({@link ReferenceInterpreter#runLanes}). */
    private final boolean perInvocation;
    private final AtomicLong steps = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Dispatch> indirect = new ArrayList<>();

    Execution(long budget) {
        this(budget, false);
    }

    /** {@code perInvocation}: the budget applies to each invocation's own steps, not to their sum. */
    Execution(long budget, boolean perInvocation) {
        this.budget = budget;
        this.perInvocation = perInvocation;
    }

    /**
     * Adds {@code n} steps taken by {@code inv} (to its own count too, with per-invocation budgets); throws {@link StepBudgetExceededException} naming it when the total
     * passes the budget. Every step is charged before the run returns, so a run that stays within the budget
     * never fails and one that exceeds it always does.
     */
    void charge(int n, Invocation inv) {
        long total = steps.addAndGet(n);
        if (perInvocation) {
            inv.chargedSteps += n;
            total = inv.chargedSteps;
        }
        if (total > budget) {
            throw new StepBudgetExceededException(budget, inv.describe());
        }
    }

    long steps() {
        return steps.get();
    }

    /** Keeps the first failure of any invocation thread. */
    void fail(Throwable t) {
        failure.compareAndSet(null, t);
    }

    Throwable failure() {
        return failure.get();
    }

    void recordIndirect(Dispatch d) {
        synchronized (indirect) {
            indirect.add(d);
        }
    }

    List<Dispatch> indirectDispatches() {
        synchronized (indirect) {
            return List.copyOf(indirect);
        }
    }
}
