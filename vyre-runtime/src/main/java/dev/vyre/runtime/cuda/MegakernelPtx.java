package dev.vyre.runtime.cuda;

import static dev.vyre.runtime.cuda.PtxBuilder.u32;

import dev.vyre.cuda.ptx.FdlibmPtx;
import dev.vyre.cuda.ptx.PtxEmitException;
import dev.vyre.cuda.ptx.PtxEmitter;
import dev.vyre.cuda.ptx.PtxTarget;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.exec.SlotExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Generates the PTX of the persistent megakernel (docs/MEGAKERNEL-CUDA.md): one {@code .entry} whose workers poll
 * their ring slots in pinned, device-mapped host memory, claim published slots, check the tenant's permission
 * mask, run the built-in opcodes and the user handlers (each a {@code .func} from {@link PtxEmitter#emitHandler},
 * called on a per-worker scratch copy of the arguments) and publish DONE or FAULT. Every number in the text comes
 * from the protocol classes ({@link SlotLayout}, {@link ControlLayout}, {@link DebugLogLayout}, {@link Opcodes},
 * {@link FaultCode}, {@link SlotState}), {@link Permissions} and the handler ABI of {@link PtxEmitter}; nothing
 * is retyped.
 *
 * <p>Memory model: every access to the shared buffers is a {@code .sys}-scope operation on the {@code .global}
 * (mapped) address. STATUS is read with {@code ld.acquire.sys} and written with {@code st.release.sys}; other words
 * are {@code .relaxed.sys} loads and stores; read-modify-writes on control and debug-log words are {@code .sys}
 * atomics, which is sound because the host never writes those words while the kernel runs.
 */
public final class MegakernelPtx {
    /** Name of the kernel's {@code .entry}. */
    public static final String ENTRY = "vyre_megakernel";
    /** Register cap per thread ({@code .maxnreg}); {@link WorkerShape} sizes blocks so that all workers stay resident. */
    public static final int MAX_REGISTERS = 128;
    /** Where {@link Options#faultOpcode()} stores: in the unmapped first page of the device address space. */
    public static final long INJECTED_FAULT_ADDRESS = 0x10;
    /** Words of a worker's scratch that hold the handler's copy of one slot's ARG0..ARG11. */
    public static final int ARG_SCRATCH_WORDS = SlotLayout.ARGS_PER_SLOT;
    /**
     * Words of handler scratch per worker: the argument copy ({@link #ARG_SCRATCH_WORDS}), then (used only with
     * confined tenants, {@link ConfinementPtx}) two out-of-bounds counters, padded to a 16-byte multiple.
     */
    public static final int SCRATCH_WORDS_PER_WORKER = ARG_SCRATCH_WORDS + 4;
    /** Bytes of handler argument scratch per worker. */
    public static final int SCRATCH_BYTES_PER_WORKER = SCRATCH_WORDS_PER_WORKER * Wire.WORD_BYTES;

    /** Kernel parameters, in launch order. */
    public enum Param implements PtxBuilder.KernelParam {
        /** Device address of the control block. */
        CONTROL(".u64"),
        /** Words of the control block (160 + observables). */
        CONTROL_WORDS(".u32"),
        /** Device address of the ring. */
        RING(".u64"),
        /** Slots of the ring. */
        SLOT_COUNT(".u32"),
        /** Device address of the debug log (header, then records; 16-byte aligned). */
        DEBUG(".u64"),
        /** Record capacity of the debug log, as the host read it when it wrapped the log. */
        DEBUG_CAPACITY(".u32"),
        /** Workers; slot {@code s} belongs to worker {@code s % workers}. */
        WORKERS(".u32"),
        /**
         * Device address of the user handlers' argument scratch: {@link #SCRATCH_WORDS_PER_WORKER} words per worker
         * in device memory, 16-byte aligned (null, and unused, without handlers).
         */
        SCRATCH(".u64"),
        /** Step budget of one user-handler run, 1..0xFFFFFFFF (unused without handlers). */
        STEP_BUDGET(".u32"),
        /** Device address of the data region, which handlers may declare as {@code data} (null when it is empty). */
        DATA(".u64"),
        /** Bytes of the data region, 0..{@link dev.vyre.runtime.RingBuffers#MAX_DATA_BYTES}. */
        DATA_BYTES(".u32"),
        /** Device address of the automata blob ({@code DfaDeviceLayout}; null, and unused, without DFA_STEP). */
        DFA_BLOB(".u64"),
        /** Automata in the blob (0 without DFA_STEP). */
        DFA_COUNT(".u32"),
        /** Device address of DFA_STEP's descriptor tables in shared memory (null without DFA_STEP). */
        DFA_TABLES(".u64"),
        /**
         * Device address of the per-worker cursor words, one u32 per worker in shared memory (null, and unused,
         * without {@link Options#cursors()}): worker w starts at slot {@code cursors[w]} and stores there, with
         * release and before it commits a slot, the next slot it will visit (the isolated backend's restart point).
         */
        CURSORS(".u64"),
        /**
         * Device address of the VM tables ({@code dev.vyre.vm.VmTableLayout}) in shared memory (null, and unused,
         * without the interpreter).
         */
        VM_TABLES(".u64"),
        /**
         * Device address of the interpreter's scratch: {@link VmScratchLayout#WARP_BYTES} per worker in device
         * memory, 128-byte aligned (null, and unused, without the interpreter).
         */
        VM_SCRATCH(".u64"),
        /**
         * Device address of the doorbell line ({@link dev.vyre.runtime.Doorbell}, shared memory the host writes;
         * null, and unused, without doorbell pollers).
         */
        DOORBELL(".u64"),
        /**
         * Device address of the claim words: one u32 per ring slot in device memory, zeroed before the launch
         * ({@link #claimWords}; null, and unused, without doorbell pollers).
         */
        CLAIMS(".u64"),
        /**
         * Device address of the tenant window table ({@link TenantWindows}, device memory written before the launch;
         * null, and unused, without confined tenants).
         */
        WINDOWS(".u64");

        private final String type;

        Param(String type) {
            this.type = type;
        }

        /** The PTX type, {@code .u64} or {@code .u32}. */
        @Override
        public String type() {
            return type;
        }
    }

    /**
     * What to generate.
     *
     * @param target          the architecture ({@code .target})
     * @param shape           how workers map to threads
     * @param backoffMinNanos first idle sleep of a worker ({@code nanosleep}), 1..{@code backoffMaxNanos}
     * @param backoffMaxNanos longest idle sleep; the sleep doubles from the minimum on each empty poll and starts
     *                        over after every executed slot (at most 1 ms, the {@code nanosleep} bound)
     * @param handlers        the user handlers to fuse (they need sm_80 or newer: the PTX emitter's oldest target)
     * @param dfaStep         whether the kernel executes DFA_STEP ({@link DfaStepPtx}; the megakernel has automata):
     *                        without it DFA_STEP faults UNKNOWN_OPCODE
     * @param vm              whether the kernel executes VM_EXEC ({@link VmPtx}, the VIR0 bytecode interpreter; WARP
     *                        workers, sm_80 or newer): without it VM_EXEC faults UNKNOWN_OPCODE
     * @param cursors         whether workers start at and keep their cursor words ({@link Param#CURSORS}): the
     *                        isolated backend's child (docs/TENANTS.md); without it worker w starts at slot w
     * @param faultOpcode     test-only fault injection: a user opcode whose dispatch first stores to device address
     *                        {@link #INJECTED_FAULT_ADDRESS} (an illegal address that poisons the context), or 0
     * @param doorbellPollers device threads that poll the doorbell line besides the ring's workers, 0 (none, the
     *                        classic kernel) to {@link #MAX_DOORBELL_POLLERS}; with any, every claim of a slot goes
     *                        through its claim word (docs/MEGAKERNEL-CUDA.md, "Doorbell fast path"); not with
     *                        cooperative handlers, the interpreter or cursor words
     * @param confined        whether some tenant is confined ({@link ConfinementPtx}, {@link Param#WINDOWS}):
     *                        every slot is then checked against its tenant's window; without it the kernel has no
     *                        confinement code at all
     */
    public record Options(SmTarget target, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                          HandlerTable handlers, boolean dfaStep, boolean vm, boolean cursors, int faultOpcode,
                          int doorbellPollers, boolean confined) {
        /** Longest sleep {@code nanosleep} accepts. */
        public static final int NANOSLEEP_MAX = 1_000_000;
        /** Most doorbell pollers. */
        public static final int MAX_DOORBELL_POLLERS = 8;

        public Options {
            if (target == null || shape == null || handlers == null) {
                throw new CudaBackendException("megakernel PTX options need a target, a worker shape and a handler "
                        + "table", "pass an SmTarget, a WorkerShape and a HandlerTable (HandlerTable.empty() for "
                        + "none)");
            }
            checkBackoff(backoffMinNanos, backoffMaxNanos);
            if (faultOpcode != 0 && handlers.indexOf(faultOpcode) < 0) {
                throw new CudaBackendException("megakernel PTX options: the injected fault's opcode "
                        + Opcodes.name(faultOpcode) + " is not a registered user handler", "inject the fault into"
                        + " the opcode of a handler in the configuration");
            }
            if (handlers.anyCooperative() && shape.lanesPerWorker() != HandlerTable.COOPERATIVE_LANES) {
                throw new CudaBackendException("megakernel PTX options: cooperative (" + HandlerTable.COOPERATIVE_LANES
                        + "-lane) user handlers need a whole warp per worker, but the worker shape is " + shape,
                        "use WorkerShape.WARP (WorkerShape.forHandlers picks it) with cooperative handlers");
            }
            if (vm && shape.lanesPerWorker() != HandlerTable.COOPERATIVE_LANES) {
                throw new CudaBackendException("megakernel PTX options: the VIR0 bytecode interpreter (VM_EXEC) runs a"
                        + " workgroup on a whole warp, but the worker shape is " + shape,
                        "use WorkerShape.WARP with the interpreter");
            }
            if (vm && target.major() < 8) {
                throw new CudaBackendException("megakernel PTX options: the VIR0 bytecode interpreter needs sm_80 or "
                        + "newer (warp reductions), the target is " + target.smName(), "run VM_EXEC on the cpu "
                        + "backend, or use a GPU of compute capability 8.0 or newer");
            }
            checkDoorbell(doorbellPollers);
            if (doorbellPollers > 0 && (handlers.anyCooperative() || vm || cursors)) {
                throw new CudaBackendException("megakernel PTX options: doorbell pollers are single threads that run"
                        + " slots outside the ring workers, but " + (vm ? "the bytecode interpreter needs a whole warp"
                        : cursors ? "cursor words (the isolated backend) need every slot run by its ring worker"
                        : "cooperative user handlers need a whole warp per runner"), "use 0 doorbell pollers with "
                        + "cooperative handlers, the interpreter (VM_EXEC) or the isolated backend");
            }
        }

        /** Without confined tenants. */
        public Options(SmTarget target, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                       HandlerTable handlers, boolean dfaStep, boolean vm, boolean cursors, int faultOpcode,
                       int doorbellPollers) {
            this(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, vm, cursors, faultOpcode,
                    doorbellPollers, false);
        }

        /** Without the bytecode interpreter, cursor words, fault injection or doorbell pollers. */
        public Options(SmTarget target, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                       HandlerTable handlers, boolean dfaStep) {
            this(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, false, false, 0, 0);
        }

        /** No user handlers. */
        public Options(SmTarget target, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos) {
            this(target, shape, backoffMinNanos, backoffMaxNanos, HandlerTable.empty());
        }

        /** Without DFA_STEP. */
        public Options(SmTarget target, WorkerShape shape, int backoffMinNanos, int backoffMaxNanos,
                       HandlerTable handlers) {
            this(target, shape, backoffMinNanos, backoffMaxNanos, handlers, false);
        }

        /** These options with {@code table}'s user handlers fused into the dispatch. */
        public Options withHandlers(HandlerTable table) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, table, dfaStep, vm, cursors,
                    faultOpcode, doorbellPollers, confined);
        }

        /** These options with (or without) the DFA_STEP built-in. */
        public Options withDfaStep(boolean on) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, handlers, on, vm, cursors, faultOpcode,
                    doorbellPollers, confined);
        }

        /** These options with (or without) the VIR0 bytecode interpreter (VM_EXEC, {@link VmPtx}). */
        public Options withVm(boolean on) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, on, cursors,
                    faultOpcode, doorbellPollers, confined);
        }

        /** These options with (or without) per-worker cursor words ({@link Param#CURSORS}). */
        public Options withCursors(boolean on) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, vm, on, faultOpcode,
                    doorbellPollers, confined);
        }

        /**
         * Test-only: these options with slots of user opcode {@code opcode} (a registered handler's) storing to an
         * illegal device address before their handler runs; 0 for none.
         */
        public Options withInjectedFault(int opcode) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, vm, cursors, opcode,
                    doorbellPollers, confined);
        }

        /** These options with {@code pollers} doorbell pollers (0: none). */
        public Options withDoorbell(int pollers) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, vm, cursors,
                    faultOpcode, pollers, confined);
        }

        /** These options with (or without) tenant confinement ({@link ConfinementPtx}). */
        public Options withConfined(boolean on) {
            return new Options(target, shape, backoffMinNanos, backoffMaxNanos, handlers, dfaStep, vm, cursors,
                    faultOpcode, doorbellPollers, on);
        }

        /** Refuses a doorbell poller count outside 0..{@link #MAX_DOORBELL_POLLERS}. */
        public static void checkDoorbell(int pollers) {
            if (pollers < 0 || pollers > MAX_DOORBELL_POLLERS) {
                throw new CudaBackendException(pollers + " doorbell pollers", "pass 0 (no doorbell) to "
                        + MAX_DOORBELL_POLLERS);
            }
        }

        /** Refuses an idle backoff that is not a range within 1..{@link #NANOSLEEP_MAX} ns. */
        public static void checkBackoff(int minNanos, int maxNanos) {
            if (minNanos < 1 || maxNanos < minNanos || maxNanos > NANOSLEEP_MAX) {
                throw new CudaBackendException("worker backoff of " + minNanos + ".." + maxNanos + " ns is not a "
                        + "range within 1.." + NANOSLEEP_MAX + " ns", "pass 1 <= minimum <= maximum <= "
                        + NANOSLEEP_MAX);
            }
        }
    }

    // ---- registers ----------------------------------------------------------------------------------------
    static final String CTL = "%ctl";
    private static final String CTL_WORDS = "%ctl_words";
    private static final String CTL_WORDS64 = "%ctl_words64";
    static final String RING = "%ring";
    static final String SLOTS = "%slots";
    private static final String DBG = "%dbg";
    private static final String DBG_CAP = "%dbg_cap";
    static final String WORKERS = "%workers";
    static final String WORKER = "%worker";
    /** This worker's handler argument scratch. */
    private static final String SCRATCH = "%scratch";
    /** This worker's cursor word (with {@link Options#cursors()}). */
    private static final String CURS = "%curs";
    private static final String BUDGET = "%budget";
    static final String DATA = "%data";
    private static final String DATA_BYTES = "%data_bytes";
    /** A handler's returned status. */
    private static final String HSTATUS = "%hstatus";
    /** Index of the slot this worker waits on. */
    static final String SLOT = "%slot";
    /** Address of that slot. */
    static final String SP = "%sp";
    private static final String SLEEP = "%sleep";
    /** Idle polls since launch; SHUTDOWN is read on every {@link #SHUTDOWN_POLL_INTERVAL}th. */
    static final String IDLE = "%idle";
    /** An idle worker reads control[SHUTDOWN] once per this many empty polls (a power of two). */
    static final int SHUTDOWN_POLL_INTERVAL = 64;
    private static final String STATUS = "%status";
    private static final String BIT = "%bit";
    private static final String MASK = "%mask";
    static final String FCODE = "%fcode";
    static final String FDETAIL = "%fdetail";
    private static final String ADDR = "%addr";
    private static final String ADDR2 = "%addr2";
    static final String X0 = "%x0";
    static final String X1 = "%x1";
    static final String T0 = "%t0";
    static final String T1 = "%t1";
    static final String T2 = "%t2";
    static final String P = "%p0";
    private static final int SLOT_WORD_REGISTERS = SlotLayout.SLOT_WORDS;
    /** Largest u32, the saturation bound of out-of-range word details. */
    private static final String U32_MAX = "0xFFFFFFFF";

    // ---- labels -------------------------------------------------------------------------------------------
    private static final String POLL = "L_POLL";
    private static final String BACKOFF = "L_BACKOFF";
    private static final String CLAIM = "L_CLAIM";
    private static final String PERMIT = "L_PERMIT";
    private static final String NOT_PERMITTED = "L_NOT_PERMITTED";
    private static final String UNKNOWN = "L_UNKNOWN_OPCODE";
    private static final String OUT_OF_RANGE = "L_CONTROL_OUT_OF_RANGE";
    private static final String DONE = "L_DONE";
    /** Completion of a slot that wrote nothing (NOP): relaxed stores, no fence. */
    private static final String DONE_NOP = "L_DONE_NOP";
    private static final String FAULT = "L_FAULT";
    private static final String FINISH = "L_FINISH";
    static final String EXIT = "L_EXIT";
    private static final String NEXT = "L_NEXT";
    /** The step to this worker's next slot, without the backoff reset of a completion. */
    private static final String ADVANCE = "L_ADVANCE";
    /** A ring worker's poll that found nothing to run. */
    private static final String IDLE_POLL = "L_IDLE_POLL";
    private static final String ARGS_LOADED = "L_ARGS_LOADED";
    private static final String HANDLER_RESULT = "L_HANDLER_RESULT";
    private static final String HANDLER_OK = "L_HANDLER_OK";
    /** Lanes 1..31 of a worker with cooperative handlers wait here for lane 0's next command. */
    private static final String LANES_WAIT = "L_LANES_WAIT";
    /** Lane 0's exit with cooperative handlers: it tells the other lanes to exit first. */
    private static final String LANES_STOP = "L_LANES_STOP";
    /** The command lane 0 broadcasts to lanes 1..31: 0 exit, i + 1 call cooperative handler i. */
    private static final String LANE_CMD = "%lane_cmd";
    /** Member mask of a whole warp. */
    private static final String FULL_WARP = "0xFFFFFFFF";
    /** Prefix of the handler functions' names: handler {@code i} is {@code user_handler_<i>}. */
    static final String HANDLER_FUNC = "user_handler_";

    /** Sub-operations a PACKED_SLOT holds: sub-op k is ARG(4k)..ARG(4k+3). */
    private static final int PACKED_SUB_OPS = SlotExecutor.PACKED_SUB_OPS;
    /** Words per PACKED_SLOT sub-operation: opcode and three arguments. */
    private static final int PACKED_SUB_OP_WORDS = SlotExecutor.PACKED_SUB_OP_WORDS;
    /**
     * The built-ins with three arguments and a fixed body: exactly those a PACKED_SLOT may hold
     * ({@link SlotExecutor#packable}).
     */
    private static final int[] PACKABLE = IntStream.rangeClosed(Opcodes.NOP, Opcodes.LAST_LOW_BUILTIN)
            .filter(SlotExecutor::packable).toArray();
    /** System opcodes above the low built-ins that have a permission bit, in dispatch order. */
    private static final int[] HIGH_SYSTEM_OPCODES = {Opcodes.LOAD_MISS, Opcodes.PRINTF, Opcodes.PACKED_SLOT,
            Opcodes.VM_EXEC, Opcodes.SHUTDOWN};

    private final Options options;
    private final PtxBuilder out = new PtxBuilder();
    /** The DFA_STEP section, or null without it. */
    private final DfaStepPtx dfaStep;
    /** The bytecode interpreter section (VM_EXEC), or null without it. */
    private final VmPtx vm;
    /** The doorbell fast path, or null without doorbell pollers. */
    private final DoorbellPtx doorbell;
    /** Tenant confinement, or null without confined tenants. */
    private final ConfinementPtx confinement;

    private MegakernelPtx(Options options) {
        this.options = options;
        String[] args = IntStream.range(0, SlotLayout.ARGS_PER_SLOT).mapToObj(MegakernelPtx::arg)
                .toArray(String[]::new);
        this.dfaStep = options.dfaStep() ? new DfaStepPtx(out, args, SP, FCODE, FDETAIL, FAULT, DONE) : null;
        this.vm = options.vm() ? new VmPtx(out, new VmPtx.Frame(args, word(SlotLayout.TENANT), WORKER, SP, FCODE,
                FDETAIL, FAULT, DONE, LANES_WAIT)) : null;
        this.doorbell = options.doorbellPollers() > 0 ? new DoorbellPtx(out, options) : null;
        this.confinement = options.confined() ? new ConfinementPtx(out, options.handlers().size() > 0) : null;
    }

    /** The whole PTX module for {@code options}. */
    public static String generate(Options options) {
        if (options == null) {
            throw new CudaBackendException("megakernel PTX options are null", "pass MegakernelPtx.Options");
        }
        return new MegakernelPtx(options).module();
    }

    private String module() {
        out.raw("// vyre persistent megakernel (generated by " + MegakernelPtx.class.getName() + ")");
        out.raw("// workers: " + options.shape() + ", idle backoff " + options.backoffMinNanos() + ".."
                + options.backoffMaxNanos() + " ns, " + handlers().size() + " user handler(s)");
        out.raw(options.target().header());
        handlerFunctions();
        entry();
        return out.build();
    }

    /**
     * Whether every lane of a worker's warp stays: with cooperative handlers or the bytecode interpreter, lane 0
     * is the worker and lanes 1..31 wait for its commands ({@link #LANES_WAIT}).
     */
    private boolean cooperative() {
        return handlers().anyCooperative() || vm != null;
    }

    private HandlerTable handlers() {
        return options.handlers();
    }

    /**
     * The fdlibm functions the module calls, once (all of them with the interpreter, else those of the handlers),
     * then each user handler's {@code .func}, lowered by the PTX emitter, ahead of the entry that calls it.
     */
    private void handlerFunctions() {
        if (vm != null) {
            out.section("fdlibm functions (StrictMath, bit for bit) of the interpreter's transcendental opcodes and"
                    + " of the handlers: every one, once");
            out.raw(FdlibmPtx.definitions(VmOpsPtx.SUPPORT));
        }
        if (handlers().size() == 0) {
            return;
        }
        PtxTarget target;
        try {
            target = PtxTarget.forDevice(options.target().major(), options.target().minor());
        } catch (PtxEmitException e) {
            throw new CudaBackendException("cuda backend: " + handlers().size() + " user handler(s) registered, but "
                    + e.problem(), "run user handlers on BackendKind.CPU on this GPU, or use a GPU of compute "
                    + "capability 8.0 or newer", e);
        }
        List<String> functions = new ArrayList<>();
        for (int i = 0; i < handlers().size(); i++) {
            String who = "user handler " + Opcodes.name(handlers().opcode(i));
            try {
                functions.add(PtxEmitter.emitHandler(handlers().program(i), HANDLER_FUNC + i, target,
                        confinement != null));
            } catch (PtxEmitException e) {
                throw new CudaBackendException("cuda backend: " + who + " cannot be fused into the megakernel: "
                        + e.problem(), e.fix(), e);
            }
        }
        // every handler was lowered, so none is refused here
        String support = vm != null ? "" : PtxEmitter.emitSupport(IntStream.range(0, handlers().size())
                .mapToObj(handlers()::program).toList());
        if (!support.isEmpty()) {
            out.section("fdlibm functions the handlers call (StrictMath, bit for bit)");
            out.raw(support);
        }
        for (int i = 0; i < handlers().size(); i++) {
            out.section("user handler " + Opcodes.name(handlers().opcode(i)) + " (index " + i + ", permission bit "
                    + handlers().permissionBit(handlers().opcode(i)) + ")");
            out.raw(functions.get(i));
        }
    }

    private void entry() {
        out.entry(ENTRY, Param.values(), WorkerShape.BLOCK_THREADS, MAX_REGISTERS);
        declareRegisters();
        loadParams();
        workerIdentity();
        pollLoop();
        claim();
        permission();
        dispatch();
        for (int op : PACKABLE) {
            simpleBuiltin(op);
        }
        printf();
        packedSlot();
        shutdownOpcode();
        userHandlers();
        if (dfaStep != null) {
            dfaStep.emit();
        }
        vmExec();
        completion();
        if (doorbell != null) {
            doorbell.ringClaim(CLAIM, POLL);
            doorbell.pollers(CLAIM);
        }
        cooperativeLanes();
        out.label(EXIT);
        out.ins("ret");
        out.raw("}");
    }

    // ---- setup --------------------------------------------------------------------------------------------

    private void declareRegisters() {
        out.ins(".reg .u64 " + String.join(", ", CTL, CTL_WORDS64, RING, DBG, SP, ADDR, ADDR2, X0, X1));
        if (options.cursors()) {
            out.ins(".reg .u64 " + CURS);
        }
        out.ins(".reg .u32 " + String.join(", ", CTL_WORDS, SLOTS, DBG_CAP, WORKERS, WORKER, SLOT, SLEEP, IDLE, STATUS,
                BIT, MASK, FCODE, FDETAIL, T0, T1, T2));
        if (handlers().size() > 0) {
            out.ins(".reg .u64 " + SCRATCH + ", " + DATA);
            out.ins(".reg .u32 " + BUDGET + ", " + DATA_BYTES);
            out.ins(".reg .b32 " + HSTATUS);
        }
        if (cooperative()) {
            out.ins(".reg .b32 " + LANE_CMD);
        }
        out.comment("%w0..%w15: the claimed slot's words (STATUS, OPCODE, TENANT, PRIORITY, ARG0..ARG11)");
        out.ins(".reg .u32 %w<" + SLOT_WORD_REGISTERS + ">");
        out.comment("%m0..%m" + (Permissions.TENANTS - 1) + ": the tenants' permission masks, read at launch");
        out.ins(".reg .u32 %m<" + Permissions.TENANTS + ">");
        out.ins(".reg .pred " + P);
        if (dfaStep != null) {
            dfaStep.declare();
        }
        if (vm != null) {
            vm.declare();
        }
        if (doorbell != null) {
            doorbell.declare();
        }
        if (confinement != null) {
            confinement.declare();
        }
    }

    private void loadParams() {
        out.section("parameters");
        out.loadParam(Param.CONTROL, CTL);
        out.loadParam(Param.CONTROL_WORDS, CTL_WORDS);
        out.ins("cvt.u64.u32 " + CTL_WORDS64 + ", " + CTL_WORDS);
        out.loadParam(Param.RING, RING);
        out.loadParam(Param.SLOT_COUNT, SLOTS);
        out.loadParam(Param.DEBUG, DBG);
        out.loadParam(Param.DEBUG_CAPACITY, DBG_CAP);
        out.loadParam(Param.WORKERS, WORKERS);
        if (handlers().size() > 0) {
            out.loadParam(Param.SCRATCH, SCRATCH);
            out.ins("cvta.to.global.u64 " + SCRATCH + ", " + SCRATCH);
            out.loadParam(Param.STEP_BUDGET, BUDGET);
            out.loadParam(Param.DATA, DATA);
            out.loadParam(Param.DATA_BYTES, DATA_BYTES);
        }
        if (dfaStep != null) {
            dfaStep.loadParams();
        }
        if (options.cursors()) {
            out.loadParam(Param.CURSORS, CURS);
        }
        if (vm != null) {
            vm.loadParams();
        }
        if (doorbell != null) {
            doorbell.loadParams();
        }
        if (confinement != null) {
            confinement.loadParams();
        }
    }

    private void workerIdentity() {
        WorkerShape shape = options.shape();
        out.section("worker identity: worker w owns slots w, w+W, w+2W, ... and starts at slot w");
        if (doorbell != null) {
            doorbell.routeIdentity();
        }
        out.ins("mov.u32 " + T0 + ", %ctaid.x");
        out.ins("mov.u32 " + T1 + ", %ntid.x");
        out.ins("mov.u32 " + T2 + ", %tid.x");
        out.ins("mad.lo.u32 " + T0 + ", " + T0 + ", " + T1 + ", " + T2);
        if (shape.lanesPerWorker() > 1 && !cooperative()) {
            out.comment("only lane 0 of each group of " + shape.lanesPerWorker() + " threads is a worker");
            out.ins("and.b32 " + T1 + ", " + T0 + ", " + (shape.lanesPerWorker() - 1));
            out.ins("setp.ne.u32 " + P + ", " + T1 + ", 0");
            out.when(P, "bra " + EXIT);
        }
        out.ins("shr.u32 " + WORKER + ", " + T0 + ", " + shape.laneBits());
        out.ins("setp.ge.u32 " + P + ", " + WORKER + ", " + WORKERS);
        out.when(P, "bra " + EXIT);
        if (doorbell != null) {
            doorbell.commonIdentity();
        }
        out.comment("tenant permission masks, read once at launch (the host writes them before it launches)");
        for (int t = 0; t < Permissions.TENANTS; t++) {
            out.ins("ld.relaxed.sys.global.u32 " + maskRegister(t) + ", " + controlWord(ControlLayout.TENANT_BASE + t));
        }
        if (confinement != null) {
            confinement.launch();
        }
        if (options.cursors()) {
            out.comment("start at this worker's cursor word (the slot a restarted worker resumes at)");
            out.ins("mul.wide.u32 " + X0 + ", " + WORKER + ", " + Wire.WORD_BYTES);
            out.ins("add.u64 " + CURS + ", " + CURS + ", " + X0);
            out.ins("ld.relaxed.sys.global.u32 " + SLOT + ", [" + CURS + "]");
        } else {
            out.ins("mov.u32 " + SLOT + ", " + WORKER);
        }
        if (handlers().size() > 0) {
            out.comment("this worker's handler argument scratch: " + SCRATCH_WORDS_PER_WORKER + " words at worker * "
                    + SCRATCH_BYTES_PER_WORKER + " bytes");
            out.ins("mul.wide.u32 " + X0 + ", " + WORKER + ", " + SCRATCH_BYTES_PER_WORKER);
            out.ins("add.u64 " + SCRATCH + ", " + SCRATCH + ", " + X0);
            if (confinement != null) {
                confinement.counters(SCRATCH);
            }
        }
        out.ins("mov.u32 " + SLEEP + ", " + options.backoffMinNanos());
        out.ins("mov.u32 " + IDLE + ", 0");
        cooperativeLaneSplit();
        if (doorbell != null) {
            doorbell.leaveIdentity();
        }
    }

    // ---- polling ------------------------------------------------------------------------------------------

    private void pollLoop() {
        out.section("poll: wait for this worker's next slot, in ring order");
        out.label(POLL);
        out.ins("mul.wide.u32 " + SP + ", " + SLOT + ", " + SlotLayout.SLOT_BYTES);
        out.ins("add.u64 " + SP + ", " + SP + ", " + RING);
        if (doorbell != null) {
            doorbell.ringGate(ADVANCE, IDLE_POLL);
        }
        out.comment("poll the slot's first 16 bytes in one load (one PCIe read): STATUS, OPCODE, TENANT and PRIORITY");
        out.comment("arrive together, so a NOP needs no further read; the load's acquire orders the argument loads");
        out.comment("after the host's writes");
        out.ins("ld.acquire.sys.global.v4.u32 {" + word(0) + ", " + word(1) + ", " + word(2) + ", " + word(3) + "}, ["
                + SP + "+" + SlotLayout.STATUS * Wire.WORD_BYTES + "]");
        out.ins("mov.u32 " + STATUS + ", " + word(SlotLayout.STATUS));
        out.ins("setp.eq.u32 " + P + ", " + STATUS + ", " + SlotState.PUBLISHED.wire());
        out.when(P, "bra " + ringClaim());
        out.label(IDLE_POLL);
        out.comment("not published: look at SHUTDOWN only every " + SHUTDOWN_POLL_INTERVAL + "th idle poll, so an idle"
                + " poll costs one read, not two");
        out.ins("add.u32 " + IDLE + ", " + IDLE + ", 1");
        out.ins("and.b32 " + T0 + ", " + IDLE + ", " + (SHUTDOWN_POLL_INTERVAL - 1));
        out.ins("setp.ne.u32 " + P + ", " + T0 + ", 0");
        out.when(P, "bra " + BACKOFF);
        out.comment("exit only once SHUTDOWN is set and the slot, read again after it, is still not published, so");
        out.comment("that everything published before the shutdown runs first");
        out.ins("ld.acquire.sys.global.u32 " + T0 + ", " + controlWord(ControlLayout.SHUTDOWN));
        out.ins("setp.eq.u32 " + P + ", " + T0 + ", 0");
        out.when(P, "bra " + BACKOFF);
        out.ins("ld.acquire.sys.global.v4.u32 {" + word(0) + ", " + word(1) + ", " + word(2) + ", " + word(3) + "}, ["
                + SP + "+" + SlotLayout.STATUS * Wire.WORD_BYTES + "]");
        out.ins("mov.u32 " + STATUS + ", " + word(SlotLayout.STATUS));
        out.ins("setp.eq.u32 " + P + ", " + STATUS + ", " + SlotState.PUBLISHED.wire());
        out.when(P, "bra " + ringClaim());
        out.ins("bra " + (cooperative() ? LANES_STOP : EXIT));
        out.label(BACKOFF);
        out.comment("idle: sleep, doubling up to the bound; reset after each executed slot");
        out.ins("nanosleep.u32 " + SLEEP);
        out.ins("shl.b32 " + SLEEP + ", " + SLEEP + ", 1");
        out.ins("min.u32 " + SLEEP + ", " + SLEEP + ", " + options.backoffMaxNanos());
        out.ins("bra " + POLL);
    }

    /** Where a ring worker that saw PUBLISHED goes: the claim, through the claim word in doorbell mode. */
    private String ringClaim() {
        return doorbell != null ? DoorbellPtx.RING_CLAIM : CLAIM;
    }

    private void loadStatus() {
        out.ins("ld.acquire.sys.global.u32 " + STATUS + ", " + slotWord(SlotLayout.STATUS));
    }

    private void claim() {
        out.section("claim: this worker is the slot's only owner, so a plain store of CLAIMED suffices");
        out.label(CLAIM);
        out.ins("st.relaxed.sys.global.u32 " + slotWord(SlotLayout.STATUS) + ", " + SlotState.CLAIMED.wire());
        out.comment("the poll's acquire orders these after the host's writes of words 1..15");
        out.comment("words 0..3 came with the poll; a NOP takes no arguments and skips their read");
        out.ins("setp.eq.u32 " + P + ", " + word(SlotLayout.OPCODE) + ", " + Opcodes.NOP);
        out.when(P, "bra " + ARGS_LOADED);
        for (int w = SlotLayout.ARG0; w < SlotLayout.SLOT_WORDS; w += 4) {
            out.ins("ld.relaxed.sys.global.v4.u32 {" + word(w) + ", " + word(w + 1) + ", " + word(w + 2) + ", "
                    + word(w + 3) + "}, [" + SP + "+" + w * Wire.WORD_BYTES + "]");
        }
        out.label(ARGS_LOADED);
    }

    // ---- permission and dispatch --------------------------------------------------------------------------

    private void permission() {
        String op = word(SlotLayout.OPCODE);
        String tenant = word(SlotLayout.TENANT);
        out.section("permission: the opcode's bit (UNKNOWN_OPCODE when it has none), then the tenant's mask");
        out.ins("setp.le.u32 " + P + ", " + op + ", " + Opcodes.LAST_LOW_BUILTIN);
        out.when(P, "mov.u32 " + BIT + ", " + op);
        out.when(P, "bra " + PERMIT);
        for (int system : HIGH_SYSTEM_OPCODES) {
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + u32(system));
            out.when(P, "mov.u32 " + BIT + ", " + Permissions.systemBit(system));
            out.when(P, "bra " + PERMIT);
        }
        for (int i = 0; i < handlers().size(); i++) {
            int opcode = handlers().opcode(i);
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + u32(opcode));
            out.when(P, "mov.u32 " + BIT + ", " + handlers().permissionBit(opcode));
            out.when(P, "bra " + PERMIT);
        }
        out.comment("a system-range value that is no system opcode, or a user opcode without a handler");
        out.ins("bra " + UNKNOWN);
        out.label(PERMIT);
        out.comment("a TENANT word outside 0.." + (Permissions.TENANTS - 1) + " has no mask: nothing is permitted");
        out.ins("mov.u32 " + FDETAIL + ", 0");
        out.ins("setp.ge.u32 " + P + ", " + tenant + ", " + Permissions.TENANTS);
        out.when(P, "bra " + NOT_PERMITTED);
        out.comment("the tenant's mask from the snapshot taken at launch (no PCIe read per slot)");
        for (int t = 0; t < Permissions.TENANTS; t++) {
            out.ins("setp.eq.u32 " + P + ", " + tenant + ", " + t);
            out.when(P, "mov.u32 " + MASK + ", " + maskRegister(t));
        }
        requireBit(BIT, 0);
    }

    /**
     * Faults OPCODE_NOT_PERMITTED with {@code detail} unless bit {@code bit} (a register or an immediate) of the
     * tenant's mask is set.
     */
    private void requireBit(String bit, int detail) {
        out.ins("shr.b32 " + T0 + ", " + MASK + ", " + bit);
        out.ins("and.b32 " + T0 + ", " + T0 + ", 1");
        out.ins("setp.eq.u32 " + P + ", " + T0 + ", 0");
        out.when(P, "mov.u32 " + FDETAIL + ", " + detail);
        out.when(P, "bra " + NOT_PERMITTED);
    }

    private void dispatch() {
        String op = word(SlotLayout.OPCODE);
        out.section("dispatch");
        out.ins("setp.eq.u32 " + P + ", " + op + ", " + Opcodes.NOP);
        out.when(P, "bra " + DONE_NOP);
        if (confinement != null) {
            confinement.loadWindow(word(SlotLayout.TENANT));
        }
        for (int builtin : PACKABLE) {
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + builtin);
            out.when(P, "bra " + opLabel(builtin));
        }
        for (int system : new int[] {Opcodes.PRINTF, Opcodes.PACKED_SLOT, Opcodes.SHUTDOWN}) {
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + u32(system));
            out.when(P, "bra " + opLabel(system));
        }
        for (int i = 0; i < handlers().size(); i++) {
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + u32(handlers().opcode(i)));
            out.when(P, "bra " + handlerLabel(i));
        }
        if (dfaStep != null) {
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + Opcodes.DFA_STEP);
            out.when(P, "bra " + DfaStepPtx.LABEL);
        }
        if (vm != null) {
            out.ins("setp.eq.u32 " + P + ", " + op + ", " + u32(Opcodes.VM_EXEC));
            out.when(P, "bra " + opLabel(Opcodes.VM_EXEC));
        }
        out.comment("LOAD_MISS (and DFA_STEP without automata) have permission bits but no executor here");
        out.ins("bra " + UNKNOWN);
    }

    // ---- built-in opcodes ---------------------------------------------------------------------------------

    /** A built-in with its three arguments: every word it touches is checked before it has any effect. */
    private void simpleBuiltin(int op) {
        out.section(Opcodes.name(op));
        out.label(opLabel(op));
        check(op, arg(0), arg(1), arg(2));
        apply(op, arg(0), arg(1), arg(2), opLabel(op) + "_APPLY", DONE);
    }

    /**
     * Branches to CONTROL_OUT_OF_RANGE (detail: the first bad word index, as the CPU backend reports it) unless
     * every control word built-in {@code op} with arguments {@code a0..a2} touches lies in the block.
     */
    private void check(int op, String a0, String a1, String a2) {
        switch (op) {
            case Opcodes.STORE_U32, Opcodes.ATOMIC_ADD -> requireWord(a1, 0);
            case Opcodes.LOAD_U32 -> {
                requireWord(a0, 0);
                requireWord(a1, ControlLayout.OBSERVABLE_BASE);
            }
            case Opcodes.COMPARE_SWAP -> {
                requireWord(a0, 0);
                requireWord(a0, ControlLayout.OBSERVABLE_BASE);
            }
            case Opcodes.MEMCPY -> {
                requireRange(a0, a2);
                requireRange(a1, a2);
            }
            case Opcodes.BATCH_FENCE -> {
                if (confinement != null) {
                    out.comment("EPOCH first, as the CPU executor (never in a confined tenant's window)");
                    confinement.requireWord(ControlLayout.EPOCH);
                }
                out.ins("setp.le.u32 " + P + ", " + CTL_WORDS + ", " + ControlLayout.OBSERVABLE_BASE);
                out.when(P, "mov.u32 " + FDETAIL + ", " + ControlLayout.OBSERVABLE_BASE);
                out.when(P, "bra " + OUT_OF_RANGE);
                if (confinement != null) {
                    confinement.requireWord(ControlLayout.OBSERVABLE_BASE);
                }
            }
            default -> throw new IllegalArgumentException("no checks for " + Opcodes.name(op));
        }
    }

    /**
     * The effect of a checked built-in {@code op} with arguments in registers {@code a0..a2}, starting at
     * {@code label} and branching to {@code next}.
     */
    private void apply(int op, String a0, String a1, String a2, String label, String next) {
        out.label(label);
        int observables = ControlLayout.OBSERVABLE_BASE * Wire.WORD_BYTES;
        switch (op) {
            case Opcodes.STORE_U32 -> {
                out.comment("control[a1] = a0 (relaxed atomic store)");
                controlAddress(ADDR, a1);
                out.ins("st.relaxed.sys.global.u32 [" + ADDR + "], " + a0);
            }
            case Opcodes.ATOMIC_ADD -> {
                out.comment("control[a1] += a0 (atomic)");
                controlAddress(ADDR, a1);
                out.ins("red.relaxed.sys.global.add.u32 [" + ADDR + "], " + a0);
            }
            case Opcodes.LOAD_U32 -> {
                out.comment("control[OBSERVABLE_BASE + a1] = control[a0]");
                controlAddress(ADDR, a0);
                controlAddress(ADDR2, a1);
                out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + ADDR + "]");
                out.ins("st.relaxed.sys.global.u32 [" + ADDR2 + "+" + observables + "], " + T0);
            }
            case Opcodes.COMPARE_SWAP -> {
                out.comment("prev = CAS(control[a0], expected a1, desired a2); control[OBSERVABLE_BASE + a0] = prev");
                controlAddress(ADDR, a0);
                out.ins("atom.relaxed.sys.global.cas.b32 " + T0 + ", [" + ADDR + "], " + a1 + ", " + a2);
                out.ins("st.relaxed.sys.global.u32 [" + ADDR + "+" + observables + "], " + T0);
            }
            case Opcodes.MEMCPY -> memmove(a0, a1, a2, label, next);
            case Opcodes.BATCH_FENCE -> {
                out.comment("EPOCH += 1 (atomic); control[OBSERVABLE_BASE] = a1 (the user tag)");
                out.ins("red.relaxed.sys.global.add.u32 " + controlWord(ControlLayout.EPOCH) + ", 1");
                out.ins("st.relaxed.sys.global.u32 " + controlWord(ControlLayout.OBSERVABLE_BASE) + ", " + a1);
            }
            default -> throw new IllegalArgumentException("no built-in body for " + Opcodes.name(op));
        }
        out.ins("bra " + next);
    }

    /** memmove of control[a0 .. a0+a2) to control[a1 .. a1+a2): backwards when the target lies above the source. */
    private void memmove(String src, String dst, String count, String label, String next) {
        out.comment("memmove control[a0 .. a0+a2) -> control[a1 .. a1+a2)");
        out.ins("setp.eq.u32 " + P + ", " + count + ", 0");
        out.when(P, "bra " + next);
        controlAddress(ADDR, src);
        controlAddress(ADDR2, dst);
        out.ins("mov.u32 " + T1 + ", " + count);
        out.ins("setp.gt.u32 " + P + ", " + dst + ", " + src);
        out.when(P, "bra " + label + "_BACKWARD");
        out.label(label + "_FORWARD");
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + ADDR + "]");
        out.ins("st.relaxed.sys.global.u32 [" + ADDR2 + "], " + T0);
        out.ins("add.u64 " + ADDR + ", " + ADDR + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + ADDR2 + ", " + ADDR2 + ", " + Wire.WORD_BYTES);
        out.ins("sub.u32 " + T1 + ", " + T1 + ", 1");
        out.ins("setp.ne.u32 " + P + ", " + T1 + ", 0");
        out.when(P, "bra " + label + "_FORWARD");
        out.ins("bra " + next);
        out.label(label + "_BACKWARD");
        out.ins("mul.wide.u32 " + X0 + ", " + count + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + ADDR + ", " + ADDR + ", " + X0);
        out.ins("add.u64 " + ADDR2 + ", " + ADDR2 + ", " + X0);
        out.label(label + "_BACKWARD_LOOP");
        out.ins("sub.u64 " + ADDR + ", " + ADDR + ", " + Wire.WORD_BYTES);
        out.ins("sub.u64 " + ADDR2 + ", " + ADDR2 + ", " + Wire.WORD_BYTES);
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", [" + ADDR + "]");
        out.ins("st.relaxed.sys.global.u32 [" + ADDR2 + "], " + T0);
        out.ins("sub.u32 " + T1 + ", " + T1 + ", 1");
        out.ins("setp.ne.u32 " + P + ", " + T1 + ", 0");
        out.when(P, "bra " + label + "_BACKWARD_LOOP");
    }

    private void printf() {
        String label = opLabel(Opcodes.PRINTF);
        out.section("PRINTF: append {fmt_id = ARG0, ARG1, ARG2, slot base = slot * SLOT_WORDS} to the debug log");
        out.label(label);
        String cursor = debugWord(DebugLogLayout.CURSOR);
        out.comment("reserve index i by CAS CURSOR i -> i+1 while i < capacity (a cursor past it reads as full)");
        out.ins("ld.relaxed.sys.global.u32 " + T0 + ", " + cursor);
        out.label(label + "_RESERVE");
        out.ins("setp.ge.u32 " + P + ", " + T0 + ", " + DBG_CAP);
        out.when(P, "bra " + label + "_FULL");
        out.ins("add.u32 " + T1 + ", " + T0 + ", 1");
        out.ins("atom.relaxed.sys.global.cas.b32 " + T2 + ", " + cursor + ", " + T0 + ", " + T1);
        out.ins("setp.ne.u32 " + P + ", " + T2 + ", " + T0);
        out.when(P, "mov.u32 " + T0 + ", " + T2);
        out.when(P, "bra " + label + "_RESERVE");
        out.comment("write record i (16-byte aligned: the header is one record long), then COMMITTED += 1 (release)");
        String[] record = new String[DebugLogLayout.RECORD_WORDS];
        record[DebugLogLayout.RECORD_FMT_ID] = arg(0);
        record[DebugLogLayout.RECORD_ARG0] = arg(1);
        record[DebugLogLayout.RECORD_ARG1] = arg(2);
        record[DebugLogLayout.RECORD_ARG2] = T1;
        out.ins("mul.lo.u32 " + T1 + ", " + SLOT + ", " + SlotLayout.SLOT_WORDS);
        out.ins("mul.wide.u32 " + ADDR + ", " + T0 + ", " + DebugLogLayout.RECORD_WORDS * Wire.WORD_BYTES);
        out.ins("add.u64 " + ADDR + ", " + ADDR + ", " + DBG);
        out.ins("st.relaxed.sys.global.v4.u32 [" + ADDR + "+" + DebugLogLayout.HEADER_WORDS * Wire.WORD_BYTES + "], {"
                + String.join(", ", record) + "}");
        out.ins("red.release.sys.global.add.u32 " + debugWord(DebugLogLayout.COMMITTED) + ", 1");
        out.ins("bra " + DONE);
        out.label(label + "_FULL");
        out.comment("full: count the dropped record; the slot still completes");
        out.ins("red.relaxed.sys.global.add.u32 " + debugWord(DebugLogLayout.DROPPED) + ", 1");
        out.ins("bra " + DONE);
    }

    /**
     * PACKED_SLOT in two passes, as the CPU backend: every sub-op is checked (packable opcode, else BAD_ARGUMENT;
     * its own permission bit, else OPCODE_NOT_PERMITTED; its control words), both with the sub-op's opcode
     * argument index 4k as detail, before any runs; then they run in order k = 0, 1, 2. A faulting packed slot
     * therefore has no effect.
     */
    private void packedSlot() {
        String base = opLabel(Opcodes.PACKED_SLOT);
        out.section("PACKED_SLOT: sub-ops {opcode, a0, a1, a2} at ARG(4k), k = 0.." + (PACKED_SUB_OPS - 1)
                + "; opcode 0 is skipped; all are checked before any runs");
        out.label(base);
        for (int k = 0; k < PACKED_SUB_OPS; k++) {
            int first = k * PACKED_SUB_OP_WORDS;
            String here = base + "_CHECK_" + k;
            String next = k + 1 < PACKED_SUB_OPS ? base + "_CHECK_" + (k + 1) : base + "_RUN_0";
            out.label(here);
            subOpDispatch(arg(first), here, next);
            out.comment("not a packable built-in: BAD_ARGUMENT names the sub-op's opcode word, ARG" + first);
            fault(FaultCode.BAD_ARGUMENT, Integer.toString(first));
            for (int op : PACKABLE) {
                out.label(here + "_" + Opcodes.name(op));
                requireBit(Integer.toString(Permissions.systemBit(op)), first);
                check(op, arg(first + 1), arg(first + 2), arg(first + 3));
                out.ins("bra " + next);
            }
        }
        for (int k = 0; k < PACKED_SUB_OPS; k++) {
            int first = k * PACKED_SUB_OP_WORDS;
            String here = base + "_RUN_" + k;
            String next = k + 1 < PACKED_SUB_OPS ? base + "_RUN_" + (k + 1) : DONE;
            out.label(here);
            subOpDispatch(arg(first), here, next);
            out.comment("every sub-op was checked above, so none other reaches here");
            out.ins("bra " + DONE);
            for (int op : PACKABLE) {
                apply(op, arg(first + 1), arg(first + 2), arg(first + 3), here + "_" + Opcodes.name(op), next);
            }
        }
    }

    /** Branches to {@code next} for a NOP sub-op, to {@code prefix_<NAME>} for a packable one; falls through else. */
    private void subOpDispatch(String sub, String prefix, String next) {
        out.ins("setp.eq.u32 " + P + ", " + sub + ", " + Opcodes.NOP);
        out.when(P, "bra " + next);
        for (int op : PACKABLE) {
            out.ins("setp.eq.u32 " + P + ", " + sub + ", " + op);
            out.when(P, "bra " + prefix + "_" + Opcodes.name(op));
        }
    }

    private void shutdownOpcode() {
        out.section("SHUTDOWN: control[SHUTDOWN] = 1; workers drain what is published and exit");
        out.label(opLabel(Opcodes.SHUTDOWN));
        out.ins("st.release.sys.global.u32 " + controlWord(ControlLayout.SHUTDOWN) + ", 1");
        out.ins("bra " + DONE);
    }

    // ---- user handlers ------------------------------------------------------------------------------------

    /**
     * Each handler: ARG0..ARG11 to this worker's scratch, the call, then (shared) the result: OK copies the scratch
     * back to the slot's ARG words and completes DONE; STEP_BUDGET faults with the budget as detail; any other
     * status faults HANDLER_FAULT, detail 0. A faulting run leaves ARG2..ARG11 as published, as on the CPU.
     */
    private void userHandlers() {
        if (handlers().size() == 0) {
            return;
        }
        for (int i = 0; i < handlers().size(); i++) {
            out.section("user handler " + Opcodes.name(handlers().opcode(i)) + ": runs on a copy of ARG0..ARG11");
            out.label(handlerLabel(i));
            if (options.faultOpcode() != 0 && handlers().opcode(i) == options.faultOpcode()) {
                out.comment("TEST-ONLY fault injection: an unchecked store to an unmapped device address");
                out.ins("mov.u64 " + X0 + ", " + INJECTED_FAULT_ADDRESS);
                out.ins("st.relaxed.sys.global.u32 [" + X0 + "], " + WORKER);
            }
            for (int w = 0; w < ARG_SCRATCH_WORDS; w += 4) {
                out.ins("st.global.v4.u32 [" + SCRATCH + "+" + w * Wire.WORD_BYTES + "], {" + argQuad(w) + "}");
            }
            if (confinement != null) {
                confinement.zeroCounters();
            }
            if (handlers().cooperative(i)) {
                wakeLanes(Integer.toString(i + 1));
            }
            callHandler(i);
            out.ins("bra " + HANDLER_RESULT);
        }
        out.section("handler result: " + PtxEmitter.HANDLER_OK + " ok, " + PtxEmitter.HANDLER_STEP_BUDGET
                + " step budget exhausted, anything else a handler fault");
        out.label(HANDLER_RESULT);
        out.ins("setp.eq.u32 " + P + ", " + HSTATUS + ", " + PtxEmitter.HANDLER_OK);
        out.when(P, "bra " + HANDLER_OK);
        out.ins("setp.eq.u32 " + P + ", " + HSTATUS + ", " + PtxEmitter.HANDLER_STEP_BUDGET);
        out.when(P, "mov.u32 " + FCODE + ", " + FaultCode.STEP_BUDGET.wire());
        out.when(P, "mov.u32 " + FDETAIL + ", " + BUDGET);
        out.when(P, "bra " + FAULT);
        fault(FaultCode.HANDLER_FAULT, "0");
        out.label(HANDLER_OK);
        if (confinement != null) {
            confinement.checkCounters(word(SlotLayout.TENANT));
        }
        out.comment("success: the scratch becomes the slot's ARG0..ARG11 (released with STATUS)");
        int firstArgByte = SlotLayout.ARG0 * Wire.WORD_BYTES;
        for (int w = 0; w < ARG_SCRATCH_WORDS; w += 4) {
            out.ins("ld.global.v4.u32 {" + argQuad(w) + "}, [" + SCRATCH + "+" + w * Wire.WORD_BYTES + "]");
            out.ins("st.relaxed.sys.global.v4.u32 [" + SP + "+" + (firstArgByte + w * Wire.WORD_BYTES) + "], {"
                    + argQuad(w) + "}");
        }
        out.ins("bra " + DONE);
    }

    /** The registers of ARG(first)..ARG(first+3), comma-separated. */
    private static String argQuad(int first) {
        return arg(first) + ", " + arg(first + 1) + ", " + arg(first + 2) + ", " + arg(first + 3);
    }

    /**
     * {@code call (status), user_handler_<i>, (scratch, control, words, data, bytes, budget)}; with confined tenants
     * control and data are the slot's window ({@link ConfinementPtx}) and a single-invocation handler also gets its
     * out-of-bounds counters.
     */
    private void callHandler(int i) {
        if (confinement == null) {
            out.ins("call (" + HSTATUS + "), " + HANDLER_FUNC + i + ", (" + SCRATCH + ", " + CTL + ", " + CTL_WORDS
                    + ", " + DATA + ", " + DATA_BYTES + ", " + BUDGET + ")");
            return;
        }
        out.ins("call (" + HSTATUS + "), " + HANDLER_FUNC + i + ", (" + SCRATCH + ", " + ConfinementPtx.CONTROL + ", "
                + ConfinementPtx.WORDS + ", " + ConfinementPtx.DATA + ", " + ConfinementPtx.DATA_BYTES + ", " + BUDGET
                + (handlers().cooperative(i) ? "" : ", " + ConfinementPtx.COUNTERS) + ")");
    }

    // ---- cooperative handlers: a whole warp per worker -----------------------------------------------------

    /**
     * With cooperative handlers every lane of the worker's warp stays: lane 0 is the worker (polls, claims,
     * completes, runs built-ins and single-invocation handlers alone); lanes 1..31 go to {@link #LANES_WAIT}.
     */
    private void cooperativeLaneSplit() {
        if (!cooperative()) {
            return;
        }
        out.comment("cooperative handlers: lanes 1..31 of the worker's warp wait for lane 0's commands");
        out.ins("mov.u32 " + T0 + ", %laneid");
        out.ins("setp.ne.u32 " + P + ", " + T0 + ", 0");
        out.when(P, "bra " + LANES_WAIT);
    }

    /**
     * Lane 0 hands the warp command {@code command} (a register or an immediate) to lanes 1..31: one
     * {@code shfl.sync} of the whole warp (the others wait in theirs), then {@code bar.warp.sync}, which orders lane
     * 0's writes of the argument scratch before the lanes' reads.
     */
    private void wakeLanes(String command) {
        out.ins("mov.u32 " + LANE_CMD + ", " + command);
        out.ins("shfl.sync.idx.b32 " + LANE_CMD + ", " + LANE_CMD + ", 0, 31, " + FULL_WARP);
        broadcastTenant();
        out.ins("bar.warp.sync " + FULL_WARP);
    }

    /** With confined tenants: lane 0's slot TENANT word to every lane (lanes 1..31 load its window themselves). */
    private void broadcastTenant() {
        if (confinement != null) {
            String tenant = word(SlotLayout.TENANT);
            out.ins("shfl.sync.idx.b32 " + tenant + ", " + tenant + ", 0, 31, " + FULL_WARP);
        }
    }

    /**
     * Lanes 1..31: take lane 0's command; 0: exit; i + 1: call cooperative handler i with lane 0 (on the same
     * scratch, with the same arguments; every lane returns the same status, lane 0 uses it), then wait again.
     * Lane 0's exit ({@link #LANES_STOP}) first sends them 0.
     */
    private void cooperativeLanes() {
        if (!cooperative()) {
            return;
        }
        out.section("cooperative handlers: lane 0 stops the other lanes before it exits");
        out.label(LANES_STOP);
        wakeLanes("0");
        out.ins("bra " + EXIT);
        out.section("lanes 1..31: wait for lane 0's command, run the cooperative handler it names with it");
        out.label(LANES_WAIT);
        out.ins("mov.u32 " + LANE_CMD + ", 0");
        out.ins("shfl.sync.idx.b32 " + LANE_CMD + ", " + LANE_CMD + ", 0, 31, " + FULL_WARP);
        broadcastTenant();
        out.ins("bar.warp.sync " + FULL_WARP);
        out.ins("setp.eq.u32 " + P + ", " + LANE_CMD + ", 0");
        out.when(P, "bra " + EXIT);
        for (int i = 0; i < handlers().size(); i++) {
            if (handlers().cooperative(i)) {
                out.ins("setp.eq.u32 " + P + ", " + LANE_CMD + ", " + (i + 1));
                out.when(P, "bra " + LANES_WAIT + "_" + i);
            }
        }
        if (vm != null) {
            out.ins("setp.eq.u32 " + P + ", " + LANE_CMD + ", " + vmCommand());
            out.when(P, "bra " + VmPtx.LABEL);
        }
        out.ins("bra " + LANES_WAIT);
        for (int i = 0; i < handlers().size(); i++) {
            if (handlers().cooperative(i)) {
                out.label(LANES_WAIT + "_" + i);
                if (confinement != null) {
                    confinement.loadWindow(word(SlotLayout.TENANT));
                }
                callHandler(i);
                out.ins("bra " + LANES_WAIT);
            }
        }
    }

    /** The lane command that sends lanes 1..31 into the interpreter: after every handler's {@code i + 1}. */
    private int vmCommand() {
        return handlers().size() + 1;
    }

    /** VM_EXEC on lane 0: wake lanes 1..31 into the interpreter, then run it with them. */
    private void vmExec() {
        if (vm == null) {
            return;
        }
        out.section("VM_EXEC: lane 0 sends lanes 1..31 into the interpreter and runs it with them");
        out.label(opLabel(Opcodes.VM_EXEC));
        wakeLanes(Integer.toString(vmCommand()));
        out.ins("bra " + VmPtx.LABEL);
        vm.emit();
    }

    private static String handlerLabel(int index) {
        return "L_HANDLER_" + index;
    }

    // ---- completion ---------------------------------------------------------------------------------------

    private void completion() {
        out.section("faults: FAULT_CODE and FAULT_DETAIL (ARG2..ARG11 are kept), then finish as FAULT");
        out.label(UNKNOWN);
        fault(FaultCode.UNKNOWN_OPCODE, "0");
        out.label(NOT_PERMITTED);
        out.comment("the detail register already holds the detail");
        out.ins("mov.u32 " + FCODE + ", " + FaultCode.OPCODE_NOT_PERMITTED.wire());
        out.ins("bra " + FAULT);
        if (confinement != null) {
            confinement.faultLabel(FAULT);
        }
        out.label(OUT_OF_RANGE);
        out.comment("the detail register already holds the word index");
        out.ins("mov.u32 " + FCODE + ", " + FaultCode.CONTROL_OUT_OF_RANGE.wire());
        out.label(FAULT);
        out.ins("st.relaxed.sys.global.u32 " + slotWord(SlotLayout.FAULT_CODE) + ", " + FCODE);
        out.ins("st.relaxed.sys.global.u32 " + slotWord(SlotLayout.FAULT_DETAIL) + ", " + FDETAIL);
        out.ins("mov.u32 " + STATUS + ", " + SlotState.FAULT.wire());
        out.ins("bra " + FINISH);
        out.section("done: STATUS=DONE (or FAULT) with release, then DONE_COUNT += 1 with release, so that a host"
                + " that sees DONE_COUNT = N sees N final STATUS words; then this worker's next slot, backoff reset");
        out.comment("a NOP wrote nothing that a release would have to order: relaxed stores, no fence");
        out.label(DONE_NOP);
        recordCursor();
        out.ins("st.relaxed.sys.global.u32 " + slotWord(SlotLayout.STATUS) + ", " + SlotState.DONE.wire());
        out.ins("red.relaxed.sys.global.add.u32 " + controlWord(ControlLayout.DONE_COUNT) + ", 1");
        out.ins("bra " + NEXT);
        out.label(DONE);
        out.ins("mov.u32 " + STATUS + ", " + SlotState.DONE.wire());
        out.label(FINISH);
        recordCursor();
        out.ins("st.release.sys.global.u32 " + slotWord(SlotLayout.STATUS) + ", " + STATUS);
        out.ins("red.release.sys.global.add.u32 " + controlWord(ControlLayout.DONE_COUNT) + ", 1");
        out.label(NEXT);
        if (doorbell != null) {
            doorbell.finish();
        }
        out.ins("mov.u32 " + SLEEP + ", " + options.backoffMinNanos());
        out.label(ADVANCE);
        out.ins("add.u32 " + SLOT + ", " + SLOT + ", " + WORKERS);
        out.ins("setp.ge.u32 " + P + ", " + SLOT + ", " + SLOTS);
        out.when(P, "sub.u32 " + SLOT + ", " + SLOT + ", " + SLOTS);
        if (doorbell != null) {
            doorbell.nextLap(P);
        }
        out.ins("bra " + POLL);
    }

    /**
     * With cursor words: stores the slot this worker visits next into its cursor word with release, before the
     * slot's STATUS, so that a process that dies at any point leaves the slot CLAIMED (never committed) or the next
     * slot as the restart point.
     */
    private void recordCursor() {
        if (!options.cursors()) {
            return;
        }
        out.ins("add.u32 " + T0 + ", " + SLOT + ", " + WORKERS);
        out.ins("setp.ge.u32 " + P + ", " + T0 + ", " + SLOTS);
        out.when(P, "sub.u32 " + T0 + ", " + T0 + ", " + SLOTS);
        out.ins("st.release.sys.global.u32 [" + CURS + "], " + T0);
    }

    /** Sets the fault registers to {@code code} and {@code detail} (a register or an immediate) and faults. */
    private void fault(FaultCode code, String detail) {
        out.ins("mov.u32 " + FCODE + ", " + code.wire());
        out.ins("mov.u32 " + FDETAIL + ", " + detail);
        out.ins("bra " + FAULT);
    }

    // ---- addressing ---------------------------------------------------------------------------------------

    /**
     * Branches to CONTROL_OUT_OF_RANGE unless control word {@code offset + index} ({@code index} a u32 register,
     * the sum in 64 bits) lies in the block; the detail is the index, saturated to 0xFFFFFFFF.
     */
    private void requireWord(String index, int offset) {
        out.ins("cvt.u64.u32 " + X0 + ", " + index);
        if (offset != 0) {
            out.ins("add.u64 " + X0 + ", " + X0 + ", " + offset);
        }
        out.ins("setp.ge.u64 " + P + ", " + X0 + ", " + CTL_WORDS64);
        out.when(P, "min.u64 " + X0 + ", " + X0 + ", " + U32_MAX);
        out.when(P, "cvt.u32.u64 " + FDETAIL + ", " + X0);
        out.when(P, "bra " + OUT_OF_RANGE);
        if (confinement != null) {
            confinement.requireWord(X0);
        }
    }

    /**
     * Branches to CONTROL_OUT_OF_RANGE unless {@code first + count <= control words} (a 64-bit sum); the detail is
     * {@code max(first, control words)}: the first word of the range past the block.
     */
    private void requireRange(String first, String count) {
        out.ins("cvt.u64.u32 " + X0 + ", " + first);
        out.ins("cvt.u64.u32 " + X1 + ", " + count);
        out.ins("add.u64 " + X0 + ", " + X0 + ", " + X1);
        out.ins("setp.gt.u64 " + P + ", " + X0 + ", " + CTL_WORDS64);
        out.when(P, "max.u32 " + FDETAIL + ", " + first + ", " + CTL_WORDS);
        out.when(P, "bra " + OUT_OF_RANGE);
        if (confinement != null) {
            confinement.requireRange(first, count);
        }
    }

    /** {@code dst} = address of control word {@code index} (checked before). */
    private void controlAddress(String dst, String index) {
        out.ins("mul.wide.u32 " + dst + ", " + index + ", " + Wire.WORD_BYTES);
        out.ins("add.u64 " + dst + ", " + dst + ", " + CTL);
    }

    private static String opLabel(int op) {
        return "L_OP_" + Opcodes.name(op);
    }

    private static String controlWord(int index) {
        return "[" + CTL + "+" + index * Wire.WORD_BYTES + "]";
    }

    private static String slotWord(int index) {
        return "[" + SP + "+" + index * Wire.WORD_BYTES + "]";
    }

    private static String debugWord(int index) {
        return "[" + DBG + "+" + index * Wire.WORD_BYTES + "]";
    }

    private static String maskRegister(int tenant) {
        return "%m" + tenant;
    }

    static String word(int index) {
        return "%w" + index;
    }

    private static String arg(int i) {
        return word(SlotLayout.ARG0 + i);
    }
}
