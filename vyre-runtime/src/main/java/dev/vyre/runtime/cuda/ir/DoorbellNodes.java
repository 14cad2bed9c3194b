package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.runtime.cuda.ir.Ir.and;
import static dev.vyre.runtime.cuda.ir.Ir.cas;
import static dev.vyre.runtime.cuda.ir.Ir.concat;
import static dev.vyre.runtime.cuda.ir.Ir.eq;
import static dev.vyre.runtime.cuda.ir.Ir.let;
import static dev.vyre.runtime.cuda.ir.Ir.ne;
import static dev.vyre.runtime.cuda.ir.Ir.nodes;
import static dev.vyre.runtime.cuda.ir.Ir.not;
import static dev.vyre.runtime.cuda.ir.Ir.or;
import static dev.vyre.runtime.cuda.ir.Ir.set;
import static dev.vyre.runtime.cuda.ir.Ir.store;
import static dev.vyre.runtime.cuda.ir.Ir.sub;
import static dev.vyre.runtime.cuda.ir.Ir.when;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.SystemMemory;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Doorbell;
import dev.vyre.runtime.cuda.DoorbellPtx;
import java.util.List;
import java.util.Set;

/**
 * The doorbell fast path of the IR-built megakernel (docs/MEGAKERNEL-CUDA.md, "The IR-built kernel"), as VIR0 nodes
 * that {@link MegakernelProgram} puts into its program when {@link MegakernelProgram.Options#doorbellPollers()} is
 * above 0: the semantics of the hand-written {@link DoorbellPtx}, built as IR.
 *
 * <p>The dispatch has D more workgroups after the workers'; invocation 0 of each is a <em>doorbell poller</em> (the
 * others return at once). Poller d sleeps {@code d * SPAN_NANOS / D} ns, then polls the host's {@link Doorbell} line
 * d (each poller its own line) with one single-copy-atomic 8-byte acquire load ({@link SystemMemory#loadPair}: TAG and OPCODE together) and no
 * sleep; every {@link MegakernelProgram#SHUTDOWN_POLL_INTERVAL}th idle poll reads SHUTDOWN and returns when it is
 * set. On a new TAG it takes slot {@code seq & (N - 1)} and claims it through the slot's claim word; the winner runs
 * the slot with the ring workers' own claim, dispatch and completion code (OPCODE and TENANT from the doorbell, so a
 * NOP reads nothing from the ring).
 *
 * <p>Claim words ({@link #CLAIMS}: one U32 per slot, device memory zeroed before the launch; the system-memory mode
 * DEVICE makes their orderings {@code .gpu}): for the occupant of slot s in lap L the key is {@code K = L * N mod
 * 2^27}; the word holds K while it may be claimed, K + 1 while one runner holds it, K + N once it finished. Ring
 * workers and pollers claim with an acquire CAS (K to K + 1); the runner stores K + N with release after the STATUS
 * store ({@link #CLAIMS_RELEASE}). A ring worker reads its slot's claim word (acquire) before each poll of the ring:
 * its key, it polls and claims; ahead (a poller has or had the slot, or won the claim race), it moves on to its next
 * slot without reading the ring; behind (a poller still finishes the previous lap), it idles as for an unpublished
 * slot. "Ahead" and "behind" compare 27-bit differences, as {@link DoorbellPtx}.
 */
final class DoorbellNodes {
    /** The host's doorbell line (mapped, acquire loads). */
    static final String DOORBELL = "doorbell";
    /** The claim words (device memory: acquire loads and CAS at device scope). */
    static final String CLAIMS = "claims";
    /** The claim words again, with release stores at device scope (K + N after a completion). */
    static final String CLAIMS_RELEASE = "claims_release";
    /** The buffers only a kernel with pollers declares. */
    static final Set<String> BUFFERS = Set.of(DOORBELL, CLAIMS, CLAIMS_RELEASE);

    /** 1 on a poller. */
    static final String IS_POLLER = "bell_is";
    private static final String INDEX = "bell_index";
    /** The key of the slot this invocation waits on, claims or runs. */
    private static final String KEY = "bell_key";
    /** The last TAG the poller saw. */
    private static final String LAST = "bell_last";
    private static final String LOW = "bell_low";
    private static final String HIGH = "bell_high";
    /** A poller with a slot to claim whose previous lap is still finishing. */
    private static final String TRYING = "bell_trying";
    /** A ring worker that moves on without running its slot (a poller has or had it). */
    static final String SKIP = "bell_skip";
    private static final Expr KEY_MASK = u32(Doorbell.SEQ_MASK);
    /** The sign bit of a 27-bit difference: set when a claim word is behind a key. */
    private static final Expr SIGN = u32(1 << (Doorbell.SEQ_BITS - 1));

    private final int pollers;
    private final int workers;
    private final String slot;
    private final String sp;
    private final String slots;
    private final String idle;

    /**
     * @param pollers doorbell pollers, 1..8
     * @param workers the ring workers
     * @param slot    the variable of the slot an invocation looks at
     * @param sp      the variable of that slot's first word
     * @param slots   the variable holding the slot count
     * @param idle    the variable counting idle polls
     */
    DoorbellNodes(int pollers, int workers, String slot, String sp, String slots, String idle) {
        this.pollers = pollers;
        this.workers = workers;
        this.slot = slot;
        this.sp = sp;
        this.slots = slots;
        this.idle = idle;
    }

    /** The system-memory mode of one of {@link #BUFFERS}. */
    static int mode(String buffer) {
        return switch (buffer) {
            case DOORBELL -> SystemMemory.ACQUIRE;
            case CLAIMS -> SystemMemory.ACQUIRE | SystemMemory.DEVICE;
            case CLAIMS_RELEASE -> SystemMemory.RELEASE | SystemMemory.DEVICE;
            default -> throw new IllegalArgumentException("no doorbell buffer " + buffer);
        };
    }

    /**
     * Who runs: invocation {@code worker} below W is a ring worker; in workgroup {@code workerGroups + d} (d below
     * D) invocation 0 is poller d; every other invocation returns.
     */
    List<Node> identity(String worker) {
        int base = MegakernelProgram.workgroups(workers) * MegakernelProgram.WORKGROUP;
        Expr lane = bin(BinaryOp.BIT_AND, var(worker), u32(MegakernelProgram.WORKGROUP - 1));
        Expr extra = or(ne(lane, u32(0)), bin(BinaryOp.GE, var(INDEX), u32(pollers)));
        return nodes(let(IS_POLLER, bin(BinaryOp.GE, var(worker), u32(base))),
                let(INDEX, bin(BinaryOp.SHR, sub(var(worker), u32(base)),
                        u32(Integer.numberOfTrailingZeros(MegakernelProgram.WORKGROUP)))),
                when(or(and(var(IS_POLLER), extra), and(not(var(IS_POLLER)), bin(BinaryOp.GE, var(worker),
                        u32(workers)))), nodes(new Node.Return())));
    }

    /** Before the loop: the key of lap 0, the poller's state, and its staggered start. */
    List<Node> setup() {
        return nodes(let(KEY, u32(0)), let(LAST, u32(Doorbell.NONE)), let(LOW, u32(0)), let(HIGH, u32(0)),
                let(TRYING, new Expr.LitBool(false)),
                when(var(IS_POLLER), nodes(let("bell_stagger", bin(BinaryOp.MUL, var(INDEX),
                        u32(DoorbellPtx.SPAN_NANOS / pollers))), SystemMemory.sleep("bell_stagger"))));
    }

    /** {@code word} is ahead of the key: {@code word - key} is non-negative as a 27-bit number. */
    private static Expr ahead(Expr word) {
        return eq(bin(BinaryOp.BIT_AND, sub(word, var(KEY)), SIGN), u32(0));
    }

    /** {@code atom.acquire.gpu.cas(claim word, key, key + 1)}: the previous word. */
    private Expr claim() {
        return cas(CLAIMS, var(slot), var(KEY), add(var(KEY), u32(1)));
    }

    /**
     * A ring worker's look at its slot's claim word, then the ring poll ({@code poll}: Assigns of the slot's first
     * words) and, on PUBLISHED, the claim; a lost claim or a claim word ahead of the key sets {@link #SKIP}.
     */
    List<Node> ringTurn(List<Node> poll, String status) {
        List<Node> claim = nodes(let("bell_prev", claim()), when(ne(var("bell_prev"), var(KEY)), nodes(
                set(status, u32(SlotState.CLAIMED.wire())), set(SKIP, new Expr.LitBool(true)))));
        List<Node> atKey = concat(poll, nodes(when(eq(var(status), u32(SlotState.PUBLISHED.wire())), claim)));
        return nodes(let("bell_word", load(CLAIMS, var(slot))),
                when(eq(var("bell_word"), var(KEY)), atKey,
                        nodes(when(ahead(var("bell_word")), nodes(set(SKIP, new Expr.LitBool(true)))))));
    }

    /**
     * A poller's turn: unless it is still trying to claim, one 8-byte acquire load of the doorbell entry; a new TAG
     * names the slot and key to claim; no new TAG counts an idle poll (every
     * {@link MegakernelProgram#SHUTDOWN_POLL_INTERVAL}th reads SHUTDOWN and returns when set). Then the claim: won,
     * {@code status}, {@code opcode} and {@code tenant} become PUBLISHED and the doorbell's; ahead, it gives up;
     * behind, it sleeps {@link DoorbellPtx#BEHIND_SLEEP_NANOS} ns and tries again on its next turn.
     */
    List<Node> pollerTurn(String status, String opcode, String tenant) {
        List<Node> hit = nodes(set(LAST, var(LOW)),
                let("bell_seq", bin(BinaryOp.BIT_AND, var(LOW), KEY_MASK)),
                set(slot, bin(BinaryOp.BIT_AND, var("bell_seq"), sub(var(slots), u32(1)))),
                set(KEY, sub(var("bell_seq"), var(slot))),
                set(sp, bin(BinaryOp.MUL, var(slot), u32(dev.vyre.protocol.SlotLayout.SLOT_WORDS))),
                set(TRYING, new Expr.LitBool(true)));
        List<Node> shutdown = nodes(let("bell_shutdown", load(MegakernelProgram.CONTROL,
                        u32(ControlLayout.SHUTDOWN))),
                when(ne(var("bell_shutdown"), u32(0)), nodes(new Node.Return())));
        List<Node> quiet = nodes(set(idle, add(var(idle), u32(1))),
                when(eq(bin(BinaryOp.BIT_AND, var(idle), u32(MegakernelProgram.SHUTDOWN_POLL_INTERVAL - 1)), u32(0)),
                        shutdown));
        List<Node> poll = nodes(pollOwnLine(), when(ne(var(LOW), var(LAST)), hit, quiet));
        List<Node> won = nodes(set(TRYING, new Expr.LitBool(false)), set(status, u32(SlotState.PUBLISHED.wire())),
                set(opcode, var(HIGH)), set(tenant, bin(BinaryOp.SHR, var(LAST), u32(Doorbell.SEQ_BITS))));
        List<Node> lost = nodes(when(ahead(var("bell_got")), nodes(set(TRYING, new Expr.LitBool(false))),
                nodes(let("bell_pause", u32(DoorbellPtx.BEHIND_SLEEP_NANOS)), SystemMemory.sleep("bell_pause"))));
        return nodes(when(not(var(TRYING)), poll),
                when(var(TRYING), nodes(let("bell_got", claim()), when(eq(var("bell_got"), var(KEY)), won, lost))));
    }

    /**
     * Poller d's load of doorbell line d (the host writes the entry into every line, so that no two pollers' reads
     * queue on one host cache line: on the H100 that halved a poll's read, docs/MEGAKERNEL-CUDA.md, "Session 14"). A
     * pair load's index is a constant, so the lines are a chain of branches on the poller's index.
     */
    private Node pollOwnLine() {
        int lineWords = Doorbell.BYTES / Integer.BYTES;
        Node load = SystemMemory.loadPair(DOORBELL, Doorbell.TAG + (pollers - 1) * lineWords, LOW, HIGH);
        for (int d = pollers - 2; d >= 0; d--) {
            load = when(eq(var(INDEX), u32(d)), nodes(SystemMemory.loadPair(DOORBELL,
                    Doorbell.TAG + d * lineWords, LOW, HIGH)), nodes(load));
        }
        return load;
    }

    /** After a completion's STATUS store: the claim word becomes the next lap's key, with release. */
    List<Node> finish() {
        return nodes(store(CLAIMS_RELEASE, var(slot), bin(BinaryOp.BIT_AND, add(var(KEY), var(slots)), KEY_MASK)));
    }

    /** A ring worker that wrapped to slot 0..W-1 is in its next lap: its key grows by N. */
    List<Node> nextLap() {
        return nodes(set(KEY, bin(BinaryOp.BIT_AND, add(var(KEY), var(slots)), KEY_MASK)));
    }
}
