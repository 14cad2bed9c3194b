package dev.vyre.automata.worklist;

import dev.vyre.automata.AutomataException;

/** The state-visit budget {@code depth * multiplier} does not fit a u32. */
public class WorklistBudgetException extends AutomataException {
    private static final long serialVersionUID = 1L;

    private final int worklistDepth;

    public WorklistBudgetException(int worklistDepth, int multiplier) {
        super("automata worklist state-visit budget overflowed u32 (depth " + Integer.toUnsignedString(worklistDepth)
                + " x multiplier " + Integer.toUnsignedString(multiplier) + ")",
                "shard the state-index frontier before resident scheduling");
        this.worklistDepth = worklistDepth;
    }

    /** The depth (u32) that overflowed. */
    public int worklistDepth() {
        return worklistDepth;
    }
}
