package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.check.Validator;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.parity.StreamHandlers;
import dev.vyre.runtime.stream.ChunkHandlers;
import dev.vyre.vm.VmOp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated megakernel PTX: it assembles for every target and shape, with and without fused user handlers,
 * and keeps the memory-model rules.
 */
class MegakernelPtxTest {
    private static final Pattern LABEL_DEF = Pattern.compile("^(L_[A-Z0-9_]+):$", Pattern.MULTILINE);
    private static final Pattern LABEL_USE = Pattern.compile("\\bbra (L_[A-Z0-9_]+);");
    /** A memory instruction on the shared buffers: ld/st/atom/red, not the parameter loads. */
    private static final Pattern MEMORY_OP = Pattern.compile("^\\s*(?:@!?%p0 )?((?:ld|st|atom|red)\\.[a-z0-9_.]+)",
            Pattern.MULTILINE);

    static Stream<MegakernelPtx.Options> configs() {
        List<MegakernelPtx.Options> list = new ArrayList<>();
        for (WorkerShape shape : WorkerShape.values()) {
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 64, 2048));
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 1, 1));
        }
        for (int[] cc : new int[][] {{7, 0}, {7, 5}, {8, 0}, {8, 6}, {8, 9}}) {
            list.add(new MegakernelPtx.Options(new SmTarget(cc[0], cc[1]), WorkerShape.WARP, 100,
                    MegakernelPtx.Options.NANOSLEEP_MAX));
        }
        list.add(defaults().withHandlers(table(SimHandlersTest.mixedHandlers(1))));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.THREAD, 64, 2048)
                .withHandlers(table(adapted(2, 20))));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 6), WorkerShape.THREAD, 1, 64)
                .withHandlers(HandlerTable.of(Map.of(StreamHandlers.COUNTING, StreamHandlers.counting(),
                        StreamHandlers.SPINNING, StreamHandlers.spinning()))));
        list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withHandlers(HandlerTable.of(
                Map.of(0x200, ChunkHandlers.fnv1a(), 0x201, ChunkHandlers.wordSum(),
                        0x202, SimDataHandlersTest.writer(), 0x203, HandlerPrograms.counter()))));
        for (WorkerShape shape : WorkerShape.values()) {
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 1, 64).withDfaStep(true));
        }
        list.add(new MegakernelPtx.Options(new SmTarget(7, 5), WorkerShape.WARP, 64, 2048).withDfaStep(true));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.THREAD, 1, 64)
                .withHandlers(table(adapted(3, 20))).withDfaStep(true));
        list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withHandlers(HandlerTable.of(
                Map.of(0x200, ChunkHandlers.fnv1a(), 0x201, ChunkHandlers.wordSum()))).withDfaStep(true));
        list.add(defaults().withHandlers(cooperativeTable()));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.WARP, 1, 64).withHandlers(
                HandlerTable.of(Map.of(0x200, ChunkHandlers.warpWordSum(), 0x201, ChunkHandlers.wordSum()))));
        // the isolated backend's child: cursor words, with and without handlers, and the test-only injected fault
        for (WorkerShape shape : WorkerShape.values()) {
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 1, 64).withCursors(true));
        }
        list.add(defaults().withHandlers(cooperativeTable()).withCursors(true));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.THREAD, 1, 64).withHandlers(
                HandlerTable.of(Map.of(StreamHandlers.COUNTING, StreamHandlers.counting()))).withCursors(true)
                .withInjectedFault(StreamHandlers.COUNTING));
        // the vector-load warp sums (ld.v4 of mapped memory), as the ingest bench fuses them, up to the most groups
        for (int groups : new int[] {4, ChunkHandlers.WARP_VEC_GROUPS, ChunkHandlers.MAX_WARP_VEC_GROUPS}) {
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withHandlers(
                    HandlerTable.of(Map.of(0x200, ChunkHandlers.warpVectorSum(groups)))));
        }
        list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withVm(true));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.WARP, 1, 64).withVm(true)
                .withHandlers(cooperativeTable()).withDfaStep(true));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 6), WorkerShape.WARP, 1, 64).withVm(true)
                .withHandlers(HandlerTable.of(Map.of(0x300, sineHandler()))));
        // the doorbell fast path: pollers beside both shapes, with handlers and with DFA_STEP
        list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 1, 16384).withDoorbell(2));
        list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withDoorbell(
                MegakernelPtx.Options.MAX_DOORBELL_POLLERS));
        list.add(new MegakernelPtx.Options(new SmTarget(7, 5), WorkerShape.THREAD, 64, 2048).withDfaStep(true)
                .withDoorbell(1));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.THREAD, 1, 64)
                .withHandlers(table(adapted(4, 20))).withDoorbell(4));
        // tenant confinement (the window table): built-ins alone, counted handlers (data too), cooperative ones with
        // the interpreter, the doorbell pollers and the isolated backend's cursor words
        for (WorkerShape shape : WorkerShape.values()) {
            list.add(new MegakernelPtx.Options(SmTarget.SM_90, shape, 1, 64).withConfined(true));
        }
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.THREAD, 1, 64).withHandlers(HandlerTable.of(
                Map.of(0x200, ChunkHandlers.fnv1a(), 0x201, ChunkHandlers.wordSum(), 0x202, SimDataHandlersTest.writer(),
                        StreamHandlers.COUNTING, StreamHandlers.counting()))).withConfined(true));
        list.add(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 1, 64).withHandlers(table(adapted(5, 20)))
                .withConfined(true).withDoorbell(3));
        list.add(new MegakernelPtx.Options(new SmTarget(8, 0), WorkerShape.WARP, 1, 64).withVm(true)
                .withHandlers(cooperativeTable()).withConfined(true));
        list.add(defaults().withHandlers(cooperativeTable()).withCursors(true).withConfined(true));
        return list.stream();
    }

    /** The cooperative handlers of {@link CoopPrograms#mixed} (with two single ones) and the warp word sum. */
    static HandlerTable cooperativeTable() {
        List<Program> programs = new ArrayList<>(CoopPrograms.mixed());
        programs.add(ChunkHandlers.warpWordSum());
        return table(programs);
    }

    static HandlerTable table(List<Program> programs) {
        return HandlerTable.of(HandlerStream.register(programs));
    }

    /** {@code n} handlers adapted from random programs (every operator and type), each valid. */
    static List<Program> adapted(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Program> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Program p = AdaptedHandlers.generate(rnd.split());
            assertEquals(List.of(), Validator.check(p), "an adapted handler is invalid");
            out.add(p);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void assemblesWithPtxas(MegakernelPtx.Options options, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found on PATH, /usr/local/bin or /usr/local/cuda/bin: "
                + "the megakernel PTX is not assembled on this machine");
        String arch = options.target().smName();
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "megakernel", arch, MegakernelPtx.generate(options));
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "this ptxas no longer knows " + arch + ": "
                + r.output().strip());
        assertEquals(0, r.exit(), () -> "ptxas -arch=" + arch + " rejected the megakernel for " + options + ":\n"
                + r.output());
        Matcher regs = Pattern.compile("Used (\\d+) registers").matcher(r.output());
        assertTrue(regs.find(), () -> "ptxas -v reported no register count:\n" + r.output());
        assertTrue(Integer.parseInt(regs.group(1)) <= MegakernelPtx.MAX_REGISTERS, r.output());
        assertTrue(r.output().contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"),
                () -> "the kernel must run from registers alone:\n" + r.output());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void everyBranchTargetIsDefinedOnce(MegakernelPtx.Options options) {
        String ptx = MegakernelPtx.generate(options);
        Set<String> defined = new HashSet<>();
        Matcher d = LABEL_DEF.matcher(ptx);
        while (d.find()) {
            assertTrue(defined.add(d.group(1)), "label defined twice: " + d.group(1));
        }
        Matcher u = LABEL_USE.matcher(ptx);
        int uses = 0;
        while (u.find()) {
            uses++;
            assertTrue(defined.contains(u.group(1)), "branch to undefined label " + u.group(1));
        }
        assertTrue(uses > 50, "expected a dispatch with many branches, found " + uses);
    }

    @Test
    void headerAndEntryFollowTheOptions() {
        String ptx = MegakernelPtx.generate(new MegakernelPtx.Options(new SmTarget(8, 6), WorkerShape.THREAD, 7, 9));
        assertTrue(ptx.contains(".version " + SmTarget.PTX_VERSION + "\n.target sm_86\n.address_size 64\n"), ptx);
        assertTrue(ptx.contains(".visible .entry " + MegakernelPtx.ENTRY + "("));
        assertTrue(ptx.contains(".maxnreg " + MegakernelPtx.MAX_REGISTERS));
        assertTrue(ptx.contains("nanosleep.u32 %sleep;"));
        assertTrue(ptx.contains("mov.u32 %sleep, 7;"), "backoff minimum");
        assertTrue(ptx.contains("min.u32 %sleep, %sleep, 9;"), "backoff maximum");
        assertFalse(ptx.contains("and.b32 %t1, %t0, 31"), "a thread per worker has no lane test");
        String warp = MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 7, 9));
        assertTrue(warp.contains("and.b32 %t1, %t0, 31"), "a warp per worker lets lane 0 alone run");
        assertTrue(warp.contains("shr.u32 %worker, %t0, 5"));
    }

    @Test
    void parametersAreDeclaredInLaunchOrder() {
        String ptx = MegakernelPtx.generate(defaults());
        int last = -1;
        for (MegakernelPtx.Param p : MegakernelPtx.Param.values()) {
            int at = ptx.indexOf(".param " + p.type() + " " + p.ptxName());
            assertTrue(at > last, "parameter " + p + " is missing or out of order");
            last = at;
        }
    }

    @Test
    void everySharedMemoryAccessIsSystemScoped() {
        String ptx = MegakernelPtx.generate(defaults());
        Matcher m = MEMORY_OP.matcher(ptx);
        int count = 0;
        while (m.find()) {
            String op = m.group(1);
            if (op.startsWith("ld.param")) {
                continue;
            }
            count++;
            assertTrue(op.contains(".sys.global."), "memory operation without .sys scope on .global: " + op);
            assertTrue(op.contains(".relaxed.") || op.contains(".acquire.") || op.contains(".release."),
                    "memory operation without an explicit ordering: " + op);
        }
        assertTrue(count > 40, "found only " + count + " memory operations");
    }

    @Test
    void statusIsReadWithAcquireAndFinishedWithRelease() {
        String ptx = MegakernelPtx.generate(defaults());
        String status = "[%sp+" + SlotLayout.STATUS * Wire.WORD_BYTES + "]";
        long acquirePolls = 0;
        for (String line : ptx.lines().filter(l -> l.contains(status)).toList()) {
            if (line.contains("ld.")) {
                acquirePolls += line.contains("ld.acquire.sys.global.v4.u32 {%w0, %w1, %w2, %w3}") ? 1 : 0;
                assertTrue(line.contains("ld.acquire.sys") || line.contains(".v4."), line);
            } else if (line.contains("st.")) {
                boolean relaxed = line.endsWith(", " + SlotState.CLAIMED.wire() + ";")
                        || line.endsWith(", " + SlotState.DONE.wire() + ";");
                assertTrue(relaxed ? line.contains("st.relaxed.sys") : line.contains("st.release.sys"), line);
            }
        }
        assertEquals(2, acquirePolls, "the poll and the re-read after SHUTDOWN load STATUS..PRIORITY with acquire");
        assertFalse(ptx.contains("fence."), "the acquire poll needs no fence at the claim");
        assertTrue(ptx.contains("L_DONE_NOP:\n    st.relaxed.sys.global.u32 " + status + ", " + SlotState.DONE.wire()),
                "only a NOP, which wrote nothing, completes with a relaxed store");
        assertTrue(ptx.contains("mov.u32 %status, " + SlotState.DONE.wire() + ";"));
        assertTrue(ptx.contains("mov.u32 %status, " + SlotState.FAULT.wire() + ";"));
        String count = "red.release.sys.global.add.u32 [%ctl+" + ControlLayout.DONE_COUNT * Wire.WORD_BYTES + "], 1;";
        String finish = "st.release.sys.global.u32 " + status + ", %status;";
        assertEquals(1, ptx.split(java.util.regex.Pattern.quote(finish), -1).length - 1, "one finishing store");
        assertTrue(ptx.indexOf(finish) >= 0 && ptx.indexOf(finish) < ptx.indexOf(count),
                "DONE_COUNT is incremented after STATUS, with release, so a count of N means N final slots");
    }

    @Test
    void dispatchNamesEverySystemOpcodeItRuns() {
        String ptx = MegakernelPtx.generate(defaults());
        for (int op : new int[] {Opcodes.STORE_U32, Opcodes.ATOMIC_ADD, Opcodes.LOAD_U32, Opcodes.COMPARE_SWAP,
            Opcodes.MEMCPY, Opcodes.BATCH_FENCE, Opcodes.PRINTF, Opcodes.PACKED_SLOT, Opcodes.SHUTDOWN}) {
            assertTrue(ptx.contains("L_OP_" + Opcodes.name(op) + ":"), "no body for " + Opcodes.name(op));
        }
        assertFalse(ptx.contains("L_OP_" + Opcodes.name(Opcodes.DFA_STEP) + ":"), "DFA_STEP has no executor");
    }

    @Test
    void handlersAreCalledOnTheScratchAndTheirBitsAndResultsFollowTheCpuRules() {
        List<Program> programs = HandlerPrograms.all();
        HandlerTable handlers = table(programs);
        String ptx = MegakernelPtx.generate(defaults().withHandlers(handlers));
        int entry = ptx.indexOf(".visible .entry");
        for (int i = 0; i < programs.size(); i++) {
            String func = ".func (.param .b32 status) " + MegakernelPtx.HANDLER_FUNC + i + "(";
            assertTrue(ptx.indexOf(func) >= 0 && ptx.indexOf(func) < entry, "handler " + i + " precedes the entry");
            String opcode = "setp.eq.u32 %p0, %w" + SlotLayout.OPCODE + ", " + handlers.opcode(i) + ";\n"
                    + "    @%p0 mov.u32 %bit, " + (Permissions.FIRST_USER_BIT + i) + ";";
            assertTrue(ptx.contains(opcode), "handler " + i + " has permission bit 12 + " + i);
            assertTrue(ptx.contains("L_HANDLER_" + i + ":\n    st.global.v4.u32 [%scratch+0], {%w4, %w5, %w6, %w7};"
                    + "\n    st.global.v4.u32 [%scratch+16], {%w8, %w9, %w10, %w11};"
                    + "\n    st.global.v4.u32 [%scratch+32], {%w12, %w13, %w14, %w15};"
                    + "\n    call (%hstatus), " + MegakernelPtx.HANDLER_FUNC + i
                    + ", (%scratch, %ctl, %ctl_words, %data, %data_bytes, %budget);"),
                    "handler " + i + " runs on the scratch copy");
        }
        String result = ptx.substring(ptx.indexOf("L_HANDLER_RESULT:"), ptx.indexOf("L_HANDLER_OK:"));
        assertTrue(result.contains("@%p0 mov.u32 %fcode, " + FaultCode.STEP_BUDGET.wire() + ";\n    @%p0 mov.u32 "
                + "%fdetail, %budget;"), "STEP_BUDGET reports the budget:\n" + result);
        assertTrue(result.contains("mov.u32 %fcode, " + FaultCode.HANDLER_FAULT.wire() + ";\n    mov.u32 %fdetail,"
                + " 0;"), "other statuses are HANDLER_FAULT 0:\n" + result);
        String ok = ptx.substring(ptx.indexOf("L_HANDLER_OK:"));
        for (int w = 0; w < SlotLayout.ARGS_PER_SLOT; w += 4) {
            int at = (SlotLayout.ARG0 + w) * Wire.WORD_BYTES;
            assertTrue(ok.contains("st.relaxed.sys.global.v4.u32 [%sp+" + at + "]"), "ARG" + w + " copied back");
        }
        assertTrue(ok.indexOf("bra L_DONE;") > ok.lastIndexOf("st.relaxed.sys.global.v4.u32"),
                "the arguments are copied back before the slot completes");
    }

    @Test
    void everyEntryAccessIsSystemScopedButTheWorkersOwnScratch() {
        String ptx = MegakernelPtx.generate(defaults().withHandlers(table(HandlerPrograms.all())));
        Matcher m = MEMORY_OP.matcher(ptx.substring(ptx.indexOf(".visible .entry")));
        int scratch = 0;
        while (m.find()) {
            String line = ptx.substring(ptx.indexOf(".visible .entry")).substring(m.start()).lines().findFirst()
                    .orElseThrow();
            String op = m.group(1);
            if (op.startsWith("ld.param")) {
                continue;
            }
            if (line.contains("[%scratch")) {
                scratch++;
                assertTrue(op.equals("st.global.v4.u32") || op.equals("ld.global.v4.u32"), line);
            } else {
                assertTrue(op.contains(".sys.global."), "memory operation without .sys scope on .global: " + line);
            }
        }
        assertEquals(3 * HandlerPrograms.all().size() + 3, scratch, "12 words in per handler, 12 back once");
    }

    @Test
    void doorbellClaimsGoThroughDeviceMemoryAndTheRingStaysAsItWas() {
        String plain = MegakernelPtx.generate(defaults());
        assertFalse(plain.contains("%bell"), "without pollers the kernel has no doorbell code");
        String ptx = MegakernelPtx.generate(defaults().withDoorbell(2));
        // the claim word: device memory, gpu scope; claimed by compare-and-swap on both sides, finished with release
        assertEquals(2, ptx.split(Pattern.quote("atom.acquire.gpu.global.cas.b32 %t0, [%bell_at], %bell_key, %t1;"),
                -1).length - 1, "one claim for the ring workers, one for the pollers");
        assertTrue(ptx.contains("ld.acquire.gpu.global.u32 %t0, [%bell_at];"), "ring workers read the claim word");
        assertTrue(ptx.contains("st.release.gpu.global.u32 [%bell_at], %t0;"), "the finisher releases the next key");
        assertTrue(ptx.indexOf("st.release.gpu.global.u32 [%bell_at]") > ptx.indexOf("L_NEXT:"),
                "the next key is stored after the slot's STATUS");
        // the doorbell line: one 8-byte acquire load of the whole entry (single-copy atomic), never written by the device
        assertTrue(ptx.contains("ld.acquire.sys.global.u64 %bell_entry, [%bell+0];"));
        assertFalse(Pattern.compile("(st|red|atom)\\.[^\\n]*\\[%bell\\]").matcher(ptx).find(),
                "no device store to the doorbell line");
        // every other shared access is as in the classic kernel: .sys with an explicit order
        Matcher m = MEMORY_OP.matcher(ptx.substring(ptx.indexOf(".visible .entry")));
        while (m.find()) {
            String op = m.group(1);
            String line = ptx.substring(ptx.indexOf(".visible .entry")).substring(m.start()).lines().findFirst()
                    .orElseThrow();
            if (op.startsWith("ld.param") || line.contains("[%bell_at]")) {
                continue;
            }
            assertTrue(op.contains(".sys.global."), "memory operation without .sys scope on .global: " + line);
        }
        assertThrows(CudaBackendException.class, () -> defaults().withDoorbell(
                MegakernelPtx.Options.MAX_DOORBELL_POLLERS + 1));
        assertThrows(CudaBackendException.class, () -> defaults().withDoorbell(-1));
        assertThrows(CudaBackendException.class, () -> defaults().withHandlers(cooperativeTable()).withDoorbell(1),
                "a poller is one thread: no cooperative handlers");
    }

    @Test
    void handlersNeedSm80AndALowerableProgram() {
        HandlerTable counting = HandlerTable.of(Map.of(StreamHandlers.COUNTING, StreamHandlers.counting()));
        CudaBackendException old = assertThrows(CudaBackendException.class, () -> MegakernelPtx.generate(
                new MegakernelPtx.Options(new SmTarget(7, 5), WorkerShape.THREAD, 64, 2048).withHandlers(counting)));
        assertTrue(old.getMessage().contains("older than sm_80") && old.getMessage().contains("Fix:"),
                old.getMessage());
        Program dispatch = HandlerPrograms.handler(List.of(new Node.Block(List.of(
                new Node.IndirectDispatch(HandlerTable.ARGS, 0)))));
        HandlerTable withDispatch = HandlerTable.of(Map.of(0x300, StreamHandlers.counting(), 0x301, dispatch));
        CudaBackendException refused = assertThrows(CudaBackendException.class,
                () -> MegakernelPtx.generate(defaults().withHandlers(withDispatch)));
        assertTrue(refused.getMessage().contains("user handler USER(0x00000301) cannot be fused")
                && refused.getMessage().contains("IndirectDispatch")
                && refused.getMessage().contains("body[0].Block.body[0]")
                && refused.getMessage().contains("Fix:"), refused.getMessage());
        String fused = MegakernelPtx.generate(defaults().withHandlers(HandlerTable.of(Map.of(0x300, sineHandler()))));
        assertTrue(fused.indexOf(".func (.param .f64 r) vyre_fdlibm_trig(") < fused.indexOf(".func (.param .b32"),
                "the fdlibm function comes before the handler that calls it");
    }

    /** A handler that stores {@code (u32) sin((f32) arg1)} to arg 0: it calls the fdlibm trigonometric function. */
    static Program sineHandler() {
        return HandlerPrograms.handler(List.of(new Node.Store(HandlerTable.ARGS, Expr.u32(0),
                new Expr.Cast(ScalarType.U32, Expr.un(UnaryOp.SIN, new Expr.Cast(ScalarType.F32,
                        HandlerPrograms.arg(1)))))));
    }

    /** The fdlibm function that computes the transcendental opcode {@code op} (Sin, Cos and Tan share one). */
    private static String fdlibmFunction(VmOp op) {
        String name = op.name().substring(0, op.name().length() - "_F32".length()).toLowerCase(Locale.ROOT);
        return "vyre_fdlibm_" + (name.equals("sin") || name.equals("cos") || name.equals("tan") ? "trig" : name);
    }

    @Test
    void theInterpreterCallsEveryFdlibmFunctionDefinedOnceBeforeTheEntry() {
        String plain = MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64));
        assertFalse(plain.contains("vyre_fdlibm_"), "no interpreter, no handler calling them: no fdlibm functions");
        for (String ptx : List.of(
                MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withVm(true)),
                MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 1, 64).withVm(true)
                        .withHandlers(HandlerTable.of(Map.of(0x300, sineHandler())))))) {
            int entry = ptx.indexOf(".visible .entry ");
            int transcendental = 0;
            for (VmOp op : VmOp.values()) {
                if (!op.transcendental()) {
                    continue;
                }
                transcendental++;
                String function = fdlibmFunction(op);
                String definition = ".func (.param .f64 r) " + function + "(";
                assertEquals(1, ptx.split(Pattern.quote(definition), -1).length - 1, function + " defined once");
                assertTrue(ptx.indexOf(definition) < entry, function + " is defined before the entry");
                int at = ptx.indexOf("L_VM_" + op.name() + ":");
                assertTrue(at > entry, "the interpreter has a handler for " + op);
                String handler = ptx.substring(at, ptx.indexOf("bra L_VM_STEP;", at));
                assertTrue(handler.contains("cvt.f64.f32 ") && handler.contains("), " + function + ", (")
                        && handler.contains("cvt.rn.f32.f64 "), op + " calls " + function + " on the widened operand"
                        + " and rounds once:\n" + handler);
                assertTrue(handler.startsWith("L_VM_" + op.name() + ":\n    // only issuing lanes call"), handler);
                assertTrue(handler.contains("@!%vissue bra L_VM_" + op.name() + "_SKIP;"), "others skip the call");
                assertTrue(handler.indexOf("L_VM_" + op.name() + "_SKIP:") > handler.indexOf("call ("), handler);
                assertTrue(handler.contains("@%vissue st.global.u32 [%vda], %vres;"), "issuing lanes write d");
            }
            assertEquals(13, transcendental);
        }
    }

    @Test
    void everyWitherKeepsTheOtherOptions() {
        MegakernelPtx.Options all = new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 2, 128)
                .withConfined(true).withDoorbell(2).withDfaStep(true).withCursors(false);
        for (MegakernelPtx.Options o : List.of(all.withDfaStep(true), all.withHandlers(HandlerTable.empty()),
                all.withCursors(false), all.withDoorbell(2), all.withInjectedFault(0), all.withConfined(true))) {
            assertEquals(all, o, "a wither changed another option");
        }
        assertTrue(all.confined() && all.dfaStep() && all.doorbellPollers() == 2, all.toString());
    }

    @Test
    void cooperativeHandlersKeepTheWholeWarpAndOthersRunOnLaneZero() {
        HandlerTable coop = cooperativeTable();
        String ptx = MegakernelPtx.generate(defaults().withHandlers(coop));
        assertTrue(ptx.matches("(?s).*mov\\.u32 %t0, %laneid;\\s*setp\\.ne\\.u32 %p0, %t0, 0;\\s*@%p0 bra "
                + "L_LANES_WAIT;.*"), "lanes 1..31 must go to the lane loop");
        assertFalse(ptx.contains("only lane 0 of each group"), "no lane may exit at launch");
        for (int i = 0; i < coop.size(); i++) {
            String call = "call (%hstatus), user_handler_" + i + ", (";
            int calls = ptx.split(Pattern.quote(call), -1).length - 1;
            assertEquals(coop.cooperative(i) ? 2 : 1, calls, "calls of handler " + i + " (cooperative: lane 0 and"
                    + " lanes 1..31; single: lane 0 alone)");
            int at = ptx.indexOf("L_HANDLER_" + i + ":");
            String lane0 = ptx.substring(at, ptx.indexOf(call, at));
            assertEquals(coop.cooperative(i), lane0.contains("shfl.sync.idx.b32 %lane_cmd"),
                    "lane 0 wakes the lanes exactly for cooperative handler " + i);
        }
        assertTrue(ptx.contains("bra L_LANES_STOP;"), "lane 0 stops the lanes before it exits");
        String single = MegakernelPtx.generate(defaults().withHandlers(table(HandlerPrograms.all())));
        for (String warpOp : List.of("%laneid", "shfl.", "vote.", "redux.", "bar.warp", "L_LANES")) {
            assertFalse(single.contains(warpOp), "the single-invocation path must not use " + warpOp);
        }
        CudaBackendException thread = assertThrows(CudaBackendException.class, () -> MegakernelPtx.generate(
                new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 64, 2048).withHandlers(coop)));
        assertTrue(thread.getMessage().contains("WorkerShape.WARP") && thread.getMessage().contains("Fix:"),
                thread.getMessage());
        assertEquals(WorkerShape.WARP, WorkerShape.forHandlers(WorkerShape.THREAD, coop));
        assertEquals(WorkerShape.THREAD, WorkerShape.forHandlers(WorkerShape.THREAD, table(HandlerPrograms.all())));
    }

    @Test
    void optionsRefuseBadBackoffAndNulls() {
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                0, 10));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                10, 9));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                1, MegakernelPtx.Options.NANOSLEEP_MAX + 1));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(null, WorkerShape.WARP, 1, 2));
        assertThrows(CudaBackendException.class, () -> new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP,
                1, 2, null));
        assertThrows(CudaBackendException.class, () -> MegakernelPtx.generate(null));
    }

    /**
     * Confinement code (the window table, its checks, counted handlers) exists only in kernels with confined tenants:
     * every other kernel is the one it was before confinement existed.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void confinementCodeOnlyInConfinedKernels(MegakernelPtx.Options options) {
        String ptx = MegakernelPtx.generate(options);
        assertEquals(options.confined(), ptx.contains("%win"), "window registers");
        assertEquals(options.confined(), ptx.contains(ConfinementPtx.OUT_OF_REGION), "OUT_OF_REGION fault");
        assertEquals(options.confined() && options.handlers().size() > 0
                && java.util.stream.IntStream.range(0, options.handlers().size())
                        .anyMatch(i -> !options.handlers().cooperative(i)),
                ptx.contains(dev.vyre.cuda.ptx.PtxEmitter.HANDLER_OUT_OF_BOUNDS), "counted handlers");
    }

    private static MegakernelPtx.Options defaults() {
        return new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.WARP, 64, 2048);
    }
}
