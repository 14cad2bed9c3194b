package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.parity.StreamHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on the CPU backend (one worker), one flooding the ring with handler slots (a few microseconds each): the quiet tenant's p99
 * latency stays within twice its p99 when it runs alone (measured in the same test, in alternating rounds so that
 * background load hits both), plus a small floor for timer noise; the best of three attempts counts, since a shared
 * 2-core machine can starve either measurement. Without the flooder's quota its slots would fill the
 * 1024-slot ring and the quiet tenant would wait behind all of them (about a thousand handler runs, milliseconds),
 * far beyond the bound in every attempt.
 */
class FairnessTest {
    private static final int QUIET = 1;
    private static final int FLOOD = 2;
    private static final int ROUNDS = 4;
    private static final int CALLS = 300;
    /** Attempts (each a full alternating measurement); one within the bound passes, against scheduler noise. */
    private static final int ATTEMPTS = 5;
    /**
     * Most attempts in all: an attempt in which the flooder was not scheduled (a loaded machine) shows nothing and
     * does not count against {@link #ATTEMPTS}.
     */
    private static final int MAX_TRIES = 25;
    /** Floor added to the bound: scheduler and timer noise of a shared 2-core machine. */
    private static final long FLOOR_NANOS = 150_000;

    @Test
    void quietTenantKeepsItsLatencyWhileAnotherFloods() throws Exception {
        Kernels.assumeInterpreter();
        MegakernelConfig c = MegakernelConfig.defaults().withSlots(1024).withWorkers(1).withObservables(16)
                .withDebugRecords(0).withDrainTimeout(Duration.ofSeconds(20))
                .withHandler(StreamHandlers.COUNTING, StreamHandlers.counting())
                .withTenant(QUIET, TenantSpec.allowing(Opcodes.ATOMIC_ADD).withQuota(4))
                .withTenant(FLOOD, TenantSpec.allowing(StreamHandlers.COUNTING).withQuota(4));
        List<String> reports = new ArrayList<>();
        try (Megakernel k = Kernels.cpu(c)) {
            TenantHandle quiet = k.tenant(QUIET);
            TenantHandle flood = k.tenant(FLOOD);
            measure(quiet, CALLS); // warm-up
            int conclusive = 0;
            for (int tries = 0; tries < MAX_TRIES && conclusive < ATTEMPTS; tries++) {
                long[] alone = new long[ROUNDS * CALLS];
                long[] flooded = new long[ROUNDS * CALLS];
                long floodSlots = 0;
                for (int r = 0; r < ROUNDS; r++) {
                    System.arraycopy(measure(quiet, CALLS), 0, alone, r * CALLS, CALLS);
                    AtomicBoolean stop = new AtomicBoolean();
                    Thread flooder = Thread.ofPlatform().start(() -> {
                        while (!stop.get()) {
                            flood.publish(StreamHandlers.COUNTING, Priority.NORMAL, 3, 4, 161, 162);
                        }
                    });
                    while (flood.inFlight() < flood.quota()) {
                        Thread.onSpinWait();
                    }
                    long before = flood.admitted();
                    System.arraycopy(measure(quiet, CALLS), 0, flooded, r * CALLS, CALLS);
                    floodSlots += flood.admitted() - before;
                    stop.set(true);
                    flooder.join();
                    while (flood.inFlight() > 0) {
                        Thread.onSpinWait();
                    }
                }
                long p99Alone = p99(alone);
                long p99Flooded = p99(flooded);
                reports.add("quiet p99 alone " + p99Alone / 1000 + " us, under flood " + p99Flooded / 1000
                        + " us; flood slots run meanwhile: " + floodSlots);
                if (floodSlots < CALLS / 4) {
                    continue; // the flooder was not scheduled during the measurement: this attempt shows nothing
                }
                conclusive++;
                if (p99Flooded <= 2 * p99Alone + FLOOR_NANOS) {
                    return;
                }
            }
            assertTrue(conclusive > 0, "the flood never ran during a measurement (" + MAX_TRIES + " attempts): "
                    + reports);
        }
        fail("the quiet tenant's p99 under flood exceeded 2 x alone + " + FLOOR_NANOS / 1000 + " us in every"
                + " attempt with a running flood: " + reports);
    }

    private static long[] measure(TenantHandle quiet, int calls) {
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            quiet.call(Opcodes.ATOMIC_ADD, Priority.NORMAL, 1, 160);
            nanos[i] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static long p99(long[] samples) {
        long[] s = samples.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(s.length * 0.99) - 1];
    }
}
