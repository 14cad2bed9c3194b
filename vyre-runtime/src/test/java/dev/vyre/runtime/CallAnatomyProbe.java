package dev.vyre.runtime;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.cuda.CudaBackend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manual experiment, not a test: where the round trip of {@link Megakernel#call} goes on a real device. One default
 * CUDA megakernel (65,536-slot ring, as {@code vyre bench dispatch}) runs rounds of six variants (the last three in their javadoc), interleaved so
 * that clock ramps and drift hit all of them alike:
 * <ul>
 *   <li>{@code call}: {@code Megakernel.call(NOP)}, timed around the call;</li>
 *   <li>{@code stamped}: the same steps as {@code call} (through the same {@link HostRing} and {@link Doorbell}),
 *       with clock reads after the doorbell ({@code pre}), after DONE is seen ({@code wait}) and after the slot is
 *       read and released ({@code post});</li>
 *   <li>{@code raw}: {@code LatencyProbe}'s raw loop inside the protocol: words 1..15 as int stores, STATUS =
 *       PUBLISHED with release, the doorbell, a spin on STATUS with acquire, then the same release as {@code call}.</li>
 * </ul>
 * Run on the GPU machine: {@code java -cp <lib and test jars> dev.vyre.runtime.CallAnatomyProbe [block] [rounds]}.
 */
public final class CallAnatomyProbe {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();

    private CallAnatomyProbe() {
    }

    public static void main(String[] args) throws Exception {
        int block = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int slots = args.length > 2 ? Integer.parseInt(args[2]) : 1 << 16;
        try (Megakernel k = Megakernel.bootstrap(CudaBackend.open(),
                MegakernelConfig.defaults().withSlots(slots))) {
            HostRing host = (HostRing) field(k, "host");
            AtomicLong next = (AtomicLong) field(k, "nextSequence");
            Doorbell bell = (Doorbell) field(k, "doorbell");
            MemorySegment ring = k.ring().segment();
            System.out.printf("workers %d, ring %d slots, doorbell %s%n", k.workers(), slots, bell != null);
            for (int i = 0; i < 20_000; i++) {
                k.call(Opcodes.NOP, 0, Priority.NORMAL);
                stamped(host, next, bell, null, 0);
                raw(host, next, bell, ring, null, 0);
                delayed(host, next, bell, null, 0);
                counted(host, next, bell, k.control(), null, 0);
                touched(host, next, bell, ring, slots, null, 0);
            }
            int n = block * rounds;
            long[] call = new long[n];
            long[][] st = new long[4][n];
            long[][] rw = new long[4][n];
            long[][] dl = new long[4][n];
            long[][] ct = new long[4][n];
            long[][] tc = new long[4][n];
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < 6; v++) {
                    int which = (v + r) % 6;
                    for (int i = r * block; i < (r + 1) * block; i++) {
                        if (which == 0) {
                            long t0 = System.nanoTime();
                            k.call(Opcodes.NOP, 0, Priority.NORMAL);
                            call[i] = System.nanoTime() - t0;
                        } else if (which == 1) {
                            stamped(host, next, bell, st, i);
                        } else if (which == 2) {
                            raw(host, next, bell, ring, rw, i);
                        } else if (which == 3) {
                            delayed(host, next, bell, dl, i);
                        } else if (which == 4) {
                            counted(host, next, bell, k.control(), ct, i);
                        } else {
                            touched(host, next, bell, ring, slots, tc, i);
                        }
                    }
                }
            }
            print("call", call);
            for (int p = 0; p < 4; p++) {
                print("stamped " + PHASES[p], st[p]);
            }
            for (int p = 0; p < 4; p++) {
                print("raw " + PHASES[p], rw[p]);
            }
            for (int p = 0; p < 4; p++) {
                print("delayed " + PHASES[p], dl[p]);
            }
            for (int p = 0; p < 4; p++) {
                print("counted " + PHASES[p], ct[p]);
            }
            for (int p = 0; p < 4; p++) {
                print("touched " + PHASES[p], tc[p]);
            }
        }
    }

    private static final String[] PHASES = {"total", "pre (to the doorbell)", "wait (doorbell to DONE seen)",
        "post (outcome, release)"};

    /** The steps of {@link Megakernel#call} for a NOP of tenant 0, with clock reads between them. */
    private static void stamped(HostRing host, AtomicLong next, Doorbell bell, long[][] out, int i) {
        long t0 = System.nanoTime();
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
        long t1 = System.nanoTime();
        while (!host.finished(slot)) {
            Thread.onSpinWait();
        }
        long t2 = System.nanoTime();
        SlotOutcome o = host.completeOwn(slot, seq);
        long t3 = System.nanoTime();
        check(o);
        record(out, i, t0, t1, t2, t3);
    }

    /** Nanoseconds {@link #delayed} keeps off the slot line after the doorbell. */
    private static final long DELAY = Long.getLong("probe.delay", 1_200);

    /**
     * {@link #stamped}, but the host stays off the slot line for {@link #DELAY} ns after the doorbell (a clock spin)
     * before it spins on STATUS: if the host's reads of the line slow the device's CLAIMED and DONE stores down,
     * the wait shrinks by more than the delay's share.
     */
    private static void delayed(HostRing host, AtomicLong next, Doorbell bell, long[][] out, int i) {
        long t0 = System.nanoTime();
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
        long t1 = System.nanoTime();
        while (System.nanoTime() - t1 < DELAY) {
            Thread.onSpinWait();
        }
        while (!host.finished(slot)) {
            Thread.onSpinWait();
        }
        long t2 = System.nanoTime();
        SlotOutcome o = host.completeOwn(slot, seq);
        long t3 = System.nanoTime();
        check(o);
        record(out, i, t0, t1, t2, t3);
    }

    /**
     * {@link #stamped}, but the host spins on DONE_COUNT (the control block's line, which the device writes once
     * per slot, after DONE) until it moves, and only then on STATUS: the host off the slot line while the device
     * completes into it.
     */
    private static void counted(HostRing host, AtomicLong next, Doorbell bell, dev.vyre.protocol.ControlView control,
                                long[][] out, int i) {
        long t0 = System.nanoTime();
        int before = control.doneCount();
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
        long t1 = System.nanoTime();
        while (control.doneCount() == before) {
            Thread.onSpinWait();
        }
        while (!host.finished(slot)) {
            Thread.onSpinWait();
        }
        long t2 = System.nanoTime();
        SlotOutcome o = host.completeOwn(slot, seq);
        long t3 = System.nanoTime();
        check(o);
        record(out, i, t0, t1, t2, t3);
    }

    /**
     * {@link #stamped}, but right after the doorbell the host reads the next sequence's slot line once, so that the
     * next call's stores find it in the host's cache: if a cold slot line (a large ring) delays the drain of the
     * stores before the doorbell, the next round's wait shrinks.
     */
    private static void touched(HostRing host, AtomicLong next, Doorbell bell, MemorySegment ring, int slots,
                                long[][] out, int i) {
        long t0 = System.nanoTime();
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
        long t1 = System.nanoTime();
        sink += (int) WORD.getOpaque(ring, (long) ((slot + 1) & (slots - 1)) * SlotLayout.SLOT_BYTES);
        while (!host.finished(slot)) {
            Thread.onSpinWait();
        }
        long t2 = System.nanoTime();
        SlotOutcome o = host.completeOwn(slot, seq);
        long t3 = System.nanoTime();
        check(o);
        record(out, i, t0, t1, t2, t3);
    }

    private static int sink;

    /** The raw probe's host loop inside the protocol (so that call and stamped can follow it on the same ring). */
    private static void raw(HostRing host, AtomicLong next, Doorbell bell, MemorySegment ring, long[][] out, int i) {
        long t0 = System.nanoTime();
        long seq = next.getAndIncrement();
        while (!host.turnReady(seq)) {
            Thread.onSpinWait();
        }
        int slot = host.slotOf(seq);
        host.claimForCaller(slot);
        long base = (long) slot * SlotLayout.SLOT_BYTES;
        for (int w = SlotLayout.OPCODE; w < SlotLayout.SLOT_WORDS; w++) {
            ring.set(ValueLayout.JAVA_INT, base + 4L * w, w == SlotLayout.PRIORITY ? Priority.NORMAL.wire() : 0);
        }
        WORD.setRelease(ring, base, SlotState.PUBLISHED.wire());
        bell.ring(seq, Opcodes.NOP, 0);
        long t1 = System.nanoTime();
        while ((int) WORD.getAcquire(ring, base) != SlotState.DONE.wire()) {
            Thread.onSpinWait();
        }
        long t2 = System.nanoTime();
        SlotOutcome o = host.completeOwn(slot, seq);
        long t3 = System.nanoTime();
        check(o);
        record(out, i, t0, t1, t2, t3);
    }

    private static void check(SlotOutcome o) {
        if (!o.isDone()) {
            throw new IllegalStateException("a NOP ended " + o);
        }
    }

    private static void record(long[][] out, int i, long t0, long t1, long t2, long t3) {
        if (out != null) {
            out[0][i] = t3 - t0;
            out[1][i] = t1 - t0;
            out[2][i] = t2 - t1;
            out[3][i] = t3 - t2;
        }
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        System.out.printf("%-40s mean %6.0f  p10 %5d  p50 %5d  p90 %5d  p99 %6d  min %5d ns%n", what, mean,
                s[s.length / 10], s[s.length / 2], s[s.length * 9 / 10], s[s.length * 99 / 100], s[0]);
    }
}
