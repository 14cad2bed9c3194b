package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Backend;

/**
 * The opcode contract on the PTX simulator: the generated megakernel's semantics, checked on any machine. Four
 * simulated workers, a warp each, so the lane-0 prologue runs too.
 */
class SimOpcodesTest extends OpcodeContract {
    private static final int WORKERS = 4;

    @Override
    protected void assumeAvailable() {
        // the simulator runs everywhere
    }

    @Override
    protected Backend newBackend() {
        return new SimBackend(WorkerShape.WARP, WORKERS);
    }
}
