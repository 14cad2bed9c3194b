package dev.vyre.runtime;

/** A megakernel could not be bootstrapped: bad configuration, a refused user handler, or a backend failure. */
public class BootstrapException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public BootstrapException(String problem, String fix) {
        super(problem, fix);
    }

    public BootstrapException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
