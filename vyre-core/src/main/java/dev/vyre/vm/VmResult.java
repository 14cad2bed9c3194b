package dev.vyre.vm;

/**
 * How a VM run ended (docs/VM-BYTECODE.md, VM_EXEC): its status, the steps it used, its out-of-bounds counts and,
 * for {@link Status#DIVERGENT}, the lowest pc where live lanes were parked.
 */
public record VmResult(Status status, long steps, long outOfBoundsLoads, long outOfBoundsStores, int pc) {

    public enum Status {
        /** Every workgroup of the run finished. */
        DONE,
        /** The step budget was exhausted (a slot faults STEP_BUDGET). */
        STEP_BUDGET,
        /** Live lanes of a wave parked at different collectives (a slot faults HANDLER_FAULT DIVERGENT | pc). */
        DIVERGENT
    }

    public boolean done() {
        return status == Status.DONE;
    }
}
