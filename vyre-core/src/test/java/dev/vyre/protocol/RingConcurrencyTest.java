package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One host thread publishes 800,000 slots into a small ring while 8 workers race to claim them: every publication
 * must run exactly once, with the words the host wrote (release/acquire ordering), and DONE_COUNT must match.
 */
class RingConcurrencyTest {
    private static final int WORKERS = 8;
    private static final int PUBLICATIONS = WORKERS * 100_000;
    private static final int SLOTS = 16;

    /** Argument {@code a} of publication {@code id}: recomputed by the worker to detect torn or stale reads. */
    private static int argOf(int id, int a) {
        return id * 0x9E3779B1 + a * 0x85EBCA6B;
    }

    @Test
    void everyPublicationIsClaimedExactlyOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), this::run);
    }

    private void run() throws Exception {
        AtomicIntegerArray executed = new AtomicIntegerArray(PUBLICATIONS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Arena arena = Arena.ofShared()) {
            RingView ring = RingView.allocate(arena, SLOTS);
            ControlView control = ControlView.allocate(arena, 0);
            long[] claims = new long[WORKERS];
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < WORKERS; t++) {
                int me = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        claims[me] = work(ring, control, executed, me);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        control.requestShutdown();
                    }
                }));
            }
            int[] args = new int[12];
            int next = 0;
            int recycled = 0;
            while (recycled < PUBLICATIONS && failure.get() == null) {
                boolean progress = false;
                for (int s = 0; s < SLOTS; s++) {
                    SlotState st = ring.status(s);
                    if (st == SlotState.DONE) {
                        assertEquals(~ring.arg(s, 0), ring.arg(s, 1), "result written before DONE");
                        assertTrue(ring.recycle(s));
                        recycled++;
                        progress = true;
                        st = SlotState.EMPTY;
                    }
                    if (st == SlotState.EMPTY && next < PUBLICATIONS) {
                        for (int a = 0; a < 12; a++) {
                            args[a] = a == 0 ? next : argOf(next, a);
                        }
                        ring.publish(s, 0x100, 1, Priority.NORMAL, args);
                        next++;
                        progress = true;
                    }
                }
                if (!progress) {
                    Thread.yield();
                }
            }
            control.requestShutdown();
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("worker failed", failure.get());
            }
            long total = 0;
            for (long c : claims) {
                total += c;
            }
            assertEquals(PUBLICATIONS, total, "claims");
            assertEquals(PUBLICATIONS, control.doneCount());
            for (int id = 0; id < PUBLICATIONS; id++) {
                if (executed.get(id) != 1) {
                    throw new AssertionError("publication " + id + " executed " + executed.get(id) + " times");
                }
            }
        }
    }

    private static long work(RingView ring, ControlView control, AtomicIntegerArray executed, int me) {
        long claims = 0;
        int start = me * SLOTS / WORKERS;
        while (!control.shutdownRequested()) {
            boolean found = false;
            for (int k = 0; k < SLOTS; k++) {
                int s = (start + k) % SLOTS;
                if (ring.statusWord(s) == SlotState.PUBLISHED.wire() && ring.tryClaim(s)) {
                    found = true;
                    claims++;
                    int id = ring.arg(s, 0);
                    for (int a = 1; a < 12; a++) {
                        if (ring.arg(s, a) != argOf(id, a)) {
                            throw new AssertionError("publication " + id + " arg " + a + " torn");
                        }
                    }
                    executed.incrementAndGet(id);
                    ring.setArg(s, 1, ~id);
                    ring.complete(s);
                    control.incrementDoneCount();
                }
            }
            if (!found) {
                Thread.yield();
            }
        }
        return claims;
    }
}
