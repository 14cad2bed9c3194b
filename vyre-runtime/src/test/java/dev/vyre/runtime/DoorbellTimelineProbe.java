package dev.vyre.runtime;

import dev.vyre.runtime.cache.CacheSettings;
import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.KernelBuild;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A manual experiment, not a test: the timeline of a doorbell round trip on a real device. The default kernel's PTX
 * is edited (through {@code CudaBackend}'s experiment seam) so that the doorbell poller that runs a NOP writes four
 * {@code %globaltimer} readings into the slot's ARG0..ARG7 before DONE: when it issued the poll before the one that
 * saw the entry, when it issued that one, when that load returned (the hit), and just before the DONE store. The
 * host notes {@code System.nanoTime()} after it rang the doorbell and when it saw DONE. The two clocks have an
 * unknown offset, so the host-to-device and device-to-host legs are printed less their minimum (their spread, not
 * their size); the device legs are exact.
 * Run on the GPU machine: {@code java -cp <lib and test jars> dev.vyre.runtime.DoorbellTimelineProbe [calls] [slots] [pollers] [no-claimed|answer]}.
 */
public final class DoorbellTimelineProbe {
    private DoorbellTimelineProbe() {
    }

    static final UnaryOperator<String> TIMELINE = ptx -> {
        String out = edit(ptx, "    .reg .pred %p0;\n",
                "    .reg .pred %p0;\n    .reg .u64 %tr_issue, %tr_prev, %tr_hit, %tr_done;\n");
        out = edit(out, "L_BELL_POLL:\n", "L_BELL_POLL:\n    mov.u64 %tr_prev, %tr_issue;\n"
                + "    mov.u64 %tr_issue, %globaltimer;\n");
        out = edit(out, "L_BELL_HIT:\n", "L_BELL_HIT:\n    mov.u64 %tr_hit, %globaltimer;\n");
        return edit(out, "L_DONE_NOP:\n    st.relaxed.sys.global.u32 [%sp+0], 3;\n", "L_DONE_NOP:\n"
                + "    mov.u64 %tr_done, %globaltimer;\n"
                + "    setp.ne.u32 %p0, %bell_is, 0;\n"
                + "    @%p0 st.relaxed.sys.global.v2.u64 [%sp+16], {%tr_prev, %tr_issue};\n"
                + "    @%p0 st.relaxed.sys.global.v2.u64 [%sp+32], {%tr_hit, %tr_done};\n"
                + "    st.relaxed.sys.global.u32 [%sp+0], 3;\n");
    };

    /** The poller's path without the CLAIMED store (DONE is its only store into the slot line). */
    static final UnaryOperator<String> NO_CLAIMED = ptx -> edit(edit(ptx,
            "L_CLAIM:\n    st.relaxed.sys.global.u32 [%sp+0], 2;\n",
            "L_CLAIM:\n    st.relaxed.sys.global.u32 [%sp+0], 2;\nL_CLAIM_STORED:\n"),
            "    mov.u32 %w0, 1;\n    bra L_CLAIM;\n", "    mov.u32 %w0, 1;\n    bra L_CLAIM_STORED;\n");

    /**
     * After the TIMELINE edit: the poller that ran the NOP also stores the entry's TAG into observable word 0 (a line
     * of the control block the host never writes while it runs) after DONE; the host waits on that word first.
     */
    static final UnaryOperator<String> ANSWER = ptx -> edit(ptx,
            "    st.relaxed.sys.global.u32 [%sp+0], 3;\n    red.relaxed.sys.global.add.u32 [%ctl+4], 1;\n",
            "    st.relaxed.sys.global.u32 [%sp+0], 3;\n    @%p0 st.relaxed.sys.global.u32 [%ctl+"
                    + dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE * 4 + "], %bell_last;\n"
                    + "    red.relaxed.sys.global.add.u32 [%ctl+4], 1;\n");

    static String edit(String ptx, String from, String to) {
        if (!ptx.contains(from)) {
            throw new IllegalStateException("the kernel's PTX has no \"" + from + "\"");
        }
        return ptx.replace(from, to);
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int slots = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 16;
        int pollers = args.length > 2 ? Integer.parseInt(args[2]) : CudaBackend.DEFAULT_DOORBELL_POLLERS;
        Field seam = CudaBackend.class.getDeclaredField("experimentPtxEdit");
        seam.setAccessible(true);
        boolean noClaimed = args.length > 3 && args[3].equals("no-claimed");
        boolean answer = args.length > 3 && args[3].equals("answer");
        seam.set(null, noClaimed ? (UnaryOperator<String>) p -> TIMELINE.apply(NO_CLAIMED.apply(p))
                : answer ? (UnaryOperator<String>) p -> ANSWER.apply(TIMELINE.apply(p)) : TIMELINE);
        try (Megakernel k = Megakernel.bootstrap(CudaBackend.open(CudaBackend.Settings.defaults()
                .withCache(CacheSettings.disabled()).withDoorbell(pollers).withKernel(KernelBuild.HAND_WRITTEN)),
                MegakernelConfig.defaults()
                .withSlots(slots).withObservables(1))) {
            seam.set(null, null);
            ProbeSupport.Internals in = ProbeSupport.Internals.of(k);
            long[][] rows = new long[calls][];
            int kept = 0;
            for (int i = 0; i < 20_000 + calls; i++) {
                long[] row = call(in, answer ? k.control().segment() : null);
                if (i >= 20_000 && row != null) {
                    rows[kept++] = row;
                }
            }
            rows = Arrays.copyOf(rows, kept);
            System.out.printf("ring %d slots, %d pollers%s: %d of %d calls run by a doorbell poller%n", slots,
                    pollers, noClaimed ? ", no CLAIMED store" : answer ? ", host waits on an answer word" : "", kept, calls);
            // row: t1 (host, doorbell rung), t2 (host, DONE seen), prev issue, issue, hit, done (device)
            dev.vyre.runtime.bench.LatencyProbe.print("host: doorbell to DONE seen", col(rows, r -> r[1] - r[0]));
            dev.vyre.runtime.bench.LatencyProbe.print("device: poll issue to hit (the read that saw it)", col(rows, r -> r[4] - r[3]));
            dev.vyre.runtime.bench.LatencyProbe.print("device: previous poll issue to this one", col(rows, r -> r[3] - r[2]));
            dev.vyre.runtime.bench.LatencyProbe.print("device: hit to DONE store", col(rows, r -> r[5] - r[4]));
            dev.vyre.runtime.bench.LatencyProbe.print("host->device: doorbell to hit, less its min", relative(col(rows, r -> r[4] - r[0])));
            dev.vyre.runtime.bench.LatencyProbe.print("host->device: doorbell to issue of the seeing read, less min", relative(col(rows, r -> r[3] - r[0])));
            dev.vyre.runtime.bench.LatencyProbe.print("device->host: DONE store to DONE seen, less its min", relative(col(rows, r -> r[1] - r[5])));
            long[] toHit = col(rows, r -> r[4] - r[0]);
            long[] back = col(rows, r -> r[1] - r[5]);
            long minToHit = Arrays.stream(toHit).min().orElse(0);
            long minBack = Arrays.stream(back).min().orElse(0);
            System.out.printf("min(doorbell->hit) + min(DONE->seen) = %d ns (the clock offset cancels)%n",
                    minToHit + minBack);
        }
    }

    private static final VarHandle WORD = java.lang.foreign.ValueLayout.JAVA_INT.varHandle();

    private static long[] call(ProbeSupport.Internals in, java.lang.foreign.MemorySegment answer) {
        long seq = in.publishNop();
        long t1 = System.nanoTime();
        if (answer != null) {
            int tag = (int) seq & Doorbell.SEQ_MASK;
            long at = (long) dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE * Integer.BYTES;
            // give up on the answer after a while: a ring worker may have run the slot (no answer then)
            for (int i = 0; i < 100_000 && (int) WORD.getAcquire(answer, at) != tag; i++) {
                Thread.onSpinWait();
            }
        }
        in.awaitFinished(seq);
        long t2 = System.nanoTime();
        SlotOutcome o = in.complete(seq);
        long prev = word(o, 0);
        long issue = word(o, 2);
        long hit = word(o, 4);
        long done = word(o, 6);
        // a ring worker ran it (no readings), or the readings arrived torn (relaxed stores): not a row
        if (prev == 0 || issue < prev || hit < issue || done < hit || done - prev > 1_000_000) {
            return null;
        }
        return new long[] {t1, t2, prev, issue, hit, done};
    }

    private static long word(SlotOutcome o, int arg) {
        return Integer.toUnsignedLong(o.arg(arg)) | (long) o.arg(arg + 1) << 32;
    }

    private static long[] col(long[][] rows, java.util.function.ToLongFunction<long[]> f) {
        return Arrays.stream(rows).mapToLong(f).toArray();
    }

    private static long[] relative(long[] v) {
        long min = Arrays.stream(v).min().orElse(0);
        return Arrays.stream(v).map(x -> x - min).toArray();
    }
}
