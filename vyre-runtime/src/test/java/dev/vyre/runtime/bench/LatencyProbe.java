package dev.vyre.runtime.bench;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaModule;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.CudaStream;
import dev.vyre.cuda.DevicePtr;
import dev.vyre.cuda.Dim3;
import dev.vyre.cuda.PinnedBuffer;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.SmTarget;
import dev.vyre.runtime.cuda.WorkerShape;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A manual experiment for the GPU machine (not a test): where does a mapped-memory round trip spend its time?
 * Measures, in one JVM: the device's dependent-read latency of mapped host memory; echo kernels with one and three
 * staggered pollers; three pollers claiming through shared memory ({@code probe_group}) and device memory
 * ({@code probe_gglobal}); the 64-byte slot ring with one poller and with a pair; the raw doorbell ring with and
 * without its claim CAS; and megakernel {@code call(NOP)} over worker counts and doorbell pollers.
 * Run: {@code java -cp ... dev.vyre.runtime.bench.LatencyProbe [calls]}.
 */
public final class LatencyProbe {
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static final long REQUEST = 0;
    private static final long RESPONSE = 4096;
    private static final long RTT_WORD = 8192;
    private static final long RTT_OUT = 8192 + 128;
    /** The raw doorbell line of {@link #bell}: its own cache line in the probe's pinned buffer. */
    private static final long BELL_LINE = 12288;
    private static final int STOP = -1;
    private static dev.vyre.cuda.DeviceBuffer gpairTurn;
    /** Megakernel calls before timing: enough for the JIT to compile the whole call path. */
    private static final int WARM_CALLS = Integer.getInteger("probe.warm", 2_000);

    private LatencyProbe() {
    }

    static String ptx(SmTarget target) {
        return ".version " + SmTarget.PTX_VERSION + "\n.target " + target.smName() + "\n.address_size 64\n"
                + ".visible .entry probe_rtt(.param .u64 p_word, .param .u64 p_out, .param .u32 p_n)\n{\n"
                + " .reg .u64 %a, %o, %t0, %t1, %x; .reg .u32 %r, %n, %i; .reg .pred %p;\n"
                + " ld.param.u64 %a, [p_word]; ld.param.u64 %o, [p_out]; ld.param.u32 %n, [p_n];\n"
                + " mov.u32 %r, 0; mov.u32 %i, 0; mov.u64 %t0, %globaltimer;\n"
                + "L: cvt.u64.u32 %x, %r; add.u64 %x, %x, %a; ld.relaxed.sys.global.u32 %r, [%x];\n"
                + " add.u32 %i, %i, 1; setp.lt.u32 %p, %i, %n; @%p bra L;\n"
                + " mov.u64 %t1, %globaltimer; sub.u64 %t1, %t1, %t0;\n"
                + " st.relaxed.sys.global.u64 [%o], %t1; st.relaxed.sys.global.u32 [%o+8], %r; ret;\n}\n"
                + ".visible .entry probe_echo(.param .u64 p_req, .param .u64 p_resp, .param .u32 p_stagger,"
                + " .param .u32 p_jitter)\n{\n"
                + " .reg .u64 %q, %s; .reg .u32 %v, %last, %seed, %j, %k, %jit; .reg .pred %p;\n"
                + " ld.param.u64 %q, [p_req]; ld.param.u64 %s, [p_resp]; ld.param.u32 %k, [p_stagger];"
                + " ld.param.u32 %jit, [p_jitter];\n"
                + " mov.u32 %j, %ctaid.x; mul.lo.u32 %k, %k, %j; nanosleep.u32 %k;\n"
                + " mad.lo.u32 %seed, %j, 7919, 1; mov.u32 %last, 0;\n"
                + "L: ld.relaxed.sys.global.u32 %v, [%q]; setp.eq.u32 %p, %v, %last; @%p bra L;\n"
                + " st.relaxed.sys.global.u32 [%s], %v; mov.u32 %last, %v;\n"
                + " setp.eq.u32 %p, %v, 0xFFFFFFFF; @%p bra DONE;\n"
                + " setp.eq.u32 %p, %jit, 0; @%p bra L;\n"
                + " mad.lo.u32 %seed, %seed, 1664525, 1013904223; shr.u32 %j, %seed, 8; rem.u32 %j, %j, %jit;"
                + " nanosleep.u32 %j; bra L;\n"
                + "DONE: ret;\n}\n"
                + slotKernel("probe_slot", false) + slotKernel("probe_slot_pair", true) + GPAIR
                + GROUP + GROUP.replace("probe_group", "probe_group_rlx").replace("ld.acquire.sys", "ld.relaxed.sys")
                + ECHO_WARPS + ECHO_WARPS.replace("probe_echo_w", "probe_echo_w_acq").replace("ld.relaxed.sys",
                "ld.acquire.sys") + GGLOBAL + BELL + BELL.replace("probe_bell", "probe_bell_nocas").replace(NOCAS_FROM, NOCAS_TO);
    }

    /** One thread, four polls in flight staggered by p_stagger ns; optional fence.acq_rel.sys on a hit. */
    static String pipe(String name, String sem, boolean fence) {
        StringBuilder b = new StringBuilder();
        b.append(".visible .entry ").append(name).append("(.param .u64 p_req, .param .u64 p_resp, .param .u32 p_st)\n{\n")
                .append(" .reg .u64 %q, %s; .reg .u32 %a<4>, %v, %last, %st; .reg .pred %p;\n")
                .append(" ld.param.u64 %q, [p_req]; ld.param.u64 %s, [p_resp]; ld.param.u32 %st, [p_st];\n")
                .append(" mov.u32 %last, 0;\nRESTART:\n");
        for (int j = 0; j < 4; j++) {
            b.append(" ld.").append(sem).append(".sys.global.u32 %a").append(j).append(", [%q]; nanosleep.u32 %st;\n");
        }
        b.append("LOOP:\n");
        for (int j = 0; j < 4; j++) {
            b.append(" setp.ne.u32 %p, %a").append(j).append(", %last; @%p mov.u32 %v, %a").append(j)
                    .append("; @%p bra HIT;\n ld.").append(sem).append(".sys.global.u32 %a").append(j)
                    .append(", [%q]; nanosleep.u32 %st;\n");
        }
        b.append(" bra LOOP;\nHIT:\n");
        if (fence) {
            b.append(" fence.acq_rel.sys;\n");
        }
        b.append(" st.relaxed.sys.global.u32 [%s], %v; mov.u32 %last, %v;\n")
                .append(" setp.ne.u32 %p, %v, 0xFFFFFFFF; @%p bra RESTART;\n ret;\n}\n");
        return b.toString();
    }

    /**
     * A one-worker ring of 64 slots of 64 bytes: polls the next slot (mode bit 0: 16-byte acquire, else 4-byte
     * relaxed), on PUBLISHED (1) optionally stores CLAIMED (bit 1), stores DONE (3), optionally adds 1 to the
     * control word at p_ctl+4 (bit 2); status 9 ends it. Paired: lane 0 of warps 0 and 1 poll, a shared CAS claims.
     */
    static String slotKernel(String name, boolean pair) {
        StringBuilder b = new StringBuilder();
        b.append(".visible .entry ").append(name).append("(.param .u64 p_ring, .param .u64 p_ctl, .param .u32 p_mode,"
                + " .param .u32 p_st)\n{\n");
        b.append(" .shared .align 4 .u32 s_turn;\n .shared .align 4 .u32 s_last;\n");
        b.append(" .reg .u64 %r, %c, %a, %x; .reg .u32 %w<4>, %s, %m, %st, %t, %old, %sh, %slp, %mask, %now, %lst, %lsh; .reg .pred %p, %q;\n");
        b.append(" ld.param.u64 %r, [p_ring]; ld.param.u64 %c, [p_ctl]; ld.param.u32 %m, [p_mode];"
                + " ld.param.u32 %st, [p_st]; mov.u32 %s, 0; mov.u32 %slp, 1; shr.u32 %mask, %m, 8;\n");
        if (pair) {
            b.append(" mov.u32 %t, %tid.x; setp.eq.u32 %p, %t, 0; @%p st.shared.u32 [s_turn], 0; bar.sync 0;\n");
            b.append(" and.b32 %old, %t, 31; setp.ne.u32 %p, %old, 0; @%p bra EXIT;\n");
            b.append(" shr.u32 %t, %t, 5; mul.lo.u32 %t, %t, %st; nanosleep.u32 %t; mov.u32 %sh, s_turn;"
                    + " mov.u32 %lsh, s_last;\n");
        }
        b.append("POLL:\n");
        if (pair) {
            b.append(" ld.volatile.shared.u32 %s, [%sh]; and.b32 %t, %s, 0x80000000; setp.ne.u32 %p, %t, 0;"
                    + " @%p bra POLL;\n");
        }
        b.append(" and.b32 %t, %s, %mask; mul.wide.u32 %a, %t, 64; add.u64 %a, %a, %r;\n");
        if (pair) {
            b.append(" and.b32 %t, %m, 16; setp.eq.u32 %p, %t, 0; @%p bra ISSUE;\n");
            b.append("PACE: mov.u32 %now, %clock; ld.volatile.shared.u32 %lst, [%lsh]; sub.u32 %t, %now, %lst;"
                    + " setp.lt.u32 %p, %t, %st; @%p nanosleep.u32 32; @%p bra PACE;\n");
            b.append(" st.volatile.shared.u32 [%lsh], %now;\nISSUE:\n");
        }
        b.append(" and.b32 %t, %m, 1; setp.ne.u32 %q, %t, 0;\n");
        b.append(" @%q ld.acquire.sys.global.v4.u32 {%w0, %w1, %w2, %w3}, [%a];\n");
        b.append(" @!%q ld.relaxed.sys.global.u32 %w0, [%a];\n");
        b.append(" setp.eq.u32 %p, %w0, 9; @%p bra EXIT;\n");
        b.append(" setp.eq.u32 %p, %w0, 1; @%p bra HIT;\n");
        b.append(" and.b32 %t, %m, 8; setp.eq.u32 %p, %t, 0; @%p bra POLL;\n");
        b.append(" nanosleep.u32 %slp; shl.b32 %slp, %slp, 1; min.u32 %slp, %slp, 64; bra POLL;\nHIT: mov.u32 %slp, 1;\n");
        if (pair) {
            b.append(" or.b32 %t, %s, 0x80000000; atom.shared.cas.b32 %old, [%sh], %s, %t; setp.ne.u32 %p, %old, %s;"
                    + " @%p bra POLL;\n");
        }
        b.append(" and.b32 %t, %m, 2; setp.ne.u32 %p, %t, 0; @%p st.relaxed.sys.global.u32 [%a], 2;\n");
        b.append(" st.relaxed.sys.global.u32 [%a], 3;\n");
        b.append(" and.b32 %t, %m, 4; setp.ne.u32 %p, %t, 0; @%p red.relaxed.sys.global.add.u32 [%c+4], 1;\n");
        b.append(" add.u32 %s, %s, 1;\n");
        if (pair) {
            b.append(" st.volatile.shared.u32 [%sh], %s;\n");
        }
        b.append(" bra POLL;\nEXIT: ret;\n}\n");
        return b.toString();
    }

    /** Like probe_slot, but one thread in each of two blocks (two SMs); a device-memory CAS on p_turn claims. */
    static final String GPAIR = ".visible .entry probe_slot_gpair(.param .u64 p_ring, .param .u64 p_ctl, .param .u32 p_mode,"
            + " .param .u32 p_st, .param .u64 p_turn)\n{\n"
            + " .reg .u64 %r, %c, %a, %tw; .reg .u32 %w<4>, %s, %m, %st, %t, %old, %mask; .reg .pred %p;\n"
            + " ld.param.u64 %r, [p_ring]; ld.param.u64 %c, [p_ctl]; ld.param.u32 %m, [p_mode]; ld.param.u32 %st, [p_st];"
            + " ld.param.u64 %tw, [p_turn]; shr.u32 %mask, %m, 8;\n"
            + " mov.u32 %t, %ctaid.x; mul.lo.u32 %t, %t, %st; nanosleep.u32 %t;\n"
            + "POLL: ld.relaxed.gpu.global.u32 %s, [%tw]; and.b32 %t, %s, 0x80000000; setp.ne.u32 %p, %t, 0; @%p bra POLL;\n"
            + " and.b32 %t, %s, %mask; mul.wide.u32 %a, %t, 64; add.u64 %a, %a, %r;\n"
            + " ld.acquire.sys.global.v4.u32 {%w0, %w1, %w2, %w3}, [%a];\n"
            + " setp.eq.u32 %p, %w0, 9; @%p bra EXIT;\n"
            + " setp.ne.u32 %p, %w0, 1; @%p bra POLL;\n"
            + " or.b32 %t, %s, 0x80000000; atom.global.cas.b32 %old, [%tw], %s, %t; setp.ne.u32 %p, %old, %s; @%p bra POLL;\n"
            + " and.b32 %t, %m, 2; setp.ne.u32 %p, %t, 0; @%p st.relaxed.sys.global.u32 [%a], 2;\n"
            + " st.relaxed.sys.global.u32 [%a], 3;\n"
            + " and.b32 %t, %m, 4; setp.ne.u32 %p, %t, 0; @%p red.relaxed.sys.global.add.u32 [%c+4], 1;\n"
            + " add.u32 %s, %s, 1; st.relaxed.gpu.global.u32 [%tw], %s; bra POLL;\n"
            + "EXIT: ret;\n}\n";

    /** Lane 0 of each warp of one block polls (acquire or relaxed), staggered by warp index. */
    static final String ECHO_WARPS = ".visible .entry probe_echo_w(.param .u64 p_req, .param .u64 p_resp, .param .u32 p_st)\n{\n"
            + " .reg .u64 %q, %s; .reg .u32 %v, %last, %st, %t; .reg .pred %p;\n"
            + " ld.param.u64 %q, [p_req]; ld.param.u64 %s, [p_resp]; ld.param.u32 %st, [p_st];\n"
            + " mov.u32 %t, %tid.x; and.b32 %v, %t, 31; setp.ne.u32 %p, %v, 0; @%p bra EXIT;\n"
            + " shr.u32 %t, %t, 5; mul.lo.u32 %t, %t, %st; nanosleep.u32 %t; mov.u32 %last, 0;\n"
            + "L: ld.relaxed.sys.global.u32 %v, [%q]; setp.eq.u32 %p, %v, %last; @%p bra L;\n"
            + " st.relaxed.sys.global.u32 [%s], %v; mov.u32 %last, %v; setp.ne.u32 %p, %v, 0xFFFFFFFF; @%p bra L;\n"
            + "EXIT: ret;\n}\n";

    /** One thread per block polls with acquire; a device-memory CAS (word at p_claim) picks the one that echoes. */
    static final String GGLOBAL = ".visible .entry probe_gglobal(.param .u64 p_req, .param .u64 p_resp, .param .u32 p_st,"
            + " .param .u64 p_claim)\n{\n"
            + " .reg .u64 %q, %s, %c; .reg .u32 %v, %n, %old, %st, %t; .reg .pred %p;\n"
            + " ld.param.u64 %q, [p_req]; ld.param.u64 %s, [p_resp]; ld.param.u32 %st, [p_st]; ld.param.u64 %c, [p_claim];\n"
            + " mov.u32 %t, %ctaid.x; mul.lo.u32 %t, %t, %st; nanosleep.u32 %t;\n"
            + "L: ld.relaxed.gpu.global.u32 %n, [%c]; setp.eq.u32 %p, %n, 0xFFFFFFFF; @%p bra EXIT;\n"
            + " ld.acquire.sys.global.u32 %v, [%q]; setp.eq.u32 %p, %v, %n; @%p bra L;\n"
            + " atom.global.cas.b32 %old, [%c], %n, %v; setp.ne.u32 %p, %old, %n; @%p bra L;\n"
            + " st.relaxed.sys.global.u32 [%s], %v; bra L;\n"
            + "EXIT: ret;\n}\n";

    /**
     * The raw doorbell ring (the megakernel's doorbell fast path without the megakernel): one thread in each of G
     * blocks, started p_st ns apart, polls the doorbell word at p_bell (16-byte acquire load: sequence, opcode,
     * tenant, priority); on a new sequence s (the host counts from 1) they race through a device-memory CAS of p_claim
     * from s - 1 to s; the winner stores
     * CLAIMED and DONE into ring slot {@code s & mask} (64-byte slots at p_ring, polled by no device thread) and adds
     * 1 to p_ctl+4. Sequence 0xFFFFFFFF ends it.
     */
    static final String BELL = ".visible .entry probe_bell(.param .u64 p_ring, .param .u64 p_ctl, .param .u32 p_mask,"
            + " .param .u32 p_st, .param .u64 p_bell, .param .u64 p_claim)\n{\n"
            + " .reg .u64 %r, %c, %b, %cl, %a; .reg .u32 %w<4>, %m, %st, %t, %old, %last; .reg .pred %p;\n"
            + " ld.param.u64 %r, [p_ring]; ld.param.u64 %c, [p_ctl]; ld.param.u32 %m, [p_mask]; ld.param.u32 %st, [p_st];"
            + " ld.param.u64 %b, [p_bell]; ld.param.u64 %cl, [p_claim];\n"
            + " mov.u32 %t, %ctaid.x; mul.lo.u32 %t, %t, %st; nanosleep.u32 %t; mov.u32 %last, 0;\n"
            + "L: ld.acquire.sys.global.v4.u32 {%w0, %w1, %w2, %w3}, [%b]; setp.eq.u32 %p, %w0, %last; @%p bra L;\n"
            + " mov.u32 %last, %w0; setp.eq.u32 %p, %w0, 0xFFFFFFFF; @%p bra EXIT;\n"
            + " sub.u32 %t, %w0, 1; atom.acquire.gpu.global.cas.b32 %old, [%cl], %t, %w0; setp.ne.u32 %p, %old, %t;"
            + " @%p bra L;\n"
            + " and.b32 %t, %w0, %m; mul.wide.u32 %a, %t, 64; add.u64 %a, %a, %r;\n"
            + " st.relaxed.sys.global.u32 [%a], 2; st.relaxed.sys.global.u32 [%a], 3;"
            + " red.relaxed.sys.global.add.u32 [%c+4], 1; bra L;\n"
            + "EXIT: ret;\n}\n";

    /** probe_bell_nocas: every poller that sees a new sequence completes it (no claim): the cost of the CAS. */
    static final String NOCAS_FROM = " atom.acquire.gpu.global.cas.b32 %old, [%cl], %t, %w0; setp.ne.u32 %p, %old, %t;";
    static final String NOCAS_TO = " mov.u32 %old, %t; setp.ne.u32 %p, %old, %t;";

    /** G warps (lane 0 each) poll with acquire loads, staggered; a shared-memory CAS picks the one that echoes. */
    static final String GROUP = ".visible .entry probe_group(.param .u64 p_req, .param .u64 p_resp, .param .u32 p_st)\n{\n"
            + " .shared .align 4 .u32 s_next;\n"
            + " .reg .u64 %q, %s; .reg .u32 %v, %n, %old, %st, %t; .reg .pred %p;\n"
            + " ld.param.u64 %q, [p_req]; ld.param.u64 %s, [p_resp]; ld.param.u32 %st, [p_st];\n"
            + " mov.u32 %t, %tid.x; setp.eq.u32 %p, %t, 0; @%p st.shared.u32 [s_next], 0; bar.sync 0;\n"
            + " and.b32 %v, %t, 31; setp.ne.u32 %p, %v, 0; @%p bra EXIT;\n"
            + " shr.u32 %t, %t, 5; mul.lo.u32 %t, %t, %st; nanosleep.u32 %t;\n"
            + "L: ld.volatile.shared.u32 %n, [s_next]; setp.eq.u32 %p, %n, 0xFFFFFFFF; @%p bra EXIT;\n"
            + " ld.acquire.sys.global.u32 %v, [%q]; setp.eq.u32 %p, %v, %n; @%p bra L;\n"
            + " atom.shared.cas.b32 %old, [s_next], %n, %v; setp.ne.u32 %p, %old, %n; @%p bra L;\n"
            + " st.relaxed.sys.global.u32 [%s], %v; bra L;\n"
            + "EXIT: ret;\n}\n";

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        CudaProbe.Device device = CudaProbe.run().devices().getFirst();
        System.out.println("device: " + device.name());
        if (args.length > 1 && args[1].equals("host-vs-device")) {
            hostVersusDevice(device, calls);
            return;
        }
        try (CudaContext ctx = CudaContext.open(device.ordinal())) {
            CudaModule module = ctx.loadPtx(ptx(SmTarget.forDevice(device.ccMajor(), device.ccMinor())));
            CudaFunction rtt = module.function("probe_rtt");
            CudaFunction echo = module.function("probe_echo");
            PinnedBuffer pinned = ctx.allocatePinned(16384);
            pinned.host().fill((byte) 0);
            CudaStream stream = ctx.createStream();
            DevicePtr base = pinned.devicePtr();
            MemorySegment host = pinned.host();
            dev.vyre.cuda.DeviceBuffer claim = ctx.allocate(256);
            for (int n : new int[] {1000, 10000}) {
                rtt.launch(Dim3.of(1), Dim3.of(1), 0, stream, base.plus(RTT_WORD), base.plus(RTT_OUT), n);
                stream.synchronize();
                long ns = host.get(ValueLayout.JAVA_LONG, RTT_OUT);
                System.out.printf("dependent mapped read, %d loads: %.1f ns each%n", n, ns / (double) n);
            }
            PinnedBuffer ring = ctx.allocatePinned(4096 * 64 + 256);
            gpairTurn = ctx.allocate(256);
            echo(echo, stream, host, base, 1, 0, 0, 0, calls);
            echo(echo, stream, host, base, 3, 400, 0, 0, calls);
            pipe(module.function("probe_group"), 1, 32 * 3, stream, host, base, 400, 0, calls,
                    "probe_group G=3", null);
            pipe(module.function("probe_gglobal"), 3, 1, stream, host, base, 400, 0, calls, "probe_gglobal G=3",
                    claim);
            slots(module.function("probe_slot"), 32, ring, stream, 7, 4096, calls, "slot", 600);
            slots(module.function("probe_slot_gpair"), -2, ring, stream, 7, 4096, calls, "slot gpair 400", 400);
            for (int g : new int[] {1, 3}) {
                bell(module.function("probe_bell"), g, ring, pinned, stream, claim, 4096, calls);
                bell(module.function("probe_bell_nocas"), g, ring, pinned, stream, claim, 4096, calls);
            }
        }
        for (int rep = 0; rep < 2; rep++) {
            for (int workers : new int[] {1, 128}) {
                for (int pollers : new int[] {1, 3, 4}) {
                    megakernel(device, new CudaBackend.Settings(device.ordinal(), WorkerShape.THREAD, 1, 16384,
                            CudaBackend.DEFAULT_MAX_WORKERS).withDoorbell(pollers), workers,
                            "workers=" + workers + " pollers=" + pollers, calls, Opcodes.NOP);
                }
            }
            megakernel(device, new CudaBackend.Settings(device.ordinal(), WorkerShape.THREAD, 1, 64,
                    CudaBackend.DEFAULT_MAX_WORKERS), 128, "no-doorbell workers=128", calls, Opcodes.NOP);
        }
    }

    private static void echo(CudaFunction echo, CudaStream stream, MemorySegment host, DevicePtr base, int pollers,
                             int stagger, int jitter, int think, int calls) {
        WORD.setVolatile(host, REQUEST, 0);
        WORD.setVolatile(host, RESPONSE, 0);
        echo.launch(Dim3.of(pollers), Dim3.of(1), 0, stream, base.plus(REQUEST), base.plus(RESPONSE), stagger, jitter);
        long[] nanos = pingPong(stream, host, think, calls);
        print(String.format("echo pollers=%d stagger=%d jitter=%d think=%d", pollers, stagger, jitter, think), nanos);
    }

    private static void pipe(CudaFunction f, int grid, int block, CudaStream stream, MemorySegment host,
                             DevicePtr base, int stagger, int think, int calls, String what,
                             dev.vyre.cuda.DeviceBuffer claim) {
        WORD.setVolatile(host, REQUEST, 0);
        WORD.setVolatile(host, RESPONSE, 0);
        if (claim == null) {
            f.launch(Dim3.of(grid), Dim3.of(block), 0, stream, base.plus(REQUEST), base.plus(RESPONSE), stagger);
        } else {
            claim.memsetD32(0, 0, 64);
            f.launch(Dim3.of(grid), Dim3.of(block), 0, stream, base.plus(REQUEST), base.plus(RESPONSE), stagger,
                    claim.ptr());
        }
        long[] nanos = pingPong(stream, host, think, calls);
        print(what + " think=" + think, nanos);
    }

    /**
     * Times {@code calls} host-written sequence numbers (after a tenth as many warm-up ones) until each is echoed,
     * with a random think time below {@code think} ns before each; then writes the stop word and waits for the kernel.
     */
    private static long[] pingPong(CudaStream stream, MemorySegment host, int think, int calls) {
        SplittableRandom rnd = new SplittableRandom(1);
        int warm = calls / 10;
        long[] nanos = new long[calls];
        for (int i = 1; i <= warm + calls; i++) {
            spin(think == 0 ? 0 : rnd.nextInt(think));
            long t0 = System.nanoTime();
            WORD.setRelease(host, REQUEST, i);
            while ((int) WORD.getAcquire(host, RESPONSE) != i) {
                Thread.onSpinWait();
            }
            long t1 = System.nanoTime();
            if (i > warm) {
                nanos[i - warm - 1] = t1 - t0;
            }
        }
        WORD.setVolatile(host, REQUEST, STOP);
        stream.synchronize();
        return nanos;
    }

    private static void slots(CudaFunction f, int block, PinnedBuffer ring, CudaStream stream, int mode,
                              int slots, int calls, String what, int st) {
        boolean fill = true;
        MemorySegment m = ring.host();
        m.fill((byte) 0);
        if (block < 0) {
            gpairTurn.memsetD32(0, 0, 64);
            f.launch(Dim3.of(-block), Dim3.of(1), 0, stream, ring.devicePtr(), ring.devicePtr().plus(4096 * 64),
                    mode | (slots - 1) << 8, st, gpairTurn.ptr());
        } else {
            f.launch(Dim3.of(1), Dim3.of(block), 0, stream, ring.devicePtr(), ring.devicePtr().plus(4096 * 64),
                    mode | (slots - 1) << 8, st);
        }
        int warm = calls / 10;
        long[] nanos = new long[calls];
        for (int i = 0; i < warm + calls; i++) {
            long slot = (i & (slots - 1)) * 64L;
            long t0 = System.nanoTime();
            if (fill) {
                for (int w = 1; w < 16; w++) {
                    m.set(ValueLayout.JAVA_INT, slot + 4L * w, i + w);
                }
            }
            WORD.setRelease(m, slot, 1);
            while ((int) WORD.getAcquire(m, slot) != 3) {
                Thread.onSpinWait();
            }
            long t1 = System.nanoTime();
            WORD.setOpaque(m, slot, 0);
            if (i >= warm) {
                nanos[i - warm] = t1 - t0;
            }
        }
        WORD.setRelease(m, ((warm + calls) & (slots - 1)) * 64L, 9);
        stream.synchronize();
        print(what + " mode=" + mode + " slots=" + slots, nanos);
    }

    /**
     * The raw doorbell ring with {@code pollers} pollers 1200/pollers ns apart: per round trip the host fills slot
     * {@code i & (slots - 1)}, stores STATUS=PUBLISHED (release), then the doorbell's opcode, tenant, priority and
     * sequence i (release), and spins until the slot reads DONE.
     */
    private static void bell(CudaFunction f, int pollers, PinnedBuffer ring, PinnedBuffer pinned, CudaStream stream,
                             dev.vyre.cuda.DeviceBuffer claim, int slots, int calls) {
        MemorySegment m = ring.host();
        m.fill((byte) 0);
        MemorySegment bell = pinned.host().asSlice(BELL_LINE, 64);
        bell.fill((byte) 0);
        claim.memsetD32(0, 0, 64);
        f.launch(Dim3.of(pollers), Dim3.of(1), 0, stream, ring.devicePtr(), ring.devicePtr().plus(4096 * 64),
                slots - 1, 1200 / pollers, pinned.devicePtr().plus(BELL_LINE), claim.ptr());
        int warm = calls / 10;
        long[] nanos = new long[calls];
        for (int i = 1; i <= warm + calls; i++) {
            long slot = (i & (slots - 1)) * 64L;
            long t0 = System.nanoTime();
            for (int w = 1; w < 16; w++) {
                m.set(ValueLayout.JAVA_INT, slot + 4L * w, i + w);
            }
            WORD.setRelease(m, slot, 1);
            bell.set(ValueLayout.JAVA_INT, 4, 0);
            bell.set(ValueLayout.JAVA_INT, 8, 0);
            bell.set(ValueLayout.JAVA_INT, 12, 1);
            WORD.setRelease(bell, 0L, i);
            while ((int) WORD.getAcquire(m, slot) != 3) {
                Thread.onSpinWait();
            }
            long t1 = System.nanoTime();
            WORD.setOpaque(m, slot, 0);
            if (i > warm) {
                nanos[i - warm - 1] = t1 - t0;
            }
        }
        WORD.setRelease(bell, 0L, STOP);
        stream.synchronize();
        print(f.name() + " pollers=" + pollers + " slots=" + slots, nanos);
    }

    /**
     * Splits the default megakernel's {@code call(NOP)} round trip into host and device: in one kernel (the default
     * settings, 128 workers, 3 doorbell pollers, a 4096-slot ring), rounds of {@code Megakernel.call} alternate with
     * rounds of the raw host loop of {@link #bell} on the same ring and doorbell line (words 1..15, STATUS = PUBLISHED
     * with release, the doorbell entry with release, a spin on STATUS), with the megakernel's own host code never
     * running in those. Equal figures put the rest of the distance to the raw doorbell probe in the kernel; the raw
     * loop far below {@code call} puts it in the host path.
     */
    private static void hostVersusDevice(CudaProbe.Device device, int calls) {
        for (int rep = 0; rep < 3; rep++) {
            for (boolean raw : new boolean[] {false, true}) {
                CudaBackend backend = CudaBackend.open(new CudaBackend.Settings(device.ordinal(), WorkerShape.THREAD,
                        1, 16384, CudaBackend.DEFAULT_MAX_WORKERS).withDoorbell(3));
                try (Megakernel k = Megakernel.bootstrap(backend, MegakernelConfig.defaults().withSlots(HV_SLOTS)
                        .withWorkers(128))) {
                    long[] nanos = raw ? rawLoop(k.ring().segment(), backend.doorbell(), HV_SLOTS, WARM_CALLS, calls)
                            : dev.vyre.runtime.cuda.DoorbellRuns.nopRoundTrips(k, WARM_CALLS, calls);
                    print((raw ? "raw host loop on the megakernel" : "megakernel call(NOP)") + ", rep " + rep,
                            nanos);
                }
            }
        }
    }

    private static final int HV_SLOTS = 4096;

    /** Sequences 0, 1, ... of a fresh kernel, published and rung without the megakernel's host code. */
    public static long[] rawLoop(MemorySegment ring, MemorySegment bell, int slots, int warm, int calls) {
        long[] nanos = new long[calls];
        for (int seq = 0; seq < warm + calls; seq++) {
            long slot = (long) (seq & (slots - 1)) * SlotLayout.SLOT_BYTES;
            long t0 = System.nanoTime();
            for (int w = SlotLayout.OPCODE; w < SlotLayout.SLOT_WORDS; w++) {
                ring.set(ValueLayout.JAVA_INT, slot + 4L * w, w == SlotLayout.PRIORITY ? Priority.NORMAL.wire() : 0);
            }
            WORD.setRelease(ring, slot, SlotState.PUBLISHED.wire());
            RAW_ENTRY.setRelease(bell, 0L, (long) (seq & dev.vyre.runtime.Doorbell.SEQ_MASK));
            while ((int) WORD.getAcquire(ring, slot) != SlotState.DONE.wire()) {
                Thread.onSpinWait();
            }
            long t1 = System.nanoTime();
            if (seq >= warm) {
                nanos[seq - warm] = t1 - t0;
            }
        }
        return nanos;
    }

    private static final java.lang.invoke.VarHandle RAW_ENTRY = ValueLayout.JAVA_LONG.varHandle();

    private static void megakernel(CudaProbe.Device device, CudaBackend.Settings settings, int workers, String what,
                                   int calls, int opcode) {
        CudaBackend backend = CudaBackend.open(settings);
        try (Megakernel k = Megakernel.bootstrap(backend, MegakernelConfig.defaults().withSlots(4096)
                .withWorkers(workers))) {
            int warm = WARM_CALLS;
            long[] nanos = new long[calls];
            for (int i = 0; i < warm + calls; i++) {
                long t0 = System.nanoTime();
                k.call(opcode, 0, Priority.NORMAL, 7, 96);
                long t1 = System.nanoTime();
                if (i >= warm) {
                    nanos[i - warm] = t1 - t0;
                }
            }
            print(String.format("megakernel %s %s", Opcodes.name(opcode), what), nanos);
        }
    }

    private static void spin(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    /** One summary line: mean, p10, p50, p90, p99 and min of {@code nanos}, in ns. */
    public static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        System.out.printf("%-58s mean %6.0f  p10 %5d  p50 %5d  p90 %5d  p99 %6d  min %5d ns%n", what, mean,
                s[s.length / 10], s[s.length / 2], s[s.length * 9 / 10], s[s.length * 99 / 100], s[0]);
    }
}
