package dev.vyre.runtime.cpu;

import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Backoff;
import dev.vyre.runtime.exec.SlotExecutor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One CPU worker: owns slots {@code index, index + stride, ...} and visits them in ring order, waiting at its next
 * slot until it is PUBLISHED, so it never overtakes itself and runs each of its slots exactly once per lap. Idle,
 * it spins briefly, then parks with a backoff bounded by 50 us. It exits once {@code control[SHUTDOWN]} is set and
 * its next slot, re-read with acquire ordering after the SHUTDOWN word, is not PUBLISHED.
 */
final class CpuWorker implements Runnable {
    private static final int PUBLISHED = SlotState.PUBLISHED.wire();

    private final int first;
    private final int stride;
    private final RingView ring;
    private final ControlView control;
    private final SlotExecutor executor;
    private final AtomicLong lostClaims;

    CpuWorker(int first, int stride, RingView ring, ControlView control, SlotExecutor executor, AtomicLong lostClaims) {
        this.first = first;
        this.stride = stride;
        this.ring = ring;
        this.control = control;
        this.executor = executor;
        this.lostClaims = lostClaims;
    }

    @Override
    public void run() {
        int slots = ring.slotCount();
        int slot = first;
        Backoff idle = new Backoff();
        while (true) {
            if (ring.statusWord(slot) == PUBLISHED) {
                if (ring.tryClaim(slot)) {
                    executor.execute(slot);
                } else {
                    lostClaims.incrementAndGet();
                }
                slot += stride;
                if (slot >= slots) {
                    slot -= slots;
                }
                idle.reset();
            } else if (control.shutdownRequested()) {
                if (ring.statusWord(slot) != PUBLISHED) {
                    return;
                }
            } else {
                idle.pause();
            }
        }
    }
}
