package dev.vyre.ir.interp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What the invocations of one dispatch share: the step budget, the first failure and the follow-up grids. */
final class Execution {
    private final long budget;
    private final AtomicLong steps = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Dispatch> indirect = new ArrayList<>();

    Execution(long budget) {
        this.budget = budget;
    }

    /**
     * Adds {@code n} steps taken by {@code inv}; throws {@link StepBudgetExceededException} naming it when the total
     * passes the budget. Every step is charged before the run returns, so a run that stays within the budget
     * never fails and one that exceeds it always does.
     */
    void charge(int n, Invocation inv) {
        if (steps.addAndGet(n) > budget) {
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
