package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cache.CacheSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A manual experiment, not a test: which instruction of the doorbell poller's NOP path costs round-trip time on a real
 * device. Each variant is the hand-written kernel's PTX with one edit (some edits break the protocol for anything but a
 * lone caller's NOPs, which is all this runs); the variants are bootstrapped in turn, round after round, so that
 * drift and clock ramps hit them alike, and each round times {@code block} calls after 5,000 warm-up calls.
 * Run on the GPU machine: {@code java -cp <lib and test jars> dev.vyre.runtime.cuda.CompletionVariantsProbe
 * [block] [rounds]}.
 */
public final class CompletionVariantsProbe {
    private CompletionVariantsProbe() {
    }

    static final String POLL = "ld.acquire.sys.global.u64 %bell_entry";
    static final String CLAIM_RELEASE = "st.release.gpu.global.u32 [%bell_at], %t0;";
    static final String CLAIMED = "L_CLAIM:\n    st.relaxed.sys.global.u32 [%sp+0], 2;\n";
    static final String NOP_DONE = "L_DONE_NOP:\n    st.relaxed.sys.global.u32 [%sp+0], 3;\n"
            + "    red.relaxed.sys.global.add.u32 [%ctl+4], 1;\n    bra L_NEXT;\n";

    static Map<String, UnaryOperator<String>> variants() {
        Map<String, UnaryOperator<String>> v = new LinkedHashMap<>();
        v.put("default", p -> p);
        v.put("relaxed claim-word store", p -> edit(p, CLAIM_RELEASE, "st.relaxed.gpu.global.u32 [%bell_at], %t0;"));
        v.put("no DONE_COUNT red on NOP", p -> edit(p, NOP_DONE,
                "L_DONE_NOP:\n    st.relaxed.sys.global.u32 [%sp+0], 3;\n    bra L_NEXT;\n"));
        v.put("NOP: claim word, then red", p -> edit(p, NOP_DONE, "L_DONE_NOP:\n"
                + "    st.relaxed.sys.global.u32 [%sp+0], 3;\n"
                + "    add.u32 %t0, %bell_key, %slots;\n    and.b32 %t0, %t0, 0x7FFFFFF;\n"
                + "    " + CLAIM_RELEASE + "\n"
                + "    red.relaxed.sys.global.add.u32 [%ctl+4], 1;\n"
                + "    setp.ne.u32 %p0, %bell_is, 0;\n    @%p0 bra L_BELL_POLL;\n"
                + "    mov.u32 %sleep, 1;\n    bra L_ADVANCE;\n"));
        v.put("relaxed doorbell poll", p -> edit(p, POLL, "ld.relaxed.sys.global.u64 %bell_entry"));
        v.put("no CLAIMED store", p -> edit(p, CLAIMED, "L_CLAIM:\n"));
        v.put("all four", p -> edit(edit(edit(edit(p, CLAIM_RELEASE, "st.relaxed.gpu.global.u32 [%bell_at], %t0;"),
                NOP_DONE, "L_DONE_NOP:\n    st.relaxed.sys.global.u32 [%sp+0], 3;\n    bra L_NEXT;\n"),
                POLL, "ld.relaxed.sys.global.u64 %bell_entry"), CLAIMED, "L_CLAIM:\n"));
        return v;
    }

    /** Replaces every {@code from} in {@code ptx}; refuses a PTX without it (a stale edit would measure the default). */
    static String edit(String ptx, String from, String to) {
        if (!ptx.contains(from)) {
            throw new IllegalStateException("the kernel's PTX has no \"" + from + "\"");
        }
        return ptx.replace(from, to);
    }

    public static void main(String[] args) {
        int block = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        Map<String, UnaryOperator<String>> variants = variants();
        Map<String, List<long[]>> results = new LinkedHashMap<>();
        variants.keySet().forEach(k -> results.put(k, new ArrayList<>()));
        List<String> names = new ArrayList<>(variants.keySet());
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + r) % names.size());
                CudaBackend.experimentPtxEdit = variants.get(name);
                try (Megakernel k = Megakernel.bootstrap(CudaBackend.open(CudaBackend.Settings.defaults()
                        .withCache(CacheSettings.disabled()).withKernel(KernelBuild.HAND_WRITTEN)),
                        MegakernelConfig.defaults().withSlots(1 << 16))) {
                    DoorbellRuns.nopRoundTrips(k, 0, 5_000);
                    results.get(name).add(DoorbellRuns.nopRoundTrips(k, 0, block));
                } finally {
                    CudaBackend.experimentPtxEdit = null;
                }
            }
        }
        for (Map.Entry<String, List<long[]>> e : results.entrySet()) {
            long[] all = e.getValue().stream().flatMapToLong(Arrays::stream).sorted().toArray();
            double[] p50s = e.getValue().stream().mapToDouble(a -> a[a.length / 2]).sorted().toArray();
            System.out.printf("%-28s mean %5.0f  p10 %5d  p50 %5d  p90 %5d  p99 %5d ns; round p50s %5.0f..%5.0f"
                    + " (median %5.0f)%n", e.getKey(), Arrays.stream(all).average().orElse(0), all[all.length / 10],
                    all[all.length / 2], all[all.length * 9 / 10], all[all.length * 99 / 100], p50s[0],
                    p50s[p50s.length - 1], p50s[p50s.length / 2]);
        }
    }
}
