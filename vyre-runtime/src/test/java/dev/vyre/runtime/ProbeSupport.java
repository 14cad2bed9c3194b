package dev.vyre.runtime;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the manual latency probes of this package share ({@link CallAnatomyProbe}, {@link DoorbellTimelineProbe}):
 * the kernel's host internals and {@link Megakernel#call}'s publish steps for a NOP (the summary line is
 * {@code LatencyProbe.print}).
 */
final class ProbeSupport {
    private ProbeSupport() {
    }

    /** A kernel's host ring, sequence counter and doorbell (reflection: the probes reproduce {@code call}). */
    record Internals(HostRing host, AtomicLong next, Doorbell bell) {
        static Internals of(Megakernel k) throws ReflectiveOperationException {
            return new Internals((HostRing) field(k, "host"), (AtomicLong) field(k, "nextSequence"),
                    (Doorbell) field(k, "doorbell"));
        }

        /** {@code call}'s steps up to its doorbell for a NOP of tenant 0; returns the sequence (its slot: slotOf). */
        long publishNop() {
            long seq = next.getAndIncrement();
            while (!host.turnReady(seq)) {
                Thread.onSpinWait();
            }
            int slot = host.slotOf(seq);
            host.claimForCaller(slot);
            host.fill(slot, Opcodes.NOP, 0, Priority.NORMAL, new int[0]);
            VarHandle.releaseFence();
            host.markPublished(slot);
            bell.ring(seq, Opcodes.NOP, 0);
            return seq;
        }

        /** Spins until the slot of {@code seq} is DONE or FAULT. */
        void awaitFinished(long seq) {
            int slot = host.slotOf(seq);
            while (!host.finished(slot)) {
                Thread.onSpinWait();
            }
        }

        /** {@code call}'s completion: reads and releases the slot; refuses anything but DONE. */
        SlotOutcome complete(long seq) {
            SlotOutcome o = host.completeOwn(host.slotOf(seq), seq);
            if (!o.isDone()) {
                throw new IllegalStateException("a NOP ended " + o);
            }
            return o;
        }
    }

    static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }
}
