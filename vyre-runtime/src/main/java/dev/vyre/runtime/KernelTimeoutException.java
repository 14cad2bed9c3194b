package dev.vyre.runtime;

/** A bounded wait ran out: a slot did not finish in time, or the workers did not drain and exit. */
public class KernelTimeoutException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public KernelTimeoutException(String problem, String fix) {
        super(problem, fix);
    }
}
