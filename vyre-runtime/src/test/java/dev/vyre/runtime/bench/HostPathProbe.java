package dev.vyre.runtime.bench;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Doorbell;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.RingBuffers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A manual experiment (not a test): the host side of {@link Megakernel#call} on its own. A Java thread plays the
 * doorbell poller of the device (it polls the doorbell line and completes the named slot: CLAIMED, then DONE with
 * release, then DONE_COUNT + 1), so a round trip costs two cache-line transfers between cores plus the host code.
 * The same fake device serves {@code call(NOP)} through the real {@code Megakernel} and a raw loop that does only
 * what {@code LatencyProbe}'s {@code bell} loop does (15 word stores, STATUS, the doorbell entry, a spin on STATUS):
 * the difference of the two is the cost of {@code call}'s own host path. Run with
 * {@code java -cp <bundle jars> dev.vyre.runtime.bench.HostPathProbe [calls]} on a machine with idle cores.
 */
public final class HostPathProbe {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.withOrder(Wire.BYTE_ORDER).varHandle();
    private static final VarHandle ENTRY = ValueLayout.JAVA_LONG.withOrder(Wire.BYTE_ORDER).varHandle();
    private static final int SLOTS = 4096;

    private HostPathProbe() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        for (int rep = 0; rep < 3; rep++) {
            FakeBellBackend backend = new FakeBellBackend();
            try (Megakernel k = Megakernel.bootstrap(backend, MegakernelConfig.defaults().withSlots(SLOTS)
                    .withWorkers(1))) {
                long[] nanos = new long[calls];
                for (int i = 0; i < 2 * calls; i++) {
                    long t0 = System.nanoTime();
                    k.call(Opcodes.NOP, 0, Priority.NORMAL, 7, 96);
                    long t1 = System.nanoTime();
                    if (i >= calls) {
                        nanos[i - calls] = t1 - t0;
                    }
                }
                LatencyProbe.print("Megakernel.call(NOP), fake device thread", nanos);
            }
            try (Arena arena = Arena.ofShared()) {
                MemorySegment ring = arena.allocate((long) SLOTS * SlotLayout.SLOT_BYTES, 64);
                MemorySegment bell = arena.allocate(Doorbell.BYTES, 64);
                MemorySegment control = arena.allocate(4096, 64);
                Doorbell.clear(bell);
                Thread device = Thread.ofPlatform().daemon().start(() -> device(ring, bell, control));
                long[] nanos = new long[calls];
                for (int i = 0; i < 2 * calls; i++) {
                    long slot = (long) (i & (SLOTS - 1)) * SlotLayout.SLOT_BYTES;
                    long t0 = System.nanoTime();
                    for (int w = 1; w < SlotLayout.SLOT_WORDS; w++) {
                        ring.set(ValueLayout.JAVA_INT, slot + 4L * w, i + w);
                    }
                    WORD.setRelease(ring, slot, SlotState.PUBLISHED.wire());
                    ENTRY.setRelease(bell, 0L, Integer.toUnsignedLong(i & Doorbell.SEQ_MASK));
                    while ((int) WORD.getAcquire(ring, slot) != SlotState.DONE.wire()) {
                        Thread.onSpinWait();
                    }
                    long t1 = System.nanoTime();
                    WORD.setOpaque(ring, slot, SlotState.EMPTY.wire());
                    if (i >= calls) {
                        nanos[i - calls] = t1 - t0;
                    }
                }
                WORD.setRelease(control, (long) ControlLayout.SHUTDOWN * Wire.WORD_BYTES, 1);
                device.join();
                LatencyProbe.print("raw loop (LatencyProbe's bell), fake device thread", nanos);
            }
        }
    }

    /** The fake device: polls the doorbell entry and completes the slot it names until SHUTDOWN is set. */
    private static void device(MemorySegment ring, MemorySegment bell, MemorySegment control) {
        long last = (long) ENTRY.getAcquire(bell, 0L);
        int idle = 0;
        while (true) {
            long entry = (long) ENTRY.getAcquire(bell, 0L);
            if (entry == last) {
                Thread.onSpinWait();
                if ((++idle & 1023) == 0
                        && (int) WORD.getAcquire(control, (long) ControlLayout.SHUTDOWN * Wire.WORD_BYTES) != 0) {
                    return;
                }
                continue;
            }
            last = entry;
            long slot = (long) ((int) entry & Doorbell.SEQ_MASK & (SLOTS - 1)) * SlotLayout.SLOT_BYTES;
            WORD.setOpaque(ring, slot, SlotState.CLAIMED.wire());
            WORD.setRelease(ring, slot, SlotState.DONE.wire());
            WORD.getAndAdd(control, (long) ControlLayout.DONE_COUNT * Wire.WORD_BYTES, 1);
        }
    }

    /** A backend whose only "worker" is {@link #device}: it runs what the doorbell names, nothing else. */
    private static final class FakeBellBackend implements Backend {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment bell = arena.allocate(Doorbell.BYTES, Doorbell.ALIGNMENT);
        private Thread device;

        @Override
        public String name() {
            return "fake-bell";
        }

        @Override
        public MemorySegment allocateShared(long bytes, long alignment) {
            return arena.allocate(bytes, alignment);
        }

        @Override
        public void start(RingBuffers buffers, MegakernelConfig config) {
            Doorbell.clear(bell);
            MemorySegment ring = buffers.ring().segment();
            MemorySegment control = buffers.control().segment();
            device = Thread.ofPlatform().daemon().start(() -> device(ring, bell, control));
        }

        @Override
        public MemorySegment doorbell() {
            return bell;
        }

        @Override
        public int workers() {
            return 1;
        }

        @Override
        public boolean awaitExit(Duration timeout) {
            try {
                device.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return !device.isAlive();
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
