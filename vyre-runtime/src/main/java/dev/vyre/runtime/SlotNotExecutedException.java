package dev.vyre.runtime;

/**
 * A published slot was never executed because the workers had already exited (a SHUTDOWN slot ran before it was
 * published, or the backend's workers died). The ticket of such a slot completes with this exception.
 */
public class SlotNotExecutedException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public SlotNotExecutedException(String problem, String fix) {
        super(problem, fix);
    }
}
