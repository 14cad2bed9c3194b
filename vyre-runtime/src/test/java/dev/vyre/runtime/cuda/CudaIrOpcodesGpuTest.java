package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Backend;
import org.junit.jupiter.api.Tag;

/** The opcode contract on the GPU, IR-built kernel ({@code Settings.withIrKernel()}). */
@Tag("gpu")
class CudaIrOpcodesGpuTest extends OpcodeContract {

    @Override
    protected void assumeAvailable() {
        CudaTests.assumeGpu();
    }

    @Override
    protected Backend newBackend() {
        return CudaBackend.open(CudaBackend.Settings.defaults().withIrKernel());
    }
}
