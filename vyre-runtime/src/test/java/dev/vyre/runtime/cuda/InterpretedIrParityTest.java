package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vyre.runtime.parity.SlotStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IR-built megakernel's program itself, run by the reference interpreter ({@link InterpretedIrBackend}), against
 * the CPU backend on the parity harness's random streams: the VIR0 program has the CPU backend's semantics before any
 * lowering (the PTX simulator and the GPU check the lowering: {@code SimIrParityTest}, {@code CudaIrParityGpuTest}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InterpretedIrParityTest {

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23})
    void theInterpretedProgramMatchesTheCpuBackend(long seed) {
        InterpretedIrBackend interpreted = new InterpretedIrBackend();
        CudaTests.assertParity(seed, 1, 1_000, new SlotStream.Options(64, 6, false, 15), 64, s -> interpreted,
                s -> "the interpreted IR kernel");
        assertNull(interpreted.failure(), "the interpreter failed");
    }
}
