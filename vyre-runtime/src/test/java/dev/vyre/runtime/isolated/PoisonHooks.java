package dev.vyre.runtime.isolated;

import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Child hooks for the isolated backend's tests: a slot of {@link #POISON} halts the child JVM, or hangs it. */
final class PoisonHooks {
    /** The poisoned opcode (a registered handler, so that the slot itself is valid). */
    static final int POISON = 0x102;
    /** Exit status of a child halted by {@link Halt}. */
    static final int HALT_STATUS = 77;

    private PoisonHooks() {
    }

    /** Halts the child JVM (no shutdown hooks, no cleanup) before it runs a POISON slot. */
    public static final class Halt implements ChildHook {
        public Halt() {
        }

        @Override
        public void beforeExecute(RingView ring, int slot) {
            if (ring.word(slot, SlotLayout.OPCODE) == POISON) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
        }
    }

    /**
     * Like {@link Halt}, with other workers holding slots when the child halts: every other slot first waits 2 ms,
     * and once a POISON slot was claimed the others hold theirs until the end; the POISON worker halts once two of
     * them hold one (or after 1 s: when it runs alone, in a trial child). Several suspects, one culprit.
     */
    public static final class HaltAmongSlowSlots implements ChildHook {
        private static final AtomicInteger HOLDING = new AtomicInteger();
        private static volatile boolean poisoned;

        public HaltAmongSlowSlots() {
        }

        @Override
        public void beforeExecute(RingView ring, int slot) {
            if (ring.word(slot, SlotLayout.OPCODE) == POISON) {
                poisoned = true;
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (HOLDING.get() < 2 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(100_000);
                }
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            HOLDING.incrementAndGet();
            do {
                LockSupport.parkNanos(2_000_000);
            } while (poisoned);
            HOLDING.decrementAndGet();
        }
    }

    /** Blocks the worker for good before it runs a POISON slot: DONE_COUNT stops once the others are done. */
    public static final class Hang implements ChildHook {
        public Hang() {
        }

        @Override
        public void beforeExecute(RingView ring, int slot) {
            if (ring.word(slot, SlotLayout.OPCODE) == POISON) {
                while (true) {
                    LockSupport.park(this);
                }
            }
        }
    }
}
