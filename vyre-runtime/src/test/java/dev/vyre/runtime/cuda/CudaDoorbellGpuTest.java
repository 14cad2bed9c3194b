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
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The doorbell fast path on the GPU (docs/MEGAKERNEL-CUDA.md, "Doorbell fast path"): parity with the CPU backend on
 * harness streams published one slot at a time, every slot exactly once under four publishers, the pollers alone
 * running every call (ring workers kept from claiming), and a {@code doorbell-call} line per configuration with the
 * round trip of {@code call(NOP)} with and without pollers in the same JVM, for a first comparison (the bench is
 * {@code vyre bench dispatch --cuda-variant ...:2}).
 */
@Tag("gpu")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CudaDoorbellGpuTest {
    private static final int CALLS = 20_000;
    private static final int WARM = 2_000;

    private static CudaBackend backend(WorkerShape shape, int pollers, int backoffMax) {
        return CudaBackend.open(CudaBackend.Settings.defaults().withShape(shape).withKernel(KernelBuild.HAND_WRITTEN).withBackoff(1, backoffMax)
                .withDoorbell(pollers));
    }

    @ParameterizedTest
    @CsvSource({"21, THREAD, 2", "22, WARP, 4", "23, THREAD, 1"})
    void doorbellKernelMatchesTheCpuBackend(long seed, WorkerShape shape, int pollers) {
        CudaTests.assumeGpu();
        SlotStream stream = SlotStream.random(seed, 20_000, new SlotStream.Options(4096, 6, false, 15));
        RunSnapshot cpu = DoorbellRuns.oneAtATime(new CpuBackend(), stream, 3);
        RunSnapshot gpu = DoorbellRuns.oneAtATime(backend(shape, pollers, 16_384), stream, 3);
        Optional<String> difference = cpu.firstDifference(gpu);
        assertTrue(difference.isEmpty(), () -> "seed " + seed + ": cpu vs CUDA doorbell kernel differ at "
                + difference.orElseThrow());
    }

    @ParameterizedTest
    @CsvSource({"2, 64", "4, 16384", "1, 1024"})
    void everySlotRunsExactlyOnce(int pollers, int backoffMax) throws Exception {
        CudaTests.assumeGpu();
        List<String> problems = DoorbellRuns.exactlyOnce(backend(WorkerShape.THREAD, pollers, backoffMax), 4096, 32,
                4, 102_400);
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first " + problems.getFirst());
    }

    @Test
    void thePollersAloneRunEveryCall() {
        CudaTests.assumeGpu();
        // not the edited kernel of the simulator test (the backend generates its own PTX): ring workers that sleep
        // up to 1 ms between polls instead, so that nearly every call is the pollers'; every call must still finish
        CudaBackend b = backend(WorkerShape.THREAD, 2, MegakernelPtx.Options.NANOSLEEP_MAX);
        try (Megakernel kernel = Megakernel.bootstrap(b, MegakernelConfig.defaults().withSlots(4096))) {
            long[] nanos = new long[5_000];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                SlotOutcome o = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
                nanos[i] = System.nanoTime() - t0;
                assertEquals(SlotState.DONE, o.state(), o::toString);
            }
            Arrays.sort(nanos);
            // with ring workers asleep for up to 1 ms, a round trip well under it is the pollers' work
            assertTrue(nanos[nanos.length / 2] < 100_000, "median call(NOP) " + nanos[nanos.length / 2]
                    + " ns: the doorbell pollers do not run the calls");
        }
    }

    @Test
    void callRoundTripWithAndWithoutPollers() {
        CudaTests.assumeGpu();
        for (int pollers : new int[] {0, 2, 3, 4, 0, 2}) {
            for (int workers : new int[] {8, 128}) {
                int max = pollers == 0 ? 64 : 16_384;
                try (Megakernel kernel = Megakernel.bootstrap(backend(WorkerShape.THREAD, pollers, max),
                        MegakernelConfig.defaults().withSlots(65_536).withWorkers(workers))) {
                    System.out.printf("doorbell-call pollers=%d workers=%d backoff=1-%d %s%n", pollers, workers,
                            max, DoorbellRuns.summary(DoorbellRuns.nopRoundTrips(kernel, WARM, CALLS)));
                }
            }
        }
    }
}
