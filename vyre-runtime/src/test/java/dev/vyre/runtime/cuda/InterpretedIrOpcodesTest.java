package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Backend;

/** The opcode contract on the IR-built megakernel's program run by the reference interpreter (one worker). */
class InterpretedIrOpcodesTest extends OpcodeContract {

    @Override
    protected void assumeAvailable() {
        // the interpreter runs everywhere
    }

    @Override
    protected Backend newBackend() {
        return new InterpretedIrBackend();
    }
}
