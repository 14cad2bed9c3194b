package dev.vyre.vm;

import dev.vyre.core.VyreException;

/** Buffers or a grid that do not fit an image's declarations (docs/VM-BYTECODE.md, VM_EXEC checks). */
public class VmBindingException extends VyreException {
    private static final long serialVersionUID = 1L;

    public VmBindingException(String problem, String fix) {
        super(problem, fix);
    }
}
