package dev.vyre.runtime;

/** The megakernel is shutting down or closed: it accepts no more work and its buffers may be gone. */
public class KernelClosedException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public KernelClosedException(String problem, String fix) {
        super(problem, fix);
    }
}
