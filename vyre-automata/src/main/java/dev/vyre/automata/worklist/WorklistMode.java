package dev.vyre.automata.worklist;

/** Scheduler mode selected for an automata worklist; {@link #label()} is the stable evidence string. */
public enum WorklistMode {
    /** No work is queued. */
    EMPTY("empty"),
    /** The frontier is small enough for a blocking DFA/NFA kernel baseline. */
    BLOCKING("blocking"),
    /** Use a non-blocking state/index worklist. */
    NON_BLOCKING("non_blocking"),
    /** The worklist must spill or shard before resident execution. */
    SPILL_REQUIRED("spill_required");

    private final String label;

    WorklistMode(String label) {
        this.label = label;
    }

    /** Stable label for benchmark and release evidence. */
    public String label() {
        return label;
    }
}
