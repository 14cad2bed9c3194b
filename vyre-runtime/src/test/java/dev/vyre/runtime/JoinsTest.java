package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class JoinsTest {
    @Test
    void anInterruptDoesNotCutTheWaitShortAndIsRestored() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        });
        Thread.currentThread().interrupt();
        boolean ended = Joins.joinUntil(t, System.nanoTime() + 10_000_000_000L);
        assertTrue(Thread.interrupted(), "the interrupt flag is restored (and cleared here)");
        assertTrue(ended, "the thread ended although the caller was interrupted");
        assertTrue(release.getCount() == 0);
    }

    @Test
    void aDeadlineInThePastReportsAThreadStillRunning() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(Joins.joinUntil(t, System.nanoTime() - 1));
        stop.countDown();
        assertTrue(Joins.joinUntil(t, System.nanoTime() + 10_000_000_000L));
    }
}
