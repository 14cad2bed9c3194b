package dev.vyre.runtime;

/** The requested backend cannot run here (no provider on the class path, no driver, no device). */
public class BackendUnavailableException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String problem, String fix) {
        super(problem, fix);
    }

    public BackendUnavailableException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
