package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Backend;

/**
 * The opcode contract on the IR-built kernel ({@link dev.vyre.runtime.cuda.ir.IrKernel}) in the PTX simulator: the
 * same checks as the hand-written kernel's {@link SimOpcodesTest}, four THREAD workers.
 */
class SimIrOpcodesTest extends OpcodeContract {
    private static final int WORKERS = 4;

    @Override
    protected void assumeAvailable() {
        // the simulator runs everywhere
    }

    @Override
    protected Backend newBackend() {
        return SimBackend.irKernel(WORKERS);
    }
}
