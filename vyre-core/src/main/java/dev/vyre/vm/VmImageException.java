package dev.vyre.vm;

import dev.vyre.core.VyreException;

/** A VYVM image that is corrupt or breaks a rule of docs/VM-BYTECODE.md (what, where, and a Fix). */
public class VmImageException extends VyreException {
    private static final long serialVersionUID = 1L;

    public VmImageException(String problem, String fix) {
        super(problem, fix);
    }
}
