package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly-once execution under load: several publisher threads publish over 100,000 slots, slot {@code i} adding
 * 1 to its own counter {@code observable i}; afterwards every counter is exactly 1 and DONE_COUNT is the total.
 */
@Tag("gpu")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CudaClaimsGpuTest {
    private static final int PUBLISHERS = 4;
    private static final int SEQUENCES = 102_400;
    private static final int BATCH = 512;

    @ParameterizedTest
    @EnumSource(WorkerShape.class)
    void everySlotRunsExactlyOnce(WorkerShape shape) throws Exception {
        CudaTests.assumeGpu();
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(4096).withObservables(SEQUENCES);
        CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withShape(shape).withKernel(KernelBuild.HAND_WRITTEN));
        try (Megakernel kernel = Megakernel.bootstrap(backend, config)) {
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
            List<Future<List<Ticket>>> futures = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                int publisher = p;
                futures.add(pool.submit(() -> publish(kernel, publisher)));
            }
            List<Ticket> tickets = new ArrayList<>();
            for (Future<List<Ticket>> f : futures) {
                tickets.addAll(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            for (Ticket t : tickets) {
                SlotOutcome o = t.await(Duration.ofSeconds(30));
                assertEquals(SlotState.DONE, o.state(), o::toString);
            }
            ControlView control = kernel.control();
            int bad = 0;
            int firstBad = -1;
            for (int i = 0; i < SEQUENCES; i++) {
                if (control.observable(i) != 1) {
                    bad++;
                    firstBad = firstBad < 0 ? i : firstBad;
                }
            }
            assertEquals(0, bad, bad + " counters are not exactly 1, the first is " + firstBad + " ("
                    + shape + ", " + kernel.workers() + " workers)");
            CudaTests.awaitDoneCount(control, SEQUENCES);
        }
    }

    /**
     * Publisher {@code p} publishes the counters {@code i = p, p + PUBLISHERS, ...}: the even publishers one slot
     * at a time, the odd ones in batches.
     */
    private static List<Ticket> publish(Megakernel kernel, int p) {
        List<Ticket> tickets = new ArrayList<>();
        List<Slot> batch = new ArrayList<>(BATCH);
        for (int i = p; i < SEQUENCES; i += PUBLISHERS) {
            int word = ControlLayout.OBSERVABLE_BASE + i;
            if (i % 2 == 0) {
                tickets.add(kernel.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, word));
            } else {
                batch.add(Slot.of(SlotState.PUBLISHED, Opcodes.ATOMIC_ADD, 0, Priority.HIGH, 1, word));
                if (batch.size() == BATCH) {
                    tickets.addAll(kernel.publishBatch(batch));
                    batch.clear();
                }
            }
        }
        tickets.addAll(kernel.publishBatch(batch));
        return tickets;
    }
}
