package dev.vyre.runtime;

import dev.vyre.core.VyreException;

/** Base of every failure of the megakernel runtime; subclasses say which kind. */
public class MegakernelException extends VyreException {
    private static final long serialVersionUID = 1L;

    public MegakernelException(String problem, String fix) {
        super(problem, fix);
    }

    public MegakernelException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
