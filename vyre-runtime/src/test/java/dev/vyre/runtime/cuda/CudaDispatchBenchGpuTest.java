package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Measures the dispatch path on the GPU and prints one {@code cuda-bench} line per configuration: the round trip
 * of {@link Megakernel#call} (publish, device claim and run, host sees DONE) and the end-to-end throughput of
 * batched NOP slots. It checks that every slot ran; the figures are for the report (docs/MEGAKERNEL-CUDA.md).
 */
@Tag("gpu")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CudaDispatchBenchGpuTest {
    private static final int WARMUP_CALLS = 2_000;
    private static final int TIMED_CALLS = 20_000;
    private static final int THROUGHPUT_SLOTS = 1 << 20;
    private static final int SLOTS = 4096;

    record Variant(WorkerShape shape, int backoffMin, int backoffMax, int workers) {
        @Override
        public String toString() {
            return shape + " backoff " + backoffMin + ".." + backoffMax + " ns, workers " + (workers == 0
                    ? "default" : workers);
        }
    }

    static Stream<Variant> variants() {
        int min = CudaBackend.DEFAULT_BACKOFF_MIN_NANOS;
        int max = CudaBackend.DEFAULT_BACKOFF_MAX_NANOS;
        return Stream.of(
                new Variant(WorkerShape.THREAD, min, max, 0),
                new Variant(WorkerShape.WARP, min, max, 0),
                new Variant(WorkerShape.THREAD, min, max, 32),
                new Variant(WorkerShape.THREAD, min, max, 1024),
                new Variant(WorkerShape.THREAD, 32, 256, 0),
                new Variant(WorkerShape.THREAD, 256, 16_384, 0),
                new Variant(WorkerShape.THREAD, 1, 1, 1),
                new Variant(WorkerShape.THREAD, 1, 64, 32),
                new Variant(WorkerShape.WARP, 1, 64, 32),
                new Variant(WorkerShape.WARP, 1, 64, 4),
                new Variant(WorkerShape.THREAD, 1, 64, 128));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void roundTripAndThroughput(Variant v) {
        CudaTests.assumeGpu();
        CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withShape(v.shape())
                .withBackoff(v.backoffMin(), v.backoffMax()));
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(SLOTS).withWorkers(v.workers());
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            long[] nanos = new long[TIMED_CALLS];
            for (int i = 0; i < WARMUP_CALLS + TIMED_CALLS; i++) {
                long t0 = System.nanoTime();
                SlotOutcome o = kernel.call(Opcodes.NOP, 0, Priority.NORMAL);
                long t1 = System.nanoTime();
                assertEquals(SlotState.DONE, o.state());
                if (i >= WARMUP_CALLS) {
                    nanos[i - WARMUP_CALLS] = t1 - t0;
                }
            }
            Arrays.sort(nanos);

            List<Slot> batch = new ArrayList<>(SLOTS);
            for (int i = 0; i < SLOTS; i++) {
                batch.add(Slot.of(SlotState.PUBLISHED, Opcodes.NOP, 0, Priority.NORMAL));
            }
            int before = kernel.doneCount();
            long t0 = System.nanoTime();
            for (int published = 0; published < THROUGHPUT_SLOTS; published += SLOTS) {
                kernel.publishBatch(batch);
            }
            while (kernel.doneCount() - before != THROUGHPUT_SLOTS) {
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60), "throughput run stalled");
                Thread.onSpinWait();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "cuda-bench %s (%d workers, %s): call round trip p50 %.2f us, p90 %.2f"
                            + " us, p99 %.2f us, min %.2f us; batched NOP throughput %.0f slots/s%n",
                    v, kernel.workers(), backend.device().name(), us(nanos, 0.50), us(nanos, 0.90), us(nanos, 0.99),
                    nanos[0] / 1e3, THROUGHPUT_SLOTS / seconds);
        }
    }

    private static double us(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e3;
    }
}
