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
 * <p>Besides the W ring workers the launch has {@link #blocks}(D) more blocks of {@link #WATCHERS_PER_BLOCK}
 * <em>watchers</em> and one <em>runner</em> each (lane 0 of each warp; the rest exit). The D watchers start
 * {@link #SPAN_NANOS}{@code / D} ns apart and do nothing but poll the host's {@link Doorbell} line (8-byte acquire
 * loads of its one entry, no sleep), a line that no device thread writes, and copy each new entry into their own
 * <em>mailbox</em> (8 bytes of device memory after the claim words, a release store at CTA scope, so it stays in
 * the SM's L1); so their polls stay as evenly spread over a PCIe round trip as they started, whatever runs (a
 * poller that also ran the slot was late for the next entry by what it ran, and the polls bunched up: session 14
 * measured 0.5 to 0.7 us of the round trip there). The runner of the block spins on its watchers' mailboxes (CTA
 * scope, L1) and, on an entry it has not run, races for the slot through its <em>claim word</em> in device memory;
 * the winner runs the slot with the kernel's ordinary code (the doorbell gave it OPCODE and TENANT, so a NOP reads
 * nothing from the ring) and completes it in the ring as a worker does. Mailboxes start as {@link Doorbell#NONE}
 * (the host fills them before the launch); a watcher that sees SHUTDOWN posts {@link #EXIT_TAG} before it exits,
 * which stops its runner.
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
    /** Watchers per doorbell block: every warp of the block but the last, whose lane 0 is the block's runner. */
    public static final int WATCHERS_PER_BLOCK = WorkerShape.BLOCK_THREADS / 32 - 1;
    /** Bytes per watcher mailbox: the doorbell entry as the watcher loaded it. */
    public static final int MAILBOX_BYTES = Long.BYTES;
    /** The TAG a watcher posts when it exits on SHUTDOWN (tenant 31 does not exist, so no entry has it). */
    static final int EXIT_TAG = 0xFFFFFFFE;
    /** Label: doorbell pollers start here. */
    static final String START = "L_BELL_START";
    /** Label: a runner's loop over its mailboxes. */
    static final String POLL = "L_BELL_POLL";
    private static final String HIT = "L_BELL_HIT";
    private static final String WATCH = "L_BELL_WATCH";
    private static final String SEEN = "L_BELL_SEEN";
    private static final String RUN_START = "L_BELL_RUN_START";
    private static final String RUNNER_ID = "L_BELL_RUNNER_ID";
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
    /** 0 on a ring worker, {@link #WATCHER} on a watcher, {@link #RUNNER} on a runner. */
    private static final String IS_POLLER = "%bell_is";
    private static final int WATCHER = 1;
    private static final int RUNNER = 2;
    /** A watcher's index, 0..D-1; a runner's doorbell block, 0..blocks(D)-1. */
    private static final String INDEX = "%bell_index";
    /** The last TAG the watcher saw; the runner's last TAG it ran. */
    private static final String LAST = "%bell_last";
    /** A watcher's mailbox; a runner's block's first mailbox. */
    private static final String MAIL = "%bell_mail";
    /** The runner's last TAG seen in each of its block's mailboxes. */
    private static String seen(int j) {
        return "%bell_seen" + j;
    }
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

    /** Doorbell blocks for {@code pollers} watchers: one per {@link #WATCHERS_PER_BLOCK}, each with its runner. */
    public static int blocks(int pollers) {
        return (pollers + WATCHERS_PER_BLOCK - 1) / WATCHERS_PER_BLOCK;
    }

    /**
     * Bytes of the doorbell's device memory for a ring of {@code slots} slots (a power of two, so the mailboxes are
     * 8-byte aligned) and {@code pollers} watchers: the claim words (zero at launch), then one mailbox per watcher
     * place of every doorbell block (all bits set at launch: TAG {@link Doorbell#NONE}).
     */
    public static long memoryBytes(int slots, int pollers) {
        return claimBytes(slots) + (long) blocks(pollers) * WATCHERS_PER_BLOCK * MAILBOX_BYTES;
    }

    void declare() {
        out.ins(".reg .u64 " + BELL + ", " + CLAIMS + ", " + CLAIM_AT + ", " + ENTRY + ", " + MAIL);
        out.ins(".reg .u32 " + String.join(", ", KEY, IS_POLLER, INDEX, LAST, SLOT_MASK));
        out.ins(".reg .u32 " + java.util.stream.IntStream.range(0, WATCHERS_PER_BLOCK).mapToObj(DoorbellPtx::seen)
                .collect(java.util.stream.Collectors.joining(", ")));
    }

    void loadParams() {
        out.loadParam(MegakernelPtx.Param.DOORBELL, BELL);
        out.loadParam(MegakernelPtx.Param.CLAIMS, CLAIMS);
        out.ins("cvta.to.global.u64 " + CLAIMS + ", " + CLAIMS);
        out.ins("sub.u32 " + SLOT_MASK + ", " + MegakernelPtx.SLOTS + ", 1");
        out.ins("mov.u32 " + KEY + ", 0");
    }

    /**
     * Start of the worker identity: blocks past the workers' are doorbell blocks. In doorbell block c, lane 0 of warp
     * {@link #WATCHERS_PER_BLOCK} is the block's runner (worker index W + c, for its handler scratch) and lane 0 of
     * warp k below it is watcher 3c + k while that is below D; every other thread exits. Ring workers go on to the
     * kernel's own identity code.
     */
    void routeIdentity() {
        String t0 = MegakernelPtx.T0;
        String t1 = MegakernelPtx.T1;
        String t2 = MegakernelPtx.T2;
        String p = MegakernelPtx.P;
        int lanes = options.shape().lanesPerWorker();
        out.comment("doorbell: blocks past the " + lanes + "-lane workers' are doorbell blocks: lane 0 of warps 0.."
                + (WATCHERS_PER_BLOCK - 1) + " watch the doorbell, lane 0 of warp " + WATCHERS_PER_BLOCK + " runs");
        out.ins("mov.u32 " + t0 + ", %ctaid.x");
        out.ins("mul.lo.u32 " + t1 + ", " + MegakernelPtx.WORKERS + ", " + lanes);
        out.ins("add.u32 " + t1 + ", " + t1 + ", " + (WorkerShape.BLOCK_THREADS - 1));
        out.ins("shr.u32 " + t1 + ", " + t1 + ", " + Integer.numberOfTrailingZeros(WorkerShape.BLOCK_THREADS));
        out.ins("mov.u32 " + IS_POLLER + ", 0");
        out.ins("setp.lt.u32 " + p + ", " + t0 + ", " + t1);
        out.when(p, "bra " + WORKER_ID);
        out.ins("sub.u32 " + INDEX + ", " + t0 + ", " + t1);
        out.ins("add.u32 " + MegakernelPtx.WORKER + ", " + MegakernelPtx.WORKERS + ", " + INDEX);
        out.ins("mov.u32 " + t0 + ", %tid.x");
        out.ins("and.b32 " + t2 + ", " + t0 + ", 31");
        out.ins("setp.ne.u32 " + p + ", " + t2 + ", 0");
        out.when(p, "bra " + MegakernelPtx.EXIT);
        out.ins("shr.u32 " + t0 + ", " + t0 + ", 5");
        out.ins("setp.eq.u32 " + p + ", " + t0 + ", " + WATCHERS_PER_BLOCK);
        out.when(p, "bra " + RUNNER_ID);
        out.ins("mad.lo.u32 " + INDEX + ", " + INDEX + ", " + WATCHERS_PER_BLOCK + ", " + t0);
        out.ins("setp.ge.u32 " + p + ", " + INDEX + ", " + options.doorbellPollers());
        out.when(p, "bra " + MegakernelPtx.EXIT);
        out.ins("mov.u32 " + IS_POLLER + ", " + WATCHER);
        out.ins("bra " + COMMON_ID);
        out.label(RUNNER_ID);
        out.ins("mov.u32 " + IS_POLLER + ", " + RUNNER);
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

    /** After a slot's completion: the next lap's key (release), then a runner goes back to its mailboxes. */
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

    /**
     * The doorbell blocks' section: the watchers' loop (stagger, poll, mailbox), then the runner's (mailboxes, claim,
     * then the kernel's claim code, {@code claim}).
     */
    void pollers(String claim) {
        String t0 = MegakernelPtx.T0;
        String p = MegakernelPtx.P;
        String w0 = MegakernelPtx.word(SlotLayout.STATUS);
        int d = options.doorbellPollers();
        out.section("doorbell watchers: " + d + " threads poll the host's doorbell line, started " + SPAN_NANOS / d
                + " ns apart, and copy each new entry into their mailbox; they never run a slot");
        out.label(START);
        out.ins("setp.eq.u32 " + p + ", " + IS_POLLER + ", " + RUNNER);
        out.when(p, "bra " + RUN_START);
        out.ins("mul.wide.u32 " + MAIL + ", " + MegakernelPtx.SLOTS + ", " + CLAIM_BYTES);
        out.ins("add.u64 " + MAIL + ", " + MAIL + ", " + CLAIMS);
        out.ins("mul.wide.u32 " + CLAIM_AT + ", " + INDEX + ", " + MAILBOX_BYTES);
        out.ins("add.u64 " + MAIL + ", " + MAIL + ", " + CLAIM_AT);
        out.ins("mul.lo.u32 " + t0 + ", " + INDEX + ", " + SPAN_NANOS / d);
        out.ins("nanosleep.u32 " + t0);
        out.comment("the host cleared the line's TAG to " + Doorbell.NONE + " before the launch: that counts as seen");
        out.ins("mov.u32 " + LAST + ", " + PtxBuilder.u32(Doorbell.NONE));
        out.label(WATCH);
        out.comment("the whole entry in one 8-byte acquire load (the host writes it with one release store): TAG ="
                + " sequence | tenant << " + Doorbell.SEQ_BITS + ", then OPCODE");
        out.ins("ld.acquire.sys.global.u64 " + ENTRY + ", [" + BELL + "+" + Doorbell.TAG * Wire.WORD_BYTES + "]");
        out.ins("cvt.u32.u64 " + w0 + ", " + ENTRY);
        out.ins("setp.ne.u32 " + p + ", " + w0 + ", " + LAST);
        out.when(p, "bra " + SEEN);
        out.ins("add.u32 " + MegakernelPtx.IDLE + ", " + MegakernelPtx.IDLE + ", 1");
        out.ins("and.b32 " + t0 + ", " + MegakernelPtx.IDLE + ", " + (MegakernelPtx.SHUTDOWN_POLL_INTERVAL - 1));
        out.ins("setp.ne.u32 " + p + ", " + t0 + ", 0");
        out.when(p, "bra " + WATCH);
        out.comment("every " + MegakernelPtx.SHUTDOWN_POLL_INTERVAL + "th idle poll: on SHUTDOWN stop the runner and "
                + "exit (the ring workers drain what is published)");
        out.ins("ld.acquire.sys.global.u32 " + t0 + ", [" + MegakernelPtx.CTL + "+"
                + ControlLayout.SHUTDOWN * Wire.WORD_BYTES + "]");
        out.ins("setp.eq.u32 " + p + ", " + t0 + ", 0");
        out.when(p, "bra " + WATCH);
        out.ins("mov.u64 " + ENTRY + ", " + Integer.toUnsignedLong(EXIT_TAG));
        out.ins("st.release.cta.global.u64 [" + MAIL + "], " + ENTRY);
        out.ins("bra " + MegakernelPtx.EXIT);
        out.label(SEEN);
        out.comment("release at CTA scope: the runner's acquire of the mailbox then orders its ring reads after the "
                + "host's writes, which this watcher's acquire of the doorbell saw");
        out.ins("mov.u32 " + LAST + ", " + w0);
        out.ins("st.release.cta.global.u64 [" + MAIL + "], " + ENTRY);
        out.ins("bra " + WATCH);

        out.section("doorbell runner: spins on its block's " + WATCHERS_PER_BLOCK + " mailboxes (L1) and runs each new "
                + "entry once, through the slot's claim word");
        out.label(RUN_START);
        out.ins("mul.wide.u32 " + MAIL + ", " + MegakernelPtx.SLOTS + ", " + CLAIM_BYTES);
        out.ins("add.u64 " + MAIL + ", " + MAIL + ", " + CLAIMS);
        out.ins("mul.wide.u32 " + CLAIM_AT + ", " + INDEX + ", " + WATCHERS_PER_BLOCK * MAILBOX_BYTES);
        out.ins("add.u64 " + MAIL + ", " + MAIL + ", " + CLAIM_AT);
        out.ins("mov.u32 " + LAST + ", " + PtxBuilder.u32(Doorbell.NONE));
        for (int j = 0; j < WATCHERS_PER_BLOCK; j++) {
            out.ins("mov.u32 " + seen(j) + ", " + PtxBuilder.u32(Doorbell.NONE));
        }
        out.label(POLL);
        for (int j = 0; j < WATCHERS_PER_BLOCK; j++) {
            out.ins("ld.acquire.cta.global.u64 " + ENTRY + ", [" + MAIL + "+" + j * MAILBOX_BYTES + "]");
            out.ins("cvt.u32.u64 " + w0 + ", " + ENTRY);
            out.ins("setp.ne.u32 " + p + ", " + w0 + ", " + seen(j));
            out.when(p, "mov.u32 " + seen(j) + ", " + w0);
            out.when(p, "bra " + HIT);
        }
        out.ins("bra " + POLL);
        out.label(HIT);
        out.ins("setp.eq.u32 " + p + ", " + w0 + ", " + PtxBuilder.u32(EXIT_TAG));
        out.when(p, "bra " + MegakernelPtx.EXIT);
        out.comment("another watcher's copy of the entry this runner ran last");
        out.ins("setp.eq.u32 " + p + ", " + w0 + ", " + LAST);
        out.when(p, "bra " + POLL);
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
