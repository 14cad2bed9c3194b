package dev.vyre.runtime.vm;

import dev.vyre.core.VyreException;

/** A VM program or buffer-set registration that was refused (docs/VM-BYTECODE.md, Device tables). */
public class VmRegistryException extends VyreException {
    private static final long serialVersionUID = 1L;

    public VmRegistryException(String problem, String fix) {
        super(problem, fix);
    }
}
