package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.cuda.CudaContext;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bootstrap and close leak nothing: 100 cycles leave the device's free memory where it was. */
@Tag("gpu")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CudaLifecycleGpuTest {
    private static final int CYCLES = 100;

    @Test
    void hundredBootstrapCloseCyclesGiveAllDeviceMemoryBack() {
        CudaTests.assumeGpu();
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(64).withObservables(64).withDebugRecords(16);
        // An outer context keeps the primary context alive between cycles, so each cycle measures only itself.
        try (CudaContext keepAlive = CudaContext.open(0)) {
            cycle(config, 0);
            long start = keepAlive.memInfo().freeBytes();
            for (int i = 1; i <= CYCLES; i++) {
                cycle(config, i);
                if (i % 25 == 0) {
                    assertEquals(start, keepAlive.memInfo().freeBytes(), "free device memory after " + i + " cycles");
                }
            }
            assertEquals(start, keepAlive.memInfo().freeBytes(), "free device memory after " + CYCLES + " cycles");
            assertEquals(0, keepAlive.openResourceCount());
        }
    }

    private static void cycle(MegakernelConfig config, int i) {
        try (Megakernel kernel = Megakernel.bootstrap(CudaBackend.open(), config)) {
            var o = kernel.call(Opcodes.STORE_U32, 0, Priority.NORMAL, i, 200);
            assertEquals(SlotState.DONE, o.state(), o::toString);
            assertEquals(i, kernel.control().load(200));
        }
    }
}
