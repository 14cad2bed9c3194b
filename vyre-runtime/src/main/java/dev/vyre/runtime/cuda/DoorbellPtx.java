package dev.vyre.runtime.cuda;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.Doorbell;

/**
 * The doorbell fast path of the megakernel (docs/MEGAKERNEL-CUDA.md, "Doorbell fast path"), emitted into
 * {@link MegakernelPtx}'s entry when {@link MegakernelPtx.Options#doorbellPollers()} is above 0.
 *
 * <p>Besides the W ring workers the launch has D more blocks; thread 0 of each is a <em>doorbell poller</em>. The
 * pollers start {@link #SPAN_NANOS}{@code / D} ns apart and poll the host's {@link Doorbell} line d of their own
 * (8-byte acquire loads of its one entry, no sleep; the host writes the entry into every line), a line that no
 * device thread writes. On a new entry they race for the slot
 * through its <em>claim word</em> in device memory; the winner runs the slot with the kernel's ordinary code (the
 * doorbell gave it OPCODE and TENANT, so a NOP reads nothing from the ring) and completes it in the ring as a
 * worker does.
 *
 * <p>Claim words: one u32 per slot, zero at launch. For the occupant of slot {@code s} in lap {@code L} (sequence
 * {@code L * N + s}, N slots, a power of two) the key is {@code K = L * N mod 2^27} ({@link Doorbell#SEQ_BITS});
 * the word holds K while that
 * occupant may be claimed, K + 1 while one runner holds it, and K + N once it finished (the next lap's key). A
 * runner claims with {@code atom.cas(word, K, K + 1)}; whoever wins runs the slot and, after completing it in the
 * ring, stores K + N with release. Keys advance only through a claim and its finish, so a sequence is claimed at
 * most once: the ring workers and the doorbell pollers never both run a slot. Ring workers in this mode read the
 * claim word before they poll the ring: equal to their key, they poll and claim as usual; ahead of it (a poller has
 * or had the slot), they move on to their next slot without a read of the ring; behind it (a poller still runs the
 * previous lap), they wait as for an unpublished slot. The release of K + N orders the finisher's STATUS store
 * before the next lap's key, so a runner that sees its key reads STATUS no older than that completion.
 */
public final class DoorbellPtx {
    /** Span over which the pollers start: poller d sleeps {@code d * SPAN_NANOS / D} ns first (session 9's 600/330 ns). */
    public static final int SPAN_NANOS = 1200;
    /** Bytes per claim word. */
    public static final int CLAIM_BYTES = Integer.BYTES;
    /** Label: doorbell pollers start here. */
    static final String START = "L_BELL_START";
    /** Label: a poller's loop. */
    static final String POLL = "L_BELL_POLL";
    private static final String HIT = "L_BELL_HIT";
    private static final String CAS = "L_BELL_CAS";
    private static final String CLAIMED = "L_BELL_CLAIMED";
    private static final String WORKER_ID = "L_BELL_WORKER_ID";
    private static final String COMMON_ID = "L_BELL_COMMON_ID";
    /** Label of a ring worker's claim through the claim word (the kernel's ring claim in this mode). */
    static final String RING_CLAIM = "L_BELL_RING_CLAIM";
    private static final String POLL_RING = "L_BELL_POLL_RING";

    // ---- registers ----
    private static final String BELL = "%bell";
    /** The doorbell entry, as loaded. */
    private static final String ENTRY = "%bell_entry";
    private static final String CLAIMS = "%bell_claims";
    /** Address of the claim word of the slot this thread waits on or runs. */
    private static final String CLAIM_AT = "%bell_at";
    /** The key of that slot's occupant. */
    static final String KEY = "%bell_key";
    /** 1 on a doorbell poller, 0 on a ring worker. */
    private static final String IS_POLLER = "%bell_is";
    /** The poller's index, 0..D-1. */
    private static final String INDEX = "%bell_index";
    /** The last sequence word the poller saw. */
    private static final String LAST = "%bell_last";
    /** Slot count - 1 (the ring is a power of two in this mode). */
    private static final String SLOT_MASK = "%bell_mask";
    /** Keys live in the low {@link Doorbell#SEQ_BITS} bits. */
    private static final String KEY_MASK = PtxBuilder.u32(Doorbell.SEQ_MASK);
    /** The sign bit of a {@link Doorbell#SEQ_BITS}-bit difference: set when a claim word is behind a key. */
    private static final String SIGN = PtxBuilder.u32(1 << (Doorbell.SEQ_BITS - 1));
    /** A poller waiting for the previous occupant's finisher sleeps this long between claim attempts. */
    public static final int BEHIND_SLEEP_NANOS = 32;

    private final PtxBuilder out;
    private final MegakernelPtx.Options options;

    DoorbellPtx(PtxBuilder out, MegakernelPtx.Options options) {
        this.out = out;
        this.options = options;
    }

    /**
     * The doorbell pollers a kernel gets when {@code requested} are asked for: all of them on a ring whose slot count
     * is a power of two of at least 2 (a sequence's slot is its low bits, and a held key K + 1 must differ from the
     * next lap's K + N) without cooperative handlers (a poller is one thread); none otherwise, and the kernel runs as
     * without a doorbell.
     */
    public static int usablePollers(int requested, int slots, dev.vyre.runtime.HandlerTable handlers) {
        boolean ring = slots >= 2 && Integer.bitCount(slots) == 1 && slots <= Doorbell.SEQ_MASK;
        return ring && !handlers.anyCooperative() ? requested : 0;
    }

    /** Bytes of claim words for a ring of {@code slots} slots. */
    public static long claimBytes(int slots) {
        return (long) slots * CLAIM_BYTES;
    }

    void declare() {
        out.ins(".reg .u64 " + BELL + ", " + CLAIMS + ", " + CLAIM_AT + ", " + ENTRY);
        out.ins(".reg .u32 " + String.join(", ", KEY, IS_POLLER, INDEX, LAST, SLOT_MASK));
    }

    void loadParams() {
        out.loadParam(MegakernelPtx.Param.DOORBELL, BELL);
        out.loadParam(MegakernelPtx.Param.CLAIMS, CLAIMS);
        out.ins("cvta.to.global.u64 " + CLAIMS + ", " + CLAIMS);
        out.ins("sub.u32 " + SLOT_MASK + ", " + MegakernelPtx.SLOTS + ", 1");
        out.ins("mov.u32 " + KEY + ", 0");
    }

    /**
     * Start of the worker identity: blocks past the workers' are doorbell blocks, whose thread 0 becomes poller
     * {@code ctaid - workerBlocks} (worker index W + that, for its handler scratch) and the rest exit. Ring workers
     * go on to the kernel's own identity code.
     */
    void routeIdentity() {
        String t0 = MegakernelPtx.T0;
        String t1 = MegakernelPtx.T1;
        String p = MegakernelPtx.P;
        int lanes = options.shape().lanesPerWorker();
        out.comment("doorbell: blocks past the " + lanes + "-lane workers' are doorbell blocks; thread 0 of each polls");
        out.ins("mov.u32 " + t0 + ", %ctaid.x");
        out.ins("mul.lo.u32 " + t1 + ", " + MegakernelPtx.WORKERS + ", " + lanes);
        out.ins("add.u32 " + t1 + ", " + t1 + ", " + (WorkerShape.BLOCK_THREADS - 1));
        out.ins("shr.u32 " + t1 + ", " + t1 + ", " + Integer.numberOfTrailingZeros(WorkerShape.BLOCK_THREADS));
        out.ins("mov.u32 " + IS_POLLER + ", 0");
        out.ins("setp.lt.u32 " + p + ", " + t0 + ", " + t1);
        out.when(p, "bra " + WORKER_ID);
        out.ins("sub.u32 " + INDEX + ", " + t0 + ", " + t1);
        out.ins("mov.u32 " + t0 + ", %tid.x");
        out.ins("setp.ne.u32 " + p + ", " + t0 + ", 0");
        out.when(p, "bra " + MegakernelPtx.EXIT);
        out.ins("setp.ge.u32 " + p + ", " + INDEX + ", " + options.doorbellPollers());
        out.when(p, "bra " + MegakernelPtx.EXIT);
        out.ins("add.u32 " + MegakernelPtx.WORKER + ", " + MegakernelPtx.WORKERS + ", " + INDEX);
        out.ins("mov.u32 " + IS_POLLER + ", 1");
        out.ins("bra " + COMMON_ID);
        out.label(WORKER_ID);
    }

    /** Where ring workers and pollers meet again in the identity code (masks, scratch, backoff). */
    void commonIdentity() {
        out.label(COMMON_ID);
    }

    /** End of the identity code: pollers leave for their loop. */
    void leaveIdentity() {
        out.ins("setp.ne.u32 " + MegakernelPtx.P + ", " + IS_POLLER + ", 0");
        out.when(MegakernelPtx.P, "bra " + START);
    }

    /**
     * A ring worker's look at its slot's claim word before it polls the ring (sets the claim address): its key,
     * fall through to the ring poll; ahead, {@code skip} (the next slot, no ring read); behind, {@code idle}.
     */
    void ringGate(String skip, String idle) {
        String t0 = MegakernelPtx.T0;
        String p = MegakernelPtx.P;
        out.comment("doorbell mode: the claim word first (device memory): a poller may have this slot, or be running"
                + " its previous lap");
        claimAddress();
        out.ins("ld.acquire.gpu.global.u32 " + t0 + ", [" + CLAIM_AT + "]");
        out.ins("setp.eq.u32 " + p + ", " + t0 + ", " + KEY);
        out.when(p, "bra " + POLL_RING);
        aheadOrBehind(t0, skip);
        out.ins("bra " + idle);
        out.label(POLL_RING);
    }

    /** A ring worker that saw PUBLISHED claims through the claim word; on a lost race it looks again. */
    void ringClaim(String claim, String poll) {
        out.section("doorbell mode: a ring worker claims its PUBLISHED slot through the claim word");
        out.label(RING_CLAIM);
        casClaim();
        out.when(MegakernelPtx.P, "bra " + claim);
        out.ins("bra " + poll);
    }

    /** After a slot's completion: the next lap's key (release), then a poller goes back to its loop. */
    void finish() {
        out.comment("doorbell mode: the occupant finished; the claim word becomes the next lap's key (release: after"
                + " the STATUS store)");
        out.ins("add.u32 " + MegakernelPtx.T0 + ", " + KEY + ", " + MegakernelPtx.SLOTS);
        out.ins("and.b32 " + MegakernelPtx.T0 + ", " + MegakernelPtx.T0 + ", " + KEY_MASK);
        out.ins("st.release.gpu.global.u32 [" + CLAIM_AT + "], " + MegakernelPtx.T0);
        out.ins("setp.ne.u32 " + MegakernelPtx.P + ", " + IS_POLLER + ", 0");
        out.when(MegakernelPtx.P, "bra " + POLL);
    }

    /** A ring worker that moved past the end of the ring is in the next lap: its key grows by N. */
    void nextLap(String wrapped) {
        out.when(wrapped, "add.u32 " + KEY + ", " + KEY + ", " + MegakernelPtx.SLOTS);
        out.when(wrapped, "and.b32 " + KEY + ", " + KEY + ", " + KEY_MASK);
    }

    /** The pollers' section: stagger, poll, claim, then the kernel's claim code ({@code claim}). */
    void pollers(String claim) {
        String t0 = MegakernelPtx.T0;
        String p = MegakernelPtx.P;
        String w0 = MegakernelPtx.word(SlotLayout.STATUS);
        out.section("doorbell pollers: " + options.doorbellPollers() + " threads poll the host's doorbell line,"
                + " started " + SPAN_NANOS / options.doorbellPollers() + " ns apart");
        out.label(START);
        out.comment("poller d polls doorbell line d (the host writes the entry into every line): no two pollers'"
                + " reads queue behind each other on one host cache line");
        out.ins("mul.wide.u32 " + MegakernelPtx.X0 + ", " + INDEX + ", " + Doorbell.BYTES);
        out.ins("add.u64 " + BELL + ", " + BELL + ", " + MegakernelPtx.X0);
        out.ins("mul.lo.u32 " + t0 + ", " + INDEX + ", " + SPAN_NANOS / options.doorbellPollers());
        out.ins("nanosleep.u32 " + t0);
        out.comment("the host cleared the line's TAG to " + Doorbell.NONE + " before the launch: that counts as seen");
        out.ins("mov.u32 " + LAST + ", " + PtxBuilder.u32(Doorbell.NONE));
        out.label(POLL);
        out.comment("the whole entry in one 8-byte acquire load (the host writes it with one release store): TAG ="
                + " sequence | tenant << " + Doorbell.SEQ_BITS + ", then OPCODE");
        out.ins("ld.acquire.sys.global.u64 " + ENTRY + ", [" + BELL + "+" + Doorbell.TAG * Wire.WORD_BYTES + "]");
        out.ins("cvt.u32.u64 " + w0 + ", " + ENTRY);
        out.ins("setp.ne.u32 " + p + ", " + w0 + ", " + LAST);
        out.when(p, "bra " + HIT);
        out.ins("add.u32 " + MegakernelPtx.IDLE + ", " + MegakernelPtx.IDLE + ", 1");
        out.ins("and.b32 " + t0 + ", " + MegakernelPtx.IDLE + ", " + (MegakernelPtx.SHUTDOWN_POLL_INTERVAL - 1));
        out.ins("setp.ne.u32 " + p + ", " + t0 + ", 0");
        out.when(p, "bra " + POLL);
        out.comment("every " + MegakernelPtx.SHUTDOWN_POLL_INTERVAL + "th idle poll: exit on SHUTDOWN (the ring "
                + "workers drain what is published)");
        out.ins("ld.acquire.sys.global.u32 " + t0 + ", [" + MegakernelPtx.CTL + "+"
                + ControlLayout.SHUTDOWN * Wire.WORD_BYTES + "]");
        out.ins("setp.eq.u32 " + p + ", " + t0 + ", 0");
        out.when(p, "bra " + POLL);
        out.ins("bra " + MegakernelPtx.EXIT);
        out.label(HIT);
        out.ins("mov.u32 " + LAST + ", " + w0);
        out.ins("shr.u64 " + ENTRY + ", " + ENTRY + ", " + Integer.SIZE);
        out.ins("cvt.u32.u64 " + MegakernelPtx.word(SlotLayout.OPCODE) + ", " + ENTRY);
        out.ins("shr.u32 " + MegakernelPtx.word(SlotLayout.TENANT) + ", " + w0 + ", " + Doorbell.SEQ_BITS);
        out.ins("and.b32 " + w0 + ", " + w0 + ", " + KEY_MASK);
        out.ins("and.b32 " + MegakernelPtx.SLOT + ", " + w0 + ", " + SLOT_MASK);
        out.ins("sub.u32 " + KEY + ", " + w0 + ", " + MegakernelPtx.SLOT);
        claimAddress();
        out.label(CAS);
        casClaim();
        out.when(p, "bra " + CLAIMED);
        out.comment("ahead: a ring worker has (or had) it; behind: its previous lap is still finishing, try again");
        aheadOrBehind(t0, POLL);
        out.ins("nanosleep.u32 " + BEHIND_SLEEP_NANOS);
        out.ins("bra " + CAS);
        out.label(CLAIMED);
        out.ins("mul.wide.u32 " + MegakernelPtx.SP + ", " + MegakernelPtx.SLOT + ", " + SlotLayout.SLOT_BYTES);
        out.ins("add.u64 " + MegakernelPtx.SP + ", " + MegakernelPtx.SP + ", " + MegakernelPtx.RING);
        out.ins("mov.u32 " + w0 + ", " + SlotState.PUBLISHED.wire());
        out.ins("bra " + claim);
    }

    private void claimAddress() {
        out.ins("mul.wide.u32 " + CLAIM_AT + ", " + MegakernelPtx.SLOT + ", " + CLAIM_BYTES);
        out.ins("add.u64 " + CLAIM_AT + ", " + CLAIM_AT + ", " + CLAIMS);
    }

    /** {@code atom.cas(claim word, key, key + 1)}; sets the predicate when this thread won. */
    private void casClaim() {
        out.ins("add.u32 " + MegakernelPtx.T1 + ", " + KEY + ", 1");
        out.ins("atom.acquire.gpu.global.cas.b32 " + MegakernelPtx.T0 + ", [" + CLAIM_AT + "], " + KEY + ", "
                + MegakernelPtx.T1);
        out.ins("setp.eq.u32 " + MegakernelPtx.P + ", " + MegakernelPtx.T0 + ", " + KEY);
    }

    /**
     * Branches to {@code ahead} when {@code word - key} is positive as a signed {@link Doorbell#SEQ_BITS}-bit number
     * (the word is at most 2^26 sequences ahead); falls through else.
     */
    private void aheadOrBehind(String word, String ahead) {
        String t = MegakernelPtx.T2;
        out.ins("sub.u32 " + t + ", " + word + ", " + KEY);
        out.ins("and.b32 " + t + ", " + t + ", " + SIGN);
        out.ins("setp.eq.u32 " + MegakernelPtx.P + ", " + t + ", 0");
        out.when(MegakernelPtx.P, "bra " + ahead);
    }
}
