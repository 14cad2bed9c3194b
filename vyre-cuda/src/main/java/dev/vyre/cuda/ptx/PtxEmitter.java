package dev.vyre.cuda.ptx;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.check.Validator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Lowers validated VIR0 programs to PTX text that the CUDA driver JIT-compiles, bit-identical in effect to the
 * reference interpreter (docs/VIR0-SEMANTICS.md; the lowering rules and the parameter ABI are in
 * docs/PTX-EMITTER.md). One GPU thread runs one invocation.
 */
public final class PtxEmitter {
    /** Most bytes of static shared memory a CTA may declare: the Workgroup buffers of one program together. */
    public static final int MAX_SHARED_BYTES = 48 * 1024;
    /** The handler buffer of the slot's 12 argument words. */
    public static final String HANDLER_ARGS = "args";
    /** The handler buffer of the megakernel's control block. */
    public static final String HANDLER_CONTROL = "control";
    /** The optional handler buffer of the megakernel's data region (U32 or Bytes). */
    public static final String HANDLER_DATA = "data";
    /** Words in a handler's {@code args} buffer: the slot's ARG0..ARG11. */
    public static final int HANDLER_ARG_WORDS = 12;
    /** Handler status: the run finished within its step budget; the caller copies the arguments back. */
    public static final int HANDLER_OK = 0;
    /** Handler status: the run needed more steps than its budget (the interpreter's StepBudgetExceededException). */
    public static final int HANDLER_STEP_BUDGET = 1;
    /**
     * Handler status: the run failed otherwise (the interpreter's other failures). No construct the emitter lowers
     * fails at run time, so emitted handlers return only {@link #HANDLER_OK} and {@link #HANDLER_STEP_BUDGET}
     * today; a caller treats every status but those two as this one.
     */
    public static final int HANDLER_FAULT = 2;
    /** Invocations of a cooperative handler (workgroup size 32x1x1): the lanes of one warp. */
    public static final int COOPERATIVE_LANES = 32;
    /** Name of a handler function's return parameter (a {@code .b32} status). */
    static final String HANDLER_STATUS = "status";
    /** Name of a handler function's control-block length parameter. */
    static final String HANDLER_CONTROL_WORDS = "control_words";
    /** Name of a handler function's data-region length parameter (bytes). */
    static final String HANDLER_DATA_BYTES = "data_bytes";
    /** Name of a handler function's step-budget parameter. */
    static final String HANDLER_STEP_BUDGET_PARAM = "step_budget";
    /**
     * Name of the out-of-bounds counter parameter of a counting handler ({@link #emitHandler(Program, String,
     * PtxTarget, boolean)}): the address of two u32 words in device memory, laid out as {@link PtxKernel}'s
     * counters ({@link PtxKernel#OOB_LOADS_WORD}, {@link PtxKernel#OOB_STORES_WORD}).
     */
    public static final String HANDLER_OUT_OF_BOUNDS = "out_of_bounds";

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");
    private static final String COUNTERS = "vyre_oob";
    /** Most registers a thread may have ({@code .maxnreg}'s bound on every target the emitter supports). */
    public static final int MAX_REGISTERS = 255;

    private PtxEmitter() {
    }

    /**
     * Lowers {@code p} to a kernel named {@code entryName}: one thread per invocation, block = workgroup size,
     * grid = dispatch, parameters as described by {@link PtxKernel}.
     *
     * @throws dev.vyre.ir.check.ValidationException when the program is not valid
     * @throws PtxEmitException                      when it uses a construct the emitter cannot lower exactly
     */
    public static PtxKernel emitKernel(Program p, String entryName, PtxTarget target) {
        return emitKernel(p, entryName, target, 0);
    }

    /**
     * {@link #emitKernel(Program, String, PtxTarget)} with the entry's registers capped at {@code maxRegisters}
     * ({@code .maxnreg}; 0: no cap), for a kernel whose whole grid must stay resident (a persistent kernel).
     */
    public static PtxKernel emitKernel(Program p, String entryName, PtxTarget target, int maxRegisters) {
        Objects.requireNonNull(p, "program");
        Objects.requireNonNull(target, "target");
        checkName(entryName, "kernel entry");
        if (maxRegisters < 0 || maxRegisters > MAX_REGISTERS) {
            throw new PtxEmitException("maxRegisters", "a register cap of " + maxRegisters + " per thread",
                    "pass 0 (no cap) or 1.." + MAX_REGISTERS);
        }
        return LoweringThread.run(() -> kernel(p, entryName, target, maxRegisters));
    }

    private static PtxKernel kernel(Program p, String entryName, PtxTarget target, int maxRegisters) {
        Validator.validate(p);
        LoweringCheck.Features features = LoweringCheck.check(p, false);
        Program.WorkgroupSize ws = p.workgroupSize();
        int threads = ws.x() * ws.y() * ws.z();
        // the system-memory profile: these buffers are mapped host memory, every access system scope
        Map<String, SystemMemory.Mapped> mapped = new java.util.HashMap<>();
        SystemMemory.modes(p).orElse(List.of()).forEach(m -> mapped.put(m.name(), m));

        PtxCode code = new PtxCode();
        List<PtxKernel.Param> params = new ArrayList<>();
        Map<String, BufferRef> buffers = new LinkedHashMap<>();
        StringBuilder shared = new StringBuilder();
        int sharedBytes = 0;
        int bound = 0;
        for (int i = 0; i < p.buffers().size(); i++) {
            BufferDecl b = p.buffers().get(i);
            if (b.access() == BufferAccess.WORKGROUP) {
                int bytes = sharedArrayBytes(b);
                sharedBytes += bytes;
                if (sharedBytes > MAX_SHARED_BYTES) {
                    throw new PtxEmitException("buffers[" + i + "]", "the Workgroup buffers up to '" + b.name()
                            + "' need " + sharedBytes + " bytes of shared memory, more than the "
                            + MAX_SHARED_BYTES + " a CTA may declare statically",
                            "shrink the Workgroup buffers to " + MAX_SHARED_BYTES + " bytes in all");
                }
                String array = "vyre_wg" + i;
                shared.append("\t.shared .align 4 .b8 ").append(array).append('[').append(bytes).append("];\n");
                String base = code.b32();
                code.op("mov.u32 " + base + ", " + array);
                buffers.put(b.name(), BufferRef.shared(b, base));
            } else {
                String pointer = "vyre_buf" + bound;
                String count = "vyre_len" + bound;
                bound++;
                params.add(new PtxKernel.Param(pointer, ".u64", PtxKernel.ParamKind.BUFFER_POINTER, b.name()));
                params.add(new PtxKernel.Param(count, ".u32", PtxKernel.ParamKind.ELEMENT_COUNT, b.name()));
                String base = globalPointer(code, pointer);
                String length = loadU32(code, count);
                SystemMemory.Mapped m = mapped.get(b.name());
                buffers.put(b.name(), m != null ? BufferRef.mapped(b, base, length, m.acquire(), m.release(), m.device())
                        : BufferRef.global(b, base, length));
            }
        }
        params.add(new PtxKernel.Param(COUNTERS, ".u64", PtxKernel.ParamKind.OOB_COUNTERS, null));
        String counters = globalPointer(code, COUNTERS);

        String linear = sharedBytes > 0 || features.waveOps() && threads % 32 != 0 ? linearLocalId(code, ws) : null;
        if (sharedBytes > 0) {
            zeroShared(code, buffers, linear, threads);
        }
        Arith arith = new Arith(code);
        Waves waves = features.waveOps() ? new Waves(code, arith, memberMask(code, linear, threads)) : null;
        NodeLowering nodes = new NodeLowering(code, buffers, StepMeter.none(), "exit", vars ->
                new ExprLowering(code, arith, waves, buffers, vars, ws, false, counters, StepMeter.none(), null));
        nodes.body(p.body());
        code.op("exit");

        StringBuilder entry = new StringBuilder();
        entry.append(".visible .entry ").append(entryName).append("(\n");
        for (int i = 0; i < params.size(); i++) {
            PtxKernel.Param param = params.get(i);
            entry.append("\t.param ").append(param.ptxType()).append(' ').append(param.ptxName())
                    .append(i + 1 < params.size() ? ",\n" : "\n");
        }
        entry.append(")\n.reqntid ").append(ws.x()).append(", ").append(ws.y()).append(", ").append(ws.z())
                .append(maxRegisters > 0 ? "\n.maxnreg " + maxRegisters : "").append("\n{\n").append(code.declarations()).append(shared).append(code.instructions()).append("}\n");
        String text = entry.toString();
        String functions = FdlibmPtx.definitions(features.transcendentals());
        return new PtxKernel(target.header() + "\n" + functions + text, text, functions, entryName, params, ws);
    }

    /**
     * Lowers a user opcode handler to a {@code .func} named {@code funcName} for the megakernel's module:
     * <pre>
     * .func (.param .b32 status) NAME(.param .u64 args, .param .u64 control, .param .u32 control_words,
     *                                 .param .u64 data, .param .u32 data_bytes, .param .u32 step_budget)
     * </pre>
     * The handler may declare only the U32 buffers {@value #HANDLER_ARGS} (count {@value #HANDLER_ARG_WORDS}) and
     * {@value #HANDLER_CONTROL} (count 0: {@code control_words} elements) and the U32 or Bytes buffer
     * {@value #HANDLER_DATA} (count 0: {@code data_bytes} bytes). {@code args} points at a scratch copy of the
     * slot's ARG0..ARG11 in device memory, private to the calling thread (plain accesses); {@code control} and
     * {@code data} at the control block and the data region in pinned, device-mapped host memory (every access
     * system scope). It runs as one invocation (every id is 0); out-of-bounds accesses read 0 or are dropped,
     * uncounted.
     *
     * <p>A <em>cooperative</em> handler (workgroup size {@value #COOPERATIVE_LANES}x1x1, {@link #isCooperative}) is
     * called by all 32 lanes of one warp with the same arguments and runs as the reference's
     * {@code ReferenceInterpreter.runLanes}: LocalId.x = InvocationId.x = the lane ({@code %laneid}), other ids 0;
     * the buffers are shared by the lanes; each lane has the whole step budget; Barrier and the wave operators are
     * lowered as rendezvous of the warp ({@code WarpLanes}); every lane returns the same status, that of the lowest
     * lane that did not finish OK (a divergent collective is {@link #HANDLER_FAULT} for the lanes at it).
     *
     * <p>It counts steps as the reference interpreter does and returns {@link #HANDLER_OK} when the run took at
     * most {@code step_budget} steps, {@link #HANDLER_STEP_BUDGET} when it took more; its effects on the control
     * block and the data region are then exactly those the interpreter makes before it fails (see
     * {@link StepMeter}). The caller
     * copies the scratch back to the slot only on {@link #HANDLER_OK}.
     *
     * @param target the target of the megakernel's module (the function text is the same for every supported one)
     * @return the function definition alone, to be placed in the megakernel's module before its callers and after
     *         the {@link #emitSupport} text of the module's handlers (the fdlibm functions it may call)
     * @throws dev.vyre.ir.check.ValidationException when the program is not valid
     * @throws PtxEmitException                      for another buffer, a Barrier or a wave operator outside a
     *                                               cooperative handler, or a construct the emitter cannot lower
     *                                               exactly
     */
    public static String emitHandler(Program handler, String funcName, PtxTarget target) {
        return emitHandler(handler, funcName, target, false);
    }

    /**
     * As {@link #emitHandler(Program, String, PtxTarget)}; with {@code countOutOfBounds} a single-invocation
     * handler takes a seventh parameter {@value #HANDLER_OUT_OF_BOUNDS} (.u64, device memory) and counts every
     * out-of-bounds load into its word {@link PtxKernel#OOB_LOADS_WORD} and every dropped out-of-bounds store or
     * atomic into word {@link PtxKernel#OOB_STORES_WORD} (the reference interpreter's
     * {@code outOfBoundsLoads/Stores}); the caller zeroes them. The megakernel uses it for confined tenants
     * (docs/TENANTS.md). A cooperative handler never counts (as {@code ReferenceInterpreter.runLanes}) and keeps
     * the six-parameter signature.
     */
    public static String emitHandler(Program handler, String funcName, PtxTarget target, boolean countOutOfBounds) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(target, "target");
        checkName(funcName, "handler function");
        return LoweringThread.run(() -> function(handler, funcName, countOutOfBounds && !isCooperative(handler)));
    }

    private static String function(Program handler, String funcName, boolean counted) {
        Validator.validate(handler);
        checkHandlerBuffers(handler);
        boolean cooperative = isCooperative(handler);
        LoweringCheck.check(handler, true, cooperative);

        PtxCode code = new PtxCode();
        String args = globalPointer(code, HANDLER_ARGS);
        String control = globalPointer(code, HANDLER_CONTROL);
        String controlWords = loadU32(code, HANDLER_CONTROL_WORDS);
        String data = globalPointer(code, HANDLER_DATA);
        String dataBytes = loadU32(code, HANDLER_DATA_BYTES);
        String budget = loadU32(code, HANDLER_STEP_BUDGET_PARAM);
        String counters = counted ? globalPointer(code, HANDLER_OUT_OF_BOUNDS) : null;
        String finish = code.label("finish");
        String exhausted = code.label("exhausted");
        StepMeter meter = StepMeter.handler(code, budget, exhausted);
        String status = code.b32();
        WarpLanes lanes = cooperative ? new WarpLanes(code, meter, status, code.label("diverged")) : null;
        Map<String, BufferRef> buffers = new LinkedHashMap<>();
        for (BufferDecl b : handler.buffers()) {
            buffers.put(b.name(), switch (b.name()) {
                case HANDLER_ARGS -> BufferRef.global(b, args, PtxCode.hex(HANDLER_ARG_WORDS));
                case HANDLER_CONTROL -> BufferRef.mapped(b, control, controlWords);
                default -> BufferRef.mapped(b, data, dataElements(code, b, dataBytes));
            });
        }
        Arith arith = new Arith(code);
        NodeLowering nodes = new NodeLowering(code, buffers, meter, "bra " + finish, lanes, vars ->
                new ExprLowering(code, arith, null, buffers, vars, handler.workgroupSize(), true, counters, meter,
                        lanes));
        nodes.body(handler.body());
        meter.flush();
        code.place(finish);
        meter.finish(status, HANDLER_OK, HANDLER_STEP_BUDGET);
        if (lanes != null) {
            String retire = code.label("retire");
            code.op("bra " + retire);
            code.place(exhausted);
            code.op("mov.u32 " + status + ", " + HANDLER_STEP_BUDGET);
            code.op("bra " + retire);
            lanes.finish(retire, HANDLER_STATUS);
        } else {
            code.op("st.param.b32 [" + HANDLER_STATUS + "], " + status);
            code.op("ret");
            code.place(exhausted);
            code.op("st.param.b32 [" + HANDLER_STATUS + "], " + HANDLER_STEP_BUDGET);
            code.op("ret");
        }
        return ".func (.param .b32 " + HANDLER_STATUS + ") " + funcName + "(.param .u64 " + HANDLER_ARGS
                + ", .param .u64 " + HANDLER_CONTROL + ", .param .u32 " + HANDLER_CONTROL_WORDS + ", .param .u64 "
                + HANDLER_DATA + ", .param .u32 " + HANDLER_DATA_BYTES + ", .param .u32 " + HANDLER_STEP_BUDGET_PARAM
                + (counted ? ", .param .u64 " + HANDLER_OUT_OF_BOUNDS : "") + ")\n{\n" + code.declarations()
                + code.instructions() + "}\n";
    }

    /**
     * The module-scope definitions that the lowerings of {@code programs} (kernels or handlers) call: the fdlibm
     * functions ({@link FdlibmPtx}) of the transcendental operators they use, each once, with their tables; empty
     * when they use none. A module that holds several handlers from {@link #emitHandler} (or several kernel
     * {@link PtxKernel#entry() entries}) places this text once, before them.
     *
     * @throws dev.vyre.ir.check.ValidationException when a program is not valid
     * @throws PtxEmitException                      when a program uses a construct no lowering accepts
     */
    public static String emitSupport(List<Program> programs) {
        Objects.requireNonNull(programs, "programs");
        return LoweringThread.run(() -> {
            EnumSet<UnaryOp> ops = EnumSet.noneOf(UnaryOp.class);
            for (Program p : programs) {
                Validator.validate(p);
                ops.addAll(LoweringCheck.check(p, true, true).transcendentals());
            }
            return FdlibmPtx.definitions(ops);
        });
    }

    /**
     * Whether {@code handler} is cooperative: workgroup size {@value #COOPERATIVE_LANES}x1x1, run by the 32 lanes of
     * one warp that all call its function (see {@link #emitHandler}).
     */
    public static boolean isCooperative(Program handler) {
        Program.WorkgroupSize ws = handler.workgroupSize();
        return ws.x() == COOPERATIVE_LANES && ws.y() == 1 && ws.z() == 1;
    }

    /** The element count of the data buffer: its bytes, or its bytes / 4 for U32 (the interpreter's rule). */
    private static String dataElements(PtxCode code, BufferDecl data, String dataBytes) {
        if (data.elementType() == ScalarType.BYTES) {
            return dataBytes;
        }
        String words = code.b32();
        code.op("shr.u32 " + words + ", " + dataBytes + ", 2");
        return words;
    }

    private static void checkName(String name, String what) {
        Objects.requireNonNull(name, what + " name");
        if (!IDENTIFIER.matcher(name).matches() || name.startsWith("vyre_")) {
            throw new PtxEmitException(null, "the " + what + " name '" + name + "' is not a valid PTX identifier"
                    + " for the emitter", "use 1 to 255 letters, digits and underscores, starting with a letter or "
                    + "underscore and not with 'vyre_' (reserved for the emitter's own names)");
        }
    }

    private static void checkHandlerBuffers(Program handler) {
        for (int i = 0; i < handler.buffers().size(); i++) {
            BufferDecl b = handler.buffers().get(i);
            String at = "buffers[" + i + "]";
            boolean args = b.name().equals(HANDLER_ARGS);
            boolean data = b.name().equals(HANDLER_DATA);
            if (!args && !data && !b.name().equals(HANDLER_CONTROL)) {
                throw new PtxEmitException(at, "handler buffer '" + b.name() + "': a megakernel handler sees only "
                        + "the buffers '" + HANDLER_ARGS + "', '" + HANDLER_CONTROL + "' and '" + HANDLER_DATA + "'",
                        "declare only '" + HANDLER_ARGS + "' (U32, count " + HANDLER_ARG_WORDS + "), '"
                                + HANDLER_CONTROL + "' (U32, count 0) and '" + HANDLER_DATA + "' (U32 or Bytes, count"
                                + " 0), and pass other data through them");
            }
            int expectedCount = args ? HANDLER_ARG_WORDS : 0;
            boolean typeOk = b.elementType() == ScalarType.U32 || data && b.elementType() == ScalarType.BYTES;
            if (!typeOk || b.access() == BufferAccess.WORKGROUP || b.count() != expectedCount) {
                throw new PtxEmitException(at, "handler buffer '" + b.name() + "' is declared " + b.access() + " "
                        + b.elementType() + " with count " + Integer.toUnsignedString(b.count()),
                        "declare '" + b.name() + "' as a " + (data ? "U32 or Bytes" : "U32") + " buffer (not "
                                + "Workgroup) with count " + expectedCount + (args ? " (the slot's ARG0..ARG11)"
                                : " (its length is the " + (data ? "data region's" : "control block's") + ")"));
            }
        }
    }

    /** Bytes of the shared array of a Workgroup buffer, rounded up to whole words for zeroing. */
    private static int sharedArrayBytes(BufferDecl b) {
        long bytes = Integer.toUnsignedLong(b.count()) * ((ScalarType) b.elementType()).byteSize();
        long rounded = (bytes + 3) / 4 * 4;
        return (int) Math.min(rounded, Integer.MAX_VALUE);
    }

    /** Loads a {@code .u64} pointer parameter and converts it to a global address. */
    private static String globalPointer(PtxCode code, String param) {
        String raw = code.b64();
        String global = code.b64();
        code.op("ld.param.u64 " + raw + ", [" + param + "]");
        code.op("cvta.to.global.u64 " + global + ", " + raw);
        return global;
    }

    private static String loadU32(PtxCode code, String param) {
        String r = code.b32();
        code.op("ld.param.u32 " + r + ", [" + param + "]");
        return r;
    }

    /** {@code x + y * wx + z * wx * wy}: the local linear index, which also orders threads into warps. */
    private static String linearLocalId(PtxCode code, Program.WorkgroupSize ws) {
        String x = code.b32();
        String y = code.b32();
        String z = code.b32();
        String yz = code.b32();
        String linear = code.b32();
        code.op("mov.u32 " + x + ", %tid.x");
        code.op("mov.u32 " + y + ", %tid.y");
        code.op("mov.u32 " + z + ", %tid.z");
        code.op("mad.lo.u32 " + yz + ", " + z + ", " + ws.y() + ", " + y);
        code.op("mad.lo.u32 " + linear + ", " + yz + ", " + ws.x() + ", " + x);
        return linear;
    }

    /** Zeroes every shared array, each thread a strided share of the words, then waits for the whole CTA. */
    private static void zeroShared(PtxCode code, Map<String, BufferRef> buffers, String linear, int threads) {
        for (BufferRef b : buffers.values()) {
            if (b.decl().access() != BufferAccess.WORKGROUP) {
                continue;
            }
            int bytes = sharedArrayBytes(b.decl());
            String offset = code.b32();
            String address = code.b32();
            String done = code.pred();
            String top = code.label("zero");
            String end = code.label("zeroed");
            code.op("shl.b32 " + offset + ", " + linear + ", 2");
            code.place(top);
            code.op("setp.ge.u32 " + done + ", " + offset + ", " + bytes);
            code.guarded(done, "bra " + end);
            code.op("add.u32 " + address + ", " + b.baseAddress() + ", " + offset);
            code.op("st.shared.u32 [" + address + "], 0");
            code.op("add.u32 " + offset + ", " + offset + ", " + threads * 4);
            code.op("bra " + top);
            code.place(end);
        }
        code.op("barrier.sync 0");
    }

    /** The lanes of this thread's warp that exist: all 32, or the low lanes of a partial last warp. */
    private static String memberMask(PtxCode code, String linear, int threads) {
        if (threads % 32 == 0) {
            return PtxCode.hex(-1);
        }
        String warpBase = code.b32();
        String lanes = code.b32();
        String one = code.b32();
        String shifted = code.b32();
        String partial = code.b32();
        String full = code.pred();
        String mask = code.b32();
        code.op("and.b32 " + warpBase + ", " + linear + ", " + PtxCode.hex(~31));
        code.op("sub.u32 " + lanes + ", " + threads + ", " + warpBase);
        code.op("min.u32 " + lanes + ", " + lanes + ", 32");
        code.op("mov.b32 " + one + ", 1");
        code.op("shl.b32 " + shifted + ", " + one + ", " + lanes);
        code.op("sub.u32 " + partial + ", " + shifted + ", 1");
        code.op("setp.eq.u32 " + full + ", " + lanes + ", 32");
        code.op("selp.b32 " + mask + ", " + PtxCode.hex(-1) + ", " + partial + ", " + full);
        return mask;
    }
}
