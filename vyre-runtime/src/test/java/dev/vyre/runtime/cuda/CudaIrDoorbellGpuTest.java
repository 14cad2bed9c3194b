package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IR-built kernel's doorbell fast path on the GPU ({@code Settings.withIrKernel()} with doorbell pollers;
 * docs/MEGAKERNEL-CUDA.md, "The IR-built kernel"), as {@link CudaDoorbellGpuTest} for the hand-written kernel:
 * parity with the CPU backend on harness streams published one slot at a time (every third by {@code call}), every
 * slot exactly once under four publishers (102,400 slots), the pollers running the calls while the ring workers
 * sleep up to 1 ms, and {@code ir-doorbell-call} lines with the {@code call(NOP)} round trip of the IR kernel with 3
 * pollers and of the hand-written default in the same JVM (printed, not asserted).
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaIrDoorbellGpuTest {
    private static final int CALLS = 20_000;
    private static final int WARM = 2_000;

    private static CudaBackend irBackend(int pollers, int backoffMax) {
        return CudaBackend.open(CudaBackend.Settings.defaults().withBackoff(1, backoffMax).withDoorbell(pollers)
                .withIrKernel());
    }

    @ParameterizedTest
    @CsvSource({"31, 1", "32, 2", "33, 3", "34, 4"})
    void irDoorbellKernelMatchesTheCpuBackend(long seed, int pollers) {
        CudaTests.assumeGpu();
        SlotStream stream = SlotStream.random(seed, 20_000, new SlotStream.Options(4096, 6, false, 15));
        RunSnapshot cpu = DoorbellRuns.oneAtATime(new CpuBackend(), stream, 3);
        CudaBackend b = irBackend(pollers, 16_384);
        RunSnapshot gpu = DoorbellRuns.oneAtATime(b, stream, 3);
        assertTrue(b.ptx().contains(".entry " + IrKernel.ENTRY) && b.ptx().contains("ld.acquire.sys.global.u64"),
                "the IR-built kernel with doorbell pollers ran");
        Optional<String> difference = cpu.firstDifference(gpu);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs CUDA IR doorbell kernel differ at "
                + difference.orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({"3, 16384", "2, 64", "4, 1024"})
    void everySlotRunsExactlyOnce(int pollers, int backoffMax) throws Exception {
        CudaTests.assumeGpu();
        List<String> problems = DoorbellRuns.exactlyOnce(irBackend(pollers, backoffMax), 4096, 32, 4, 102_400);
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first " + problems.getFirst());
    }

    @Test
    void thePollersRunTheCallsWhileTheRingWorkersSleep() {
        CudaTests.assumeGpu();
        // ring workers that sleep up to 1 ms between polls: a round trip well under it is the pollers' work
        CudaBackend b = irBackend(2, MegakernelPtx.Options.NANOSLEEP_MAX);
        try (Megakernel kernel = Megakernel.bootstrap(b, MegakernelConfig.defaults().withSlots(4096))) {
            for (int i = 0; i < 100; i++) {
                SlotOutcome o = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
                assertEquals(SlotState.DONE, o.state(), o::toString);
            }
            long[] nanos = DoorbellRuns.nopRoundTrips(kernel, 0, 5_000);
            assertTrue(nanos[nanos.length / 2] < 100_000, "median call(NOP) " + nanos[nanos.length / 2]
                    + " ns: the IR kernel's doorbell pollers do not run the calls");
        }
    }

    @Test
    void callRoundTripOfTheIrKernelAndTheDefault() {
        CudaTests.assumeGpu();
        for (int round = 0; round < 2; round++) {
            for (boolean ir : new boolean[] {false, true}) {
                CudaBackend.Settings s = CudaBackend.Settings.defaults();
                CudaBackend b = CudaBackend.open(ir ? s.withIrKernel() : s);
                try (Megakernel kernel = Megakernel.bootstrap(b, MegakernelConfig.defaults().withSlots(65_536))) {
                    System.out.printf("ir-doorbell-call kernel=%s pollers=%d backoff=1-%d workers=%d %s%n",
                            ir ? "IR" : "hand-written", s.doorbellPollers(), s.backoffMaxNanos(), b.workers(),
                            DoorbellRuns.summary(DoorbellRuns.nopRoundTrips(kernel, WARM, CALLS)));
                }
            }
        }
    }
}
