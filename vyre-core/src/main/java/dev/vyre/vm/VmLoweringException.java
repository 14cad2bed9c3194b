package dev.vyre.vm;

import dev.vyre.core.VyreException;

/** A VIR0 program that the VM cannot run (a refused operator or node, a limit), naming where (docs/VM-BYTECODE.md). */
public class VmLoweringException extends VyreException {
    private static final long serialVersionUID = 1L;

    public VmLoweringException(String problem, String fix) {
        super(problem, fix);
    }
}
