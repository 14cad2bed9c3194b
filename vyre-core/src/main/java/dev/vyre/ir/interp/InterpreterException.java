package dev.vyre.ir.interp;

import dev.vyre.core.VyreException;

/** A run of the reference interpreter failed (bad bindings, step budget exhausted, divergent collectives). */
public class InterpreterException extends VyreException {
    private static final long serialVersionUID = 1L;

    public InterpreterException(String problem, String fix) {
        super(problem, fix);
    }
}
