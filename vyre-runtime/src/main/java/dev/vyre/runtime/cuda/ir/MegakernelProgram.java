package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.runtime.cuda.ir.Ir.and;
import static dev.vyre.runtime.cuda.ir.Ir.atomicAdd;
import static dev.vyre.runtime.cuda.ir.Ir.bitSet;
import static dev.vyre.runtime.cuda.ir.Ir.chain;
import static dev.vyre.runtime.cuda.ir.Ir.concat;
import static dev.vyre.runtime.cuda.ir.Ir.eq;
import static dev.vyre.runtime.cuda.ir.Ir.let;
import static dev.vyre.runtime.cuda.ir.Ir.ne;
import static dev.vyre.runtime.cuda.ir.Ir.nodes;
import static dev.vyre.runtime.cuda.ir.Ir.not;
import static dev.vyre.runtime.cuda.ir.Ir.or;
import static dev.vyre.runtime.cuda.ir.Ir.select;
import static dev.vyre.runtime.cuda.ir.Ir.set;
import static dev.vyre.runtime.cuda.ir.Ir.store;
import static dev.vyre.runtime.cuda.ir.Ir.sub;
import static dev.vyre.runtime.cuda.ir.Ir.when;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.cuda.CudaBackendException;
import dev.vyre.runtime.cuda.MegakernelPtx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the persistent megakernel as a VIR0 {@link Program} (docs/MEGAKERNEL-CUDA.md, "The IR-built kernel"): the
 * hand-written {@link MegakernelPtx}'s THREAD kernel without doorbell, as a program the PTX emitter lowers. Invocation
 * {@code w < workers} is worker w and owns slots {@code w, w + W, ...} (the only device owner of each); it loops
 * forever: polls its slot's first four words (one acquire load, system scope), and on PUBLISHED stores CLAIMED,
 * reads the arguments, checks the opcode's permission bit against the tenant's mask (read once at start), runs the
 * built-in, and completes: FAULT_CODE and FAULT_DETAIL on a fault, STATUS DONE or FAULT with release, DONE_COUNT += 1
 * with release (a permitted NOP, which wrote nothing, stores and counts relaxed). An idle poll
 * sleeps (doubling from the minimum to the maximum) and, every {@link #SHUTDOWN_POLL_INTERVAL}th, reads SHUTDOWN:
 * set, and the slot re-read after it not published, the worker returns.
 *
 * <p>Slot outcomes, control words, debug records are the CPU backend's ({@link
 * dev.vyre.runtime.exec.SlotExecutor}): DFA_STEP, LOAD_MISS and VM_EXEC fault UNKNOWN_OPCODE (as on the CPU without
 * automata or a VM registry); single-invocation user handlers are inlined into the dispatch ({@link HandlerFusion},
 * {@link HandlerNodes}), cooperative ones are refused; with {@link Options#confined()} every slot is confined to its
 * tenant's window ({@link ConfinementNodes}).
 *
 * <p>Buffers: {@value #CONTROL}, {@value #RING} and {@value #DEBUG}, all U32, sized by the caller and mapped host
 * memory ({@link SystemMemory}), and ordered aliases of them that the caller binds to the same memory
 * ({@link #memoryOf}), and, where a handler reads the data region, views of {@value #DATA}; the program runs in
 * workgroups of {@link #WORKGROUP} invocations.
 */
public final class MegakernelProgram {
    /** The control block buffer. */
    public static final String CONTROL = "control";
    /** The ring buffer (slot s is words 16s..16s+15). */
    public static final String RING = "ring";
    /** The debug log buffer: the header and exactly its capacity of records. */
    public static final String DEBUG = "debug";
    /**
     * The data region ({@link dev.vyre.runtime.RingBuffers#data()}), relaxed, mapped: declared only where a handler
     * reads it, as U32 ({@value #DATA}) and/or Bytes ({@code data_bytes}), both bound to this memory.
     */
    public static final String DATA = "data";
    /** The ring again, with acquire loads (the poll). */
    public static final String RING_ACQUIRE = "ring_acquire";
    /** The ring again, with release stores (STATUS at completion). */
    public static final String RING_RELEASE = "ring_release";
    /** The control block again, with release stores and atomics (DONE_COUNT, SHUTDOWN). */
    public static final String CONTROL_RELEASE = "control_release";
    /** The debug log again, with release atomics (COMMITTED). */
    public static final String DEBUG_RELEASE = "debug_release";
    /** With doorbell pollers: the memory of the host's doorbell line ({@link dev.vyre.runtime.Doorbell}). */
    public static final String DOORBELL_MEMORY = DoorbellNodes.DOORBELL;
    /** With doorbell pollers: the memory of the claim words (device memory, one zeroed u32 per slot). */
    public static final String CLAIMS_MEMORY = DoorbellNodes.CLAIMS;
    /**
     * With confined tenants ({@link Options#confined()}): the memory of the tenant window table (device memory,
     * {@link dev.vyre.runtime.cuda.TenantWindows#table}, written before the launch).
     */
    public static final String WINDOWS_MEMORY = ConfinementNodes.WINDOWS;
    /** Every buffer of the program, in binding order, with the memory it is bound to. */
    private static final Map<String, String> MEMORY = new LinkedHashMap<>();

    static {
        MEMORY.put(CONTROL, CONTROL);
        MEMORY.put(RING, RING);
        MEMORY.put(DEBUG, DEBUG);
        MEMORY.put(RING_ACQUIRE, RING);
        MEMORY.put(RING_RELEASE, RING);
        MEMORY.put(CONTROL_RELEASE, CONTROL);
        MEMORY.put(DEBUG_RELEASE, DEBUG);
        // only with doorbell pollers (DoorbellNodes)
        MEMORY.put(DoorbellNodes.DOORBELL, DoorbellNodes.DOORBELL);
        MEMORY.put(DoorbellNodes.CLAIMS, DoorbellNodes.CLAIMS);
        MEMORY.put(DoorbellNodes.CLAIMS_RELEASE, DoorbellNodes.CLAIMS);
    }

    /** Invocations per workgroup. */
    public static final int WORKGROUP = dev.vyre.runtime.cuda.WorkerShape.BLOCK_THREADS;
    /** An idle worker reads SHUTDOWN once per this many empty polls (a power of two), as the hand-written kernel. */
    public static final int SHUTDOWN_POLL_INTERVAL = 64;
    /** The fault code variable (0: no fault). */
    static final String FCODE = "fcode";
    /** The fault detail variable. */
    static final String FDETAIL = "fdetail";
    /** Permission bit value for "no bit" (UNKNOWN_OPCODE). */
    private static final int NO_BIT = -1;
    private static final String SLOT = "slot";
    private static final String SP = "sp";
    private static final String SLEEP = "sleep";
    private static final String IDLE = "idle";
    private static final String PENDING = "pending";
    private static final String RETRY = "retry";
    private static final String SLOTS = "slots";
    private static final String CONTROL_WORDS = "control_words";
    private static final String CAPACITY = "debug_capacity";
    private static final String MASK = "mask";
    /** Slot words 0..3 from the poll: STATUS, OPCODE, TENANT, PRIORITY. */
    private static final String[] HEAD = {"status", "opcode", "tenant", "priority"};
    private static final String ARG = "arg";

    /**
     * What to build.
     *
     * @param workers         workers (invocations that run slots), 1.. ; they must divide the ring's slots
     * @param backoffMinNanos first idle sleep, 1..{@code backoffMaxNanos}
     * @param backoffMaxNanos longest idle sleep, at most {@link MegakernelPtx.Options#NANOSLEEP_MAX}
     * @param doorbellPollers doorbell pollers ({@link DoorbellNodes}), 0..{@link MegakernelPtx.Options#MAX_DOORBELL_POLLERS};
     *                        with any, the ring must be a power of two of at least 2 slots (the caller checks:
     *                        {@code DoorbellPtx.usablePollers}) and the doorbell and claim-word buffers are bound
     * @param confined        whether some tenant is confined: the program checks every slot against its tenant's
     *                        window ({@link ConfinementNodes}) and the window table ({@link #WINDOWS_MEMORY}) is bound
     */
    public record Options(int workers, int backoffMinNanos, int backoffMaxNanos, int doorbellPollers,
                          HandlerTable handlers, long handlerStepBudget, boolean confined) {
        public Options {
            if (workers < 1) {
                throw new CudaBackendException("IR megakernel with " + workers + " workers", "pass 1 or more "
                        + "workers");
            }
            MegakernelPtx.Options.checkBackoff(backoffMinNanos, backoffMaxNanos);
            MegakernelPtx.Options.checkDoorbell(doorbellPollers);
            if (handlers == null) {
                throw new CudaBackendException("IR megakernel handler table is null", "pass HandlerTable.empty()");
            }
            HandlerFusion.check(handlers, handlerStepBudget);
        }

        /** Options without doorbell pollers or user handlers. */
        public Options(int workers, int backoffMinNanos, int backoffMaxNanos) {
            this(workers, backoffMinNanos, backoffMaxNanos, 0);
        }

        /** Options with {@code doorbellPollers} pollers and no user handlers. */
        public Options(int workers, int backoffMinNanos, int backoffMaxNanos, int doorbellPollers) {
            this(workers, backoffMinNanos, backoffMaxNanos, doorbellPollers, HandlerTable.empty(),
                    dev.vyre.runtime.MegakernelConfig.DEFAULT_HANDLER_STEP_BUDGET, false);
        }

        /**
         * These options with {@code handlers} fused (single-invocation ones only), each run with
         * {@code stepBudget} steps (1..{@link HandlerFusion#MAX_BUDGET}).
         */
        public Options withHandlers(HandlerTable handlers, long stepBudget) {
            return new Options(workers, backoffMinNanos, backoffMaxNanos, doorbellPollers, handlers, stepBudget,
                    confined);
        }

        /** These options with tenant confinement ({@code confined}: some tenant is confined) or without. */
        public Options withConfinement(boolean confined) {
            return new Options(workers, backoffMinNanos, backoffMaxNanos, doorbellPollers, handlers,
                    handlerStepBudget, confined);
        }
    }

    private final Options options;
    private final BuiltinNodes builtins;

    /** The confinement's nodes, or null without confined tenants. */
    private final ConfinementNodes windows;

    /** The doorbell fast path's nodes, or null without pollers. */
    private final DoorbellNodes bell;

    private MegakernelProgram(Options options) {
        this.options = options;
        this.windows = options.confined() ? new ConfinementNodes(options.handlers().size() > 0) : null;
        this.builtins = new BuiltinNodes(CONTROL, DEBUG, DEBUG_RELEASE, CONTROL_WORDS, MASK, options.confined());
        this.bell = options.doorbellPollers() == 0 ? null : new DoorbellNodes(options.doorbellPollers(),
                options.workers(), SLOT, SP, SLOTS, IDLE);
    }

    /** The program for {@code options}. */
    public static Program build(Options options) {
        if (options == null) {
            throw new CudaBackendException("IR megakernel options are null", "pass MegakernelProgram.Options");
        }
        return new MegakernelProgram(options).program();
    }

    /** Workgroups to dispatch for {@code workers} workers. */
    public static int workgroups(int workers) {
        return (workers + WORKGROUP - 1) / WORKGROUP;
    }

    /** Workgroups to dispatch for {@code options}: the workers', then one per doorbell poller. */
    public static int workgroups(Options options) {
        return workgroups(options.workers()) + options.doorbellPollers();
    }

    /**
     * The memory buffer {@code buffer} is bound to: {@link #CONTROL}, {@link #RING}, {@link #DEBUG} or {@link #DATA}
     * (each ordered alias is bound to the same memory as its plain name, the Bytes view of the data region to it).
     */
    public static String memoryOf(String buffer) {
        String memory = HandlerFusion.DATA_BUFFERS.containsKey(buffer) ? DATA
                : buffer.equals(WINDOWS_MEMORY) ? WINDOWS_MEMORY : MEMORY.get(buffer);
        if (memory == null) {
            throw new IllegalArgumentException("the IR megakernel has no buffer " + buffer);
        }
        return memory;
    }

    /**
     * Buffers: the three memories, relaxed, then ordered aliases of them (bound to the same memory by the caller):
     * the ring with acquire loads for the poll, the ring with release stores for STATUS, the control block and the
     * debug log with release stores and atomics. So the kernel's orderings are those of {@link MegakernelPtx}:
     * {@code ld.acquire.sys} polls, {@code st.release.sys} of STATUS, release DONE_COUNT and COMMITTED increments.
     */
    private Program program() {
        List<BufferDecl> buffers = new ArrayList<>();
        List<SystemMemory.Mapped> mapped = new ArrayList<>();
        for (String name : MEMORY.keySet()) {
            if (bell == null && DoorbellNodes.BUFFERS.contains(name)) {
                continue;
            }
            buffers.add(BufferDecl.of(name, buffers.size(), BufferAccess.READ_WRITE, ScalarType.U32, 0, true));
            int mode = DoorbellNodes.BUFFERS.contains(name) ? DoorbellNodes.mode(name)
                    : name.equals(RING_ACQUIRE) ? SystemMemory.ACQUIRE
                    : name.endsWith("_release") ? SystemMemory.RELEASE : 0;
            mapped.add(new SystemMemory.Mapped(name, mode));
        }
        for (Map.Entry<String, ScalarType> data : HandlerFusion.dataBuffers(options.handlers()).entrySet()) {
            buffers.add(BufferDecl.of(data.getKey(), buffers.size(), BufferAccess.READ_WRITE, data.getValue(), 0,
                    true));
            mapped.add(new SystemMemory.Mapped(data.getKey(), 0));
        }
        if (windows != null) {
            buffers.add(ConfinementNodes.buffer(buffers.size()));
        }
        return new Program(0, "vyre.megakernel", Program.WorkgroupSize.of(WORKGROUP), buffers, new TreeMap<>(),
                List.of(SystemMemory.declareModes(mapped)), body());
    }

    private List<Node> body() {
        List<Node> body = new ArrayList<>();
        body.add(let("worker", new Expr.InvocationId(0)));
        if (bell == null) {
            body.add(when(bin(BinaryOp.GE, var("worker"), u32(options.workers())), nodes(new Node.Return())));
        } else {
            body.addAll(bell.identity("worker"));
        }
        body.add(let(SLOTS, bin(BinaryOp.SHR, new Expr.BufLen(RING), u32(Integer.numberOfTrailingZeros(
                SlotLayout.SLOT_WORDS)))));
        body.add(let(CONTROL_WORDS, new Expr.BufLen(CONTROL)));
        body.add(let(CAPACITY, bin(BinaryOp.DIV, bin(BinaryOp.SATURATING_SUB, new Expr.BufLen(DEBUG),
                u32(DebugLogLayout.HEADER_WORDS)), u32(DebugLogLayout.RECORD_WORDS))));
        for (int t = 0; t < Permissions.TENANTS; t++) {
            body.add(let(maskName(t), load(CONTROL, u32(ControlLayout.TENANT_BASE + t))));
        }
        if (windows != null) {
            body.addAll(windows.start());
        }
        body.add(let(SLOT, var("worker")));
        body.add(let(SLEEP, u32(options.backoffMinNanos())));
        body.add(let(IDLE, u32(0)));
        body.add(let(PENDING, new Expr.LitBool(false)));
        if (bell != null) {
            body.addAll(bell.setup());
        }
        body.add(new Node.Loop(bell == null ? iteration() : doorbellIteration()));
        return body;
    }

    private static String maskName(int tenant) {
        return "mask" + tenant;
    }

    /** One turn of a worker's loop: poll, then run the slot or idle. */
    private List<Node> iteration() {
        List<Node> turn = new ArrayList<>();
        turn.add(let(SP, bin(BinaryOp.MUL, var(SLOT), u32(SlotLayout.SLOT_WORDS))));
        // the acquire load orders the argument loads after the host's writes of the slot (as MegakernelPtx's poll)
        turn.addAll(quad(RING_ACQUIRE, HEAD, SP));
        turn.add(when(or(eq(var(HEAD[SlotLayout.STATUS]), u32(SlotState.PUBLISHED.wire())), var(PENDING)), runSlot(),
                idle()));
        return turn;
    }

    /**
     * One turn with doorbell pollers ({@link DoorbellNodes}): the slot's first words from the ring (a pending retry,
     * or a ring worker whose claim word holds its key) or from the doorbell (a poller's won claim), then the slot
     * runs with the code of {@link #iteration()}, a ring worker moves past a slot a poller has, or it idles.
     */
    private List<Node> doorbellIteration() {
        List<Node> turn = new ArrayList<>();
        turn.add(let(SP, bin(BinaryOp.MUL, var(SLOT), u32(SlotLayout.SLOT_WORDS))));
        for (String word : HEAD) {
            turn.add(let(word, u32(0)));
        }
        turn.add(let(DoorbellNodes.SKIP, new Expr.LitBool(false)));
        String status = HEAD[SlotLayout.STATUS];
        turn.add(when(var(PENDING), ringPoll("pending_"), nodes(when(var(DoorbellNodes.IS_POLLER),
                bell.pollerTurn(status, HEAD[SlotLayout.OPCODE], HEAD[SlotLayout.TENANT]),
                bell.ringTurn(ringPoll("polled_"), status)))));
        turn.add(when(var(DoorbellNodes.SKIP), advance(), nodes(when(or(eq(var(status),
                u32(SlotState.PUBLISHED.wire())), var(PENDING)), runSlot(),
                nodes(when(not(var(DoorbellNodes.IS_POLLER)), idle()))))));
        return turn;
    }

    /** The slot's first four words from the ring (one acquire load) into the turn's {@link #HEAD} variables. */
    private static List<Node> ringPoll(String prefix) {
        String[] words = new String[HEAD.length];
        List<Node> assign = new ArrayList<>();
        for (int k = 0; k < HEAD.length; k++) {
            words[k] = prefix + HEAD[k];
            assign.add(set(HEAD[k], var(words[k])));
        }
        return concat(quad(RING_ACQUIRE, words, SP), assign);
    }

    /** Four Lets of consecutive words of {@code ring} from {@code index} (one 16-byte load on the GPU). */
    private static List<Node> quad(String ring, String[] names, String index) {
        List<Node> lets = new ArrayList<>();
        for (int k = 0; k < names.length; k++) {
            lets.add(let(names[k], load(ring, k == 0 ? var(index) : add(var(index), u32(k)))));
        }
        return lets;
    }

    /** The claim, permission check, dispatch and completion of a published (or pending) slot. */
    private List<Node> runSlot() {
        Expr op = var(HEAD[SlotLayout.OPCODE]);
        List<Node> run = new ArrayList<>();
        run.add(when(not(var(PENDING)), nodes(store(RING, var(SP), u32(SlotState.CLAIMED.wire())))));
        run.add(let(MASK, tenantMask(var(HEAD[SlotLayout.TENANT]))));
        if (windows != null) {
            run.addAll(windows.window(var(HEAD[SlotLayout.TENANT])));
        }
        run.add(let("bit", permissionBit(op)));
        run.add(let(FCODE, select(eq(var("bit"), u32(NO_BIT)), u32(FaultCode.UNKNOWN_OPCODE.wire()),
                select(bitSet(var(MASK), var("bit")), u32(0), u32(FaultCode.OPCODE_NOT_PERMITTED.wire())))));
        run.add(let(FDETAIL, u32(0)));
        run.add(let(RETRY, new Expr.LitBool(false)));
        run.add(let("nop", and(eq(var(FCODE), u32(0)), eq(op, u32(Opcodes.NOP)))));
        run.add(when(and(eq(var(FCODE), u32(0)), not(var("nop"))), execute(op)));
        run.add(when(var(RETRY), nodes(set(PENDING, new Expr.LitBool(true))), complete()));
        return run;
    }

    /** {@code control[TENANT_BASE + tenant]} as read at start; 0 (nothing permitted) for a TENANT word past them. */
    private static Expr tenantMask(Expr tenant) {
        Expr mask = u32(Permissions.NONE);
        for (int t = Permissions.TENANTS - 1; t >= 0; t--) {
            mask = select(eq(tenant, u32(t)), var(maskName(t)), mask);
        }
        return mask;
    }

    /** The opcode's permission bit ({@link Permissions#systemBit}, a user handler's), or {@link #NO_BIT}. */
    private Expr permissionBit(Expr op) {
        Expr bit = HandlerFusion.permissionBit(options.handlers(), op, u32(NO_BIT));
        for (int system : new int[] {Opcodes.SHUTDOWN, Opcodes.VM_EXEC, Opcodes.PACKED_SLOT, Opcodes.PRINTF,
                Opcodes.LOAD_MISS}) {
            bit = select(eq(op, u32(system)), u32(Permissions.systemBit(system)), bit);
        }
        return select(bin(BinaryOp.LE, op, u32(Opcodes.LAST_LOW_BUILTIN)), op, bit);
    }

    /** The arguments (three 16-byte loads), then the opcode's body. */
    private List<Node> execute(Expr op) {
        List<String> args = BuiltinNodes.argNames(ARG);
        List<Node> run = new ArrayList<>();
        for (int first = 0; first < SlotLayout.ARGS_PER_SLOT; first += 4) {
            String index = "args" + first;
            run.add(let(index, add(var(SP), u32(SlotLayout.ARG0 + first))));
            run.addAll(quad(RING, args.subList(first, first + 4).toArray(String[]::new), index));
        }
        Expr a0 = var(args.get(0));
        Expr a1 = var(args.get(1));
        Expr a2 = var(args.get(2));
        int[] others = {Opcodes.PRINTF, Opcodes.PACKED_SLOT, Opcodes.SHUTDOWN};
        List<Node> unknown = nodes(BuiltinNodes.failUnless(new Expr.LitBool(false), FaultCode.UNKNOWN_OPCODE,
                u32(0)));
        List<Node> dispatch = chain(op, others, system -> switch (system) {
            case Opcodes.PRINTF -> builtins.printf(a0, a1, a2, var(SP), CAPACITY, RETRY);
            case Opcodes.PACKED_SLOT -> builtins.packed(args);
            default -> nodes(store(CONTROL_RELEASE, u32(ControlLayout.SHUTDOWN), u32(1)));
        }, HandlerFusion.dispatch(options, op, args, SP, CONTROL_WORDS, windows, unknown));
        // DFA_STEP, LOAD_MISS and VM_EXEC have permission bits but no executor here: UNKNOWN_OPCODE, as on the CPU
        // backend without automata or a VM registry
        run.addAll(chain(op, BuiltinNodes.PACKABLE, builtin -> builtins.simple(builtin, a0, a1, a2), dispatch));
        return run;
    }

    /** FAULT words, STATUS and DONE_COUNT, then this worker's next slot with the backoff reset. */
    private List<Node> complete() {
        Expr faulted = ne(var(FCODE), u32(0));
        List<Node> fault = nodes(store(RING, add(var(SP), u32(SlotLayout.FAULT_CODE)), var(FCODE)),
                store(RING, add(var(SP), u32(SlotLayout.FAULT_DETAIL)), var(FDETAIL)));
        Expr status = select(faulted, u32(SlotState.FAULT.wire()), u32(SlotState.DONE.wire()));
        // a NOP wrote nothing that a release would have to order: relaxed stores, no fence (as MegakernelPtx)
        List<Node> relaxed = nodes(store(RING, var(SP), u32(SlotState.DONE.wire())),
                let("counted", atomicAdd(CONTROL, u32(ControlLayout.DONE_COUNT), u32(1))));
        List<Node> released = nodes(store(RING_RELEASE, var(SP), status),
                let("released", atomicAdd(CONTROL_RELEASE, u32(ControlLayout.DONE_COUNT), u32(1))));
        return concat(nodes(when(faulted, fault), when(var("nop"), relaxed, released)),
                bell == null ? List.of() : bell.finish(),
                nodes(set(PENDING, new Expr.LitBool(false)), set(SLEEP, u32(options.backoffMinNanos()))),
                advance());
    }

    private List<Node> advance() {
        List<Node> wrap = concat(nodes(set(SLOT, sub(var(SLOT), var(SLOTS)))),
                bell == null ? List.of() : bell.nextLap());
        return nodes(set(SLOT, add(var(SLOT), u32(options.workers()))),
                when(bin(BinaryOp.GE, var(SLOT), var(SLOTS)), wrap));
    }

    /**
     * Nothing to run: every {@link #SHUTDOWN_POLL_INTERVAL}th idle poll reads SHUTDOWN; set, and the slot re-read
     * after it (behind an acquire fence) not published, the worker returns; published, it polls again at once (and
     * claims it); otherwise it sleeps, doubling the sleep up to the maximum.
     */
    private List<Node> idle() {
        List<Node> drained = nodes(SystemMemory.fence(SystemMemory.Ordering.ACQ_REL),
                let("again", load(RING_ACQUIRE, var(SP))),
                when(ne(var("again"), u32(SlotState.PUBLISHED.wire())), nodes(new Node.Return()),
                        nodes(set("wake", new Expr.LitBool(true)))));
        List<Node> shutdown = nodes(let("shutdown", load(CONTROL, u32(ControlLayout.SHUTDOWN))),
                when(ne(var("shutdown"), u32(0)), drained));
        return nodes(set(IDLE, add(var(IDLE), u32(1))),
                let("wake", new Expr.LitBool(false)),
                when(eq(bin(BinaryOp.BIT_AND, var(IDLE), u32(SHUTDOWN_POLL_INTERVAL - 1)), u32(0)), shutdown),
                when(not(var("wake")), nodes(SystemMemory.sleep(SLEEP), set(SLEEP, bin(BinaryOp.MIN,
                        bin(BinaryOp.SHL, var(SLEEP), u32(1)), u32(options.backoffMaxNanos()))))));
    }
}
