package dev.vyre.automata;

import dev.vyre.core.VyreException;

/** A failure of the automata module other than a refused pattern: bad arguments, a scan that cannot go on. */
public class AutomataException extends VyreException {
    private static final long serialVersionUID = 1L;

    public AutomataException(String problem, String fix) {
        super(problem, fix);
    }

    public AutomataException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
