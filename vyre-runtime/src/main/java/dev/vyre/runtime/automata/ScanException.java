package dev.vyre.runtime.automata;

import dev.vyre.core.VyreException;

/** A scan through the megakernel could not run: bad options, a registry misuse, a faulted DFA_STEP slot. */
public class ScanException extends VyreException {
    private static final long serialVersionUID = 1L;

    public ScanException(String problem, String fix) {
        super(problem, fix);
    }

    public ScanException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
