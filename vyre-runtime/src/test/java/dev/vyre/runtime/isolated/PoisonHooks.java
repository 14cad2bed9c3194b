package dev.vyre.runtime.isolated;

import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
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
     * Like {@link Halt}, but every other slot first waits 2 ms, so that when the child halts the other workers are
     * most likely holding slots too: several suspects to run alone.
     */
    public static final class HaltAmongSlowSlots implements ChildHook {
        public HaltAmongSlowSlots() {
        }

        @Override
        public void beforeExecute(RingView ring, int slot) {
            if (ring.word(slot, SlotLayout.OPCODE) == POISON) {
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            LockSupport.parkNanos(2_000_000);
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
