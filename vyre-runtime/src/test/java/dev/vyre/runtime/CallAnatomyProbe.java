package dev.vyre.runtime;

import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.cuda.CudaBackend;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A manual experiment, not a test: where the round trip of {@link Megakernel#call} goes on a real device. One default
 * CUDA megakernel (65,536-slot ring, as {@code vyre bench dispatch}, unless the third argument says otherwise) runs
 * rounds of the {@link Variant}s, interleaved so that clock ramps and drift hit all of them alike; each variant but
 * {@code CALL} reads the clock after the doorbell ({@code pre}), after DONE is seen ({@code wait}) and after the slot
 * is read and released ({@code post}). docs/MEGAKERNEL-CUDA.md, "Session 14", has what it showed.
 * Run on the GPU machine: {@code java -cp <lib and test jars> dev.vyre.runtime.CallAnatomyProbe [block] [rounds]
 * [slots]}.
 */
public final class CallAnatomyProbe {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    /** Nanoseconds {@link Variant#DELAYED} keeps off the slot line after the doorbell. */
    private static final long DELAY = Long.getLong("probe.delay", 1_200);
    private static final String[] PHASES = {"total", "pre (to the doorbell)", "wait (doorbell to DONE seen)",
        "post (outcome, release)"};

    private CallAnatomyProbe() {
    }

    enum Variant {
        /** {@code Megakernel.call(NOP)}, timed around the call. */
        CALL,
        /** The same steps as {@code call}, through the same {@link HostRing} and {@link Doorbell}. */
        STAMPED,
        /** {@code LatencyProbe}'s raw loop inside the protocol: words 1..15 as int stores, STATUS with release. */
        RAW,
        /** The host stays off the slot line for {@link #DELAY} ns after the doorbell before it spins on STATUS. */
        DELAYED,
        /** The host spins on DONE_COUNT (a line the device writes once per slot, after DONE) before STATUS. */
        COUNTED,
        /** The host reads the next sequence's slot line once while it waits (warming it for the next call). */
        TOUCHED
    }

    public static void main(String[] args) throws Exception {
        int block = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int slots = args.length > 2 ? Integer.parseInt(args[2]) : 1 << 16;
        try (Megakernel k = Megakernel.bootstrap(CudaBackend.open(),
                MegakernelConfig.defaults().withSlots(slots))) {
            ProbeSupport.Internals in = ProbeSupport.Internals.of(k);
            ControlView control = k.control();
            MemorySegment ring = k.ring().segment();
            System.out.printf("workers %d, ring %d slots, doorbell %s%n", k.workers(), slots, in.bell() != null);
            Variant[] variants = Variant.values();
            for (int i = 0; i < 20_000; i++) {
                for (Variant v : variants) {
                    run(v, k, in, control, ring, null, 0);
                }
            }
            int n = block * rounds;
            long[][][] out = new long[variants.length][4][n];
            for (int r = 0; r < rounds; r++) {
                for (int v = 0; v < variants.length; v++) {
                    Variant which = variants[(v + r) % variants.length];
                    for (int i = r * block; i < (r + 1) * block; i++) {
                        run(which, k, in, control, ring, out[which.ordinal()], i);
                    }
                }
            }
            for (Variant v : variants) {
                for (int p = 0; p < (v == Variant.CALL ? 1 : 4); p++) {
                    dev.vyre.runtime.bench.LatencyProbe.print(v.name().toLowerCase(java.util.Locale.ROOT) + " " + PHASES[p],
                            out[v.ordinal()][p]);
                }
            }
        }
    }

    private static void run(Variant v, Megakernel k, ProbeSupport.Internals in, ControlView control, MemorySegment ring,
                            long[][] out, int i) {
        long t0 = System.nanoTime();
        if (v == Variant.CALL) {
            k.call(Opcodes.NOP, 0, Priority.NORMAL);
            record(out, i, t0, t0, t0, System.nanoTime());
            return;
        }
        // only COUNTED reads DONE_COUNT (a line the device writes): the others' pre phase stays call's own steps
        int before = v == Variant.COUNTED ? control.doneCount() : 0;
        long seq = v == Variant.RAW ? publishRaw(in, ring) : in.publishNop();
        long t1 = System.nanoTime();
        switch (v) {
            case DELAYED -> {
                while (System.nanoTime() - t1 < DELAY) {
                    Thread.onSpinWait();
                }
            }
            case COUNTED -> {
                while (control.doneCount() == before) {
                    Thread.onSpinWait();
                }
            }
            case TOUCHED -> sink += (int) WORD.getOpaque(ring,
                    (long) in.host().slotOf(seq + 1) * SlotLayout.SLOT_BYTES);
            default -> {
            }
        }
        in.awaitFinished(seq);
        long t2 = System.nanoTime();
        in.complete(seq);
        record(out, i, t0, t1, t2, System.nanoTime());
    }

    private static int sink;

    /** The raw probe's host loop inside the protocol (so that the other variants can follow it on the same ring). */
    private static long publishRaw(ProbeSupport.Internals in, MemorySegment ring) {
        long seq = in.next().getAndIncrement();
        while (!in.host().turnReady(seq)) {
            Thread.onSpinWait();
        }
        int slot = in.host().slotOf(seq);
        in.host().claimForCaller(slot);
        long base = (long) slot * SlotLayout.SLOT_BYTES;
        for (int w = SlotLayout.OPCODE; w < SlotLayout.SLOT_WORDS; w++) {
            ring.set(ValueLayout.JAVA_INT, base + 4L * w, w == SlotLayout.PRIORITY ? Priority.NORMAL.wire() : 0);
        }
        WORD.setRelease(ring, base, SlotState.PUBLISHED.wire());
        in.bell().ring(seq, Opcodes.NOP, 0);
        return seq;
    }

    private static void record(long[][] out, int i, long t0, long t1, long t2, long t3) {
        if (out != null) {
            out[0][i] = t3 - t0;
            out[1][i] = t1 - t0;
            out[2][i] = t2 - t1;
            out[3][i] = t3 - t2;
        }
    }
}
