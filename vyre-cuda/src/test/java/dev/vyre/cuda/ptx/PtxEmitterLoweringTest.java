package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.ProgramCorpus.in;
import static dev.vyre.cuda.ptx.ProgramCorpus.let;
import static dev.vyre.cuda.ptx.ProgramCorpus.out;
import static dev.vyre.cuda.ptx.ProgramCorpus.store;
import static dev.vyre.cuda.ptx.ProgramCorpus.workgroup;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.gid;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.ScalarType.BYTES;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The lowering decisions that exactness and the ABI rest on, read off the emitted PTX text. */
class PtxEmitterLoweringTest {
    private static final Program.WorkgroupSize WG = Program.WorkgroupSize.of(64);

    private static PtxKernel kernel(List<BufferDecl> buffers, Node... body) {
        return PtxEmitter.emitKernel(Program.of(WG, buffers, List.of(body)), "k", PtxTarget.SM_90);
    }

    private static PtxKernel binary(BinaryOp op, ScalarType t) {
        return kernel(List.of(in("a", 0, t), in("b", 1, t), out("out", 2, t)),
                store("out", gid(0), bin(op, load("a", gid(0)), load("b", gid(0)))));
    }

    /** The instruction lines of a PTX text (labels, directives and declarations left out). */
    private static List<String> instructions(String ptx) {
        List<String> out = new ArrayList<>();
        for (String line : ptx.split("\n")) {
            String t = line.strip();
            if (t.endsWith(";") && !t.startsWith(".")) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void kernelHasTheHeaderTheParameterAbiAndTheBlockShape() {
        Program p = Program.of(new Program.WorkgroupSize(8, 4, 2), List.of(in("a", 3, F32),
                workgroup("scratch", 1, BYTES, 10), out("b", 0, I32)), List.of(new Node.Barrier()));
        PtxKernel k = PtxEmitter.emitKernel(p, "my_kernel", PtxTarget.SM_90);
        assertTrue(k.ptx().startsWith(".version 8.0\n.target sm_90\n.address_size 64\n"), k.ptx());
        assertTrue(k.ptx().endsWith(k.entry()));
        assertEquals("my_kernel", k.entryName());
        assertEquals(List.of(
                new PtxKernel.Param("vyre_buf0", ".u64", PtxKernel.ParamKind.BUFFER_POINTER, "a"),
                new PtxKernel.Param("vyre_len0", ".u32", PtxKernel.ParamKind.ELEMENT_COUNT, "a"),
                new PtxKernel.Param("vyre_buf1", ".u64", PtxKernel.ParamKind.BUFFER_POINTER, "b"),
                new PtxKernel.Param("vyre_len1", ".u32", PtxKernel.ParamKind.ELEMENT_COUNT, "b"),
                new PtxKernel.Param("vyre_oob", ".u64", PtxKernel.ParamKind.OOB_COUNTERS, null)), k.params());
        assertEquals(List.of("a", "b"), k.boundBuffers());
        assertTrue(k.entry().startsWith(".visible .entry my_kernel(\n\t.param .u64 vyre_buf0,\n\t.param .u32 "
                + "vyre_len0,\n\t.param .u64 vyre_buf1,\n\t.param .u32 vyre_len1,\n\t.param .u64 vyre_oob\n)\n"
                + ".reqntid 8, 4, 2\n"), k.entry());
        // 10 bytes of scratch, rounded up to whole words so that it can be zeroed word by word
        assertTrue(k.entry().contains(".shared .align 4 .b8 vyre_wg1[12];"), k.entry());
        assertEquals(new Program.WorkgroupSize(8, 4, 2), k.workgroupSize());
    }

    @Test
    void f32ArithmeticRoundsToNearestEvenAndIsNeverContractedApproximatedOrFlushed() {
        assertTrue(instructions(binary(BinaryOp.ADD, F32).ptx()).stream().anyMatch(s -> s.startsWith("add.rn.f32")));
        assertTrue(instructions(binary(BinaryOp.SUB, F32).ptx()).stream().anyMatch(s -> s.startsWith("sub.rn.f32")));
        assertTrue(instructions(binary(BinaryOp.MUL, F32).ptx()).stream().anyMatch(s -> s.startsWith("mul.rn.f32")));
        assertTrue(instructions(binary(BinaryOp.DIV, F32).ptx()).stream().anyMatch(s -> s.startsWith("div.rn.f32")));
        Pattern unrounded = Pattern.compile("\\b(add|sub|mul|div|fma|sqrt|rcp)\\.f(32|64)\\b");
        for (ProgramCorpus.Case c : ProgramCorpus.kernels()) {
            String ptx = PtxEmitter.emitKernel(c.program(), "k", PtxTarget.SM_90).ptx();
            assertFalse(ptx.contains(".approx"), c.name());
            assertFalse(ptx.contains(".ftz"), c.name());
            assertFalse(ptx.contains(".sat"), c.name() + ": ptxas mis-fuses .sat adds; saturation is explicit");
            assertFalse(unrounded.matcher(ptx).find(), c.name() + " has an f32/f64 operation without .rn");
        }
    }

    @Test
    void onlyFmaEmitsAFusedMultiplyAdd() {
        for (ProgramCorpus.Case c : ProgramCorpus.kernels()) {
            boolean fused = PtxEmitter.emitKernel(c.program(), "k", PtxTarget.SM_90).ptx().contains("fma.rn.f32");
            assertEquals(c.name().equals("fma"), fused, c.name());
        }
    }

    @Test
    void anAtomicAddWhoseValueNobodyReadsIsARed() {
        List<BufferDecl> rw = List.of(ProgramCorpus.readWrite("c", 0, U32), ProgramCorpus.readWrite("d", 1, U32),
                workgroup("w", 2, U32, 4));
        Expr add = new Expr.Atomic(dev.vyre.ir.AtomicOp.ADD, "c", u32(0), null, u32(1));
        // unread: a red, guarded like the atomic and counted out of bounds the same way
        List<String> unread = instructions(kernel(rw, let("n", add)).entry());
        assertTrue(unread.stream().anyMatch(s -> s.matches("@%p\\d+ red\\.global\\.add\\.u32 \\[%rd\\d+], %r\\d+;")),
                unread.toString());
        assertFalse(unread.stream().anyMatch(s -> s.startsWith("atom.") || s.contains(" atom.")), unread.toString());
        // read later (or by a sleep, or an exchange): an atom, whose value the variable gets
        List<String> read = instructions(kernel(rw, let("n", add), store("d", gid(0), var("n"))).entry());
        assertTrue(read.stream().anyMatch(s -> s.contains("atom.global.add.u32 ")), read.toString());
        Expr exch = new Expr.Atomic(dev.vyre.ir.AtomicOp.EXCHANGE, "c", u32(0), null, u32(1));
        assertTrue(instructions(kernel(rw, let("n", exch)).entry()).stream()
                .anyMatch(s -> s.contains("atom.global.exch.b32 ")));
        // shared memory keeps its atom (no red there in the emitter)
        Expr shared = new Expr.Atomic(dev.vyre.ir.AtomicOp.ADD, "w", u32(0), null, u32(1));
        assertTrue(instructions(kernel(rw, let("n", shared)).entry()).stream()
                .anyMatch(s -> s.contains("atom.shared.add.u32 ")));
    }

    @Test
    void outOfBoundsLoadsAndStoresAreGuardedAndCountedInTheirOwnWords() {
        PtxKernel k = kernel(List.of(in("a", 0, U32), out("b", 1, U32)),
                store("b", gid(0), load("a", gid(0))));
        List<String> ins = instructions(k.entry());
        assertTrue(ins.stream().anyMatch(s -> s.matches("@%p\\d+ ld\\.global\\.u32 %r\\d+, \\[%rd\\d+\\];")), k.entry());
        assertTrue(ins.stream().anyMatch(s -> s.matches("@!%p\\d+ red\\.global\\.add\\.u32 \\[%rd\\d+\\+0], 1;")));
        assertTrue(ins.stream().anyMatch(s -> s.matches("@%p\\d+ st\\.global\\.u32 \\[%rd\\d+], %r\\d+;")));
        assertTrue(ins.stream().anyMatch(s -> s.matches("@!%p\\d+ red\\.global\\.add\\.u32 \\[%rd\\d+\\+4], 1;")));
        assertEquals(0, PtxKernel.OOB_LOADS_WORD);
        assertEquals(1, PtxKernel.OOB_STORES_WORD);
    }

    @Test
    void bytesAreByteAddressedAndI32IndicesAreCheckedForSign() {
        PtxKernel k = kernel(List.of(in("a", 0, BYTES), in("idx", 1, I32), out("b", 2, BYTES)),
                store("b", load("idx", gid(0)), load("a", gid(0))));
        assertTrue(k.entry().contains("ld.global.u8 "), k.entry());
        assertTrue(k.entry().contains("st.global.u8 "), k.entry());
        assertTrue(k.entry().matches("(?s).*setp\\.ge\\.s32 (%p\\d+), %r\\d+, 0;\\s+setp\\.lt\\.and\\.u32 %p\\d+, "
                + "%r\\d+, %r\\d+, \\1;.*"), k.entry());
    }

    @Test
    void returnExitsTheKernelAndBarrierIsANonAlignedCtaBarrier() {
        PtxKernel k = kernel(List.of(out("b", 0, U32)), new Node.Barrier(), new Node.AsyncLoad(), new Node.AsyncWait(),
                new Node.Return());
        List<String> ins = instructions(k.entry());
        assertEquals(List.of("barrier.sync 0;", "exit;", "exit;"), ins.subList(ins.size() - 3, ins.size()));
        assertFalse(k.entry().contains("bar.sync"), "bar.sync is barrier.sync.aligned, wrong for divergent code");
    }

    @Test
    void integerDivisionAndShiftsGuardTheHardwareCornerCases() {
        List<String> div = instructions(binary(BinaryOp.DIV, I32).entry());
        assertTrue(div.stream().anyMatch(s -> s.startsWith("div.s32")));
        assertTrue(div.stream().anyMatch(s -> s.matches("setp\\.eq\\.u32 %p\\d+, %r\\d+, 0xFFFFFFFF;")), "MIN / -1");
        assertTrue(div.stream().anyMatch(s -> s.matches("setp\\.eq\\.u32 %p\\d+, %r\\d+, 0;")), "division by 0");
        List<String> shl = instructions(binary(BinaryOp.SHL, U32).entry());
        assertTrue(shl.stream().anyMatch(s -> s.matches("and\\.b32 %r\\d+, %r\\d+, 31;")), "shift amount & 31");
        assertTrue(instructions(binary(BinaryOp.ROTATE_LEFT, U32).entry()).stream()
                .anyMatch(s -> s.startsWith("shf.l.wrap.b32")));
    }

    @Test
    void fullWarpsUseAConstantMemberMaskAndPartialWarpsComputeTheirs() {
        Node shuffle = store("out", gid(0), bin(BinaryOp.SHUFFLE, load("a", gid(0)), u32(3)));
        List<BufferDecl> buffers = List.of(in("a", 0, U32), out("out", 1, U32));
        String full = PtxEmitter.emitKernel(Program.of(WG, buffers, List.of(shuffle)), "k", PtxTarget.SM_90).entry();
        String partial = PtxEmitter.emitKernel(Program.of(Program.WorkgroupSize.of(48), buffers, List.of(shuffle)),
                "k", PtxTarget.SM_90).entry();
        assertTrue(full.matches("(?s).*shfl\\.sync\\.idx\\.b32 %r\\d+, %r\\d+, %r\\d+, 31, 0xFFFFFFFF;.*"), full);
        assertTrue(partial.matches("(?s).*shfl\\.sync\\.idx\\.b32 %r\\d+, %r\\d+, %r\\d+, 31, %r\\d+;.*"), partial);
        assertFalse(full.contains("activemask"), "the live set comes from vote.sync.ballot, not activemask");
    }

    @Test
    void integerWaveReductionsUseReduxAndF32OnesFoldInLaneOrder() {
        List<BufferDecl> ints = List.of(in("a", 0, I32), out("out", 1, I32));
        String min = kernel(ints, store("out", gid(0), bin(BinaryOp.WAVE_REDUCE, load("a", gid(0)), u32(1))))
                .entry();
        assertTrue(min.contains("redux.sync.min.s32 "), min);
        List<BufferDecl> floats = List.of(in("a", 0, F32), out("out", 1, F32));
        String sum = kernel(floats, store("out", gid(0), bin(BinaryOp.WAVE_REDUCE, load("a", gid(0)), u32(0))))
                .entry();
        assertFalse(sum.contains("redux"), sum);
        assertTrue(sum.matches("(?s).*\\$L\\d+_reduce:.*shfl\\.sync\\.idx\\.b32.*add\\.rn\\.f32.*"
                + "setp\\.lt\\.u32 %p\\d+, %r\\d+, 32;\\s+@%p\\d+ bra \\$L\\d+_reduce;.*"), sum);
    }

    @Test
    void aForBoundThatTheBodyAssignsIsCopiedBeforeTheLoop() {
        PtxKernel k = kernel(List.of(out("out", 0, U32)), let("n", u32(4)),
                new Node.For("j", u32(0), var("n"), List.of(new Node.Assign("n", bin(BinaryOp.ADD, var("n"), u32(1))))),
                store("out", gid(0), var("n")));
        Matcher m = Pattern.compile("setp\\.ge\\.u32 %p\\d+, %r\\d+, (%r\\d+);").matcher(k.entry());
        assertTrue(m.find(), k.entry());
        String bound = m.group(1);
        long writes = instructions(k.entry()).stream().filter(s -> s.matches("\\w+(\\.\\w+)* " + bound + ",.*"))
                .count();
        assertEquals(1, writes, "the bound register is written once, before the loop:\n" + k.entry());
    }

    @Test
    void handlerFunctionHasTheMegakernelSignatureSystemScopeControlAndAPlainArgumentScratch() {
        Program h = ProgramCorpus.handlers().get(1).program(); // every atomic, loads and stores on both buffers
        String func = PtxEmitter.emitHandler(h, "user_op_7", PtxTarget.SM_90);
        assertTrue(func.startsWith(".func (.param .b32 status) user_op_7(.param .u64 args, .param .u64 control, "
                + ".param .u32 control_words, .param .u64 data, .param .u32 data_bytes, .param .u32 step_budget)"
                + "\n{\n"), func);
        String args = register(func, "ld\\.param\\.u64 (%rd\\d+), \\[args]");
        String control = register(func, "ld\\.param\\.u64 (%rd\\d+), \\[control]");
        String argsBase = register(func, "cvta\\.to\\.global\\.u64 (%rd\\d+), " + args + ";");
        String controlBase = register(func, "cvta\\.to\\.global\\.u64 (%rd\\d+), " + control + ";");
        List<String> lines = instructions(func);
        int onControl = 0;
        int onArgs = 0;
        for (String line : lines) {
            String s = line.replaceFirst("^@!?%p\\d+ ", "");
            if (!s.matches("(ld|st|atom|red)\\..*") || s.startsWith("ld.param") || s.startsWith("st.param")) {
                continue;
            }
            String address = s.replaceFirst("^[^\\[]*\\[(%rd\\d+)].*$", "$1");
            String base = baseOf(lines, address);
            if (base.equals(controlBase)) {
                onControl++;
                assertTrue(s.matches("(ld|st|atom)\\.relaxed\\.sys\\.global\\..*"), "control not system scope: " + s);
            } else {
                assertEquals(argsBase, base, "an access through neither buffer: " + s);
                onArgs++;
                assertTrue(s.matches("(ld|st|atom)\\.global\\..*"), "the argument scratch is plain global: " + s);
            }
        }
        assertTrue(onControl > 10 && onArgs > 10, onControl + " control and " + onArgs + " argument accesses");
        assertTrue(func.matches("(?s).*setp\\.gt\\.u64 (%p\\d+), %rd\\d+, %rd\\d+;\n\tselp\\.b32 (%r\\d+), "
                + PtxEmitter.HANDLER_STEP_BUDGET + ", " + PtxEmitter.HANDLER_OK + ", \\1;\n"
                + "\tst\\.param\\.b32 \\[status], \\2;\n\tret;.*"),
                "the end: more steps than the budget is STEP_BUDGET, else OK\n" + func);
        assertTrue(func.endsWith("_exhausted:\n\tst.param.b32 [status], " + PtxEmitter.HANDLER_STEP_BUDGET
                + ";\n\tret;\n}\n"), "the cut-off exit returns STEP_BUDGET\n" + func);
        assertFalse(func.contains("exit;"));
    }

    @Test
    void handlerDataIsMappedMemoryOfTheRegionsLength() {
        String bytes = PtxEmitter.emitHandler(corpusHandler("h_data_bytes"), "h", PtxTarget.SM_90);
        String dataBytes = register(bytes, "ld\\.param\\.u32 (%r\\d+), \\[data_bytes]");
        assertTrue(bytes.matches("(?s).*@%p\\d+ ld\\.relaxed\\.sys\\.global\\.u8 .*"), bytes);
        assertTrue(bytes.matches("(?s).*@%p\\d+ st\\.relaxed\\.sys\\.global\\.u8 .*"), bytes);
        assertTrue(bytes.contains(", " + dataBytes + ";"), "Bytes: the bound is the byte length\n" + bytes);
        String words = PtxEmitter.emitHandler(corpusHandler("h_data_words"), "h", PtxTarget.SM_90);
        String wordBytes = register(words, "ld\\.param\\.u32 (%r\\d+), \\[data_bytes]");
        String count = register(words, "shr\\.u32 (%r\\d+), " + Pattern.quote(wordBytes) + ", 2;");
        assertTrue(words.contains("setp.lt.u32 %p") && words.contains(", " + count + ";"), "U32: bytes / 4\n" + words);
        assertTrue(words.matches("(?s).*@%p\\d+ atom\\.relaxed\\.sys\\.global\\.add\\.u32 .*"), words);
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** {@code Let name_k = buffer[p + k]} for the given offsets, in that order. */
    private static List<Node> lets(String name, String buffer, String p, int... offsets) {
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < offsets.length; i++) {
            Expr index = offsets[i] == 0 ? var(p) : Expr.add(var(p), u32(offsets[i]));
            out.add(let(name + i, load(buffer, index)));
        }
        return out;
    }

    private static String vectorKernel(ScalarType srcType, Expr p, List<Node> loads) {
        List<Node> body = new ArrayList<>();
        body.add(let("p", p));
        body.addAll(loads);
        body.add(store("out", gid(0), u32(1)));
        return PtxEmitter.emitKernel(Program.of(WG, List.of(in("src", 0, srcType), in("src2", 1, srcType),
                workgroup("wg", 2, U32, 64), out("out", 3, U32)), body), "k", PtxTarget.SM_90).ptx();
    }

    @Test
    void fourConsecutiveWordLoadsBecomeOneVectorLoad() {
        String kernel = PtxEmitter.emitKernel(ProgramCorpus.kernels().stream().filter(c -> c.name().equals(
                "vec_u32")).findFirst().orElseThrow().program(), "k", PtxTarget.SM_90).ptx();
        assertEquals(2, count(kernel, "@%p\\d+ ld\\.global\\.v4\\.u32 \\{%r\\d+, %r\\d+, %r\\d+, %r\\d+}, "
                + "\\[%rd\\d+];"), kernel);
        assertEquals(2, count(kernel, "and\\.b64 %rd\\d+, %rd\\d+, 15;"), "the alignment test\n" + kernel);
        assertEquals(2, count(kernel, "@%p\\d+ bra \\$L\\d+_vector_loaded;"), "the branch past the fallback\n"
                + kernel);
        String handler = PtxEmitter.emitHandler(corpusHandler("h_data_vector"), "h", PtxTarget.SM_90);
        assertEquals(2, count(handler, "@%p\\d+ ld\\.relaxed\\.sys\\.global\\.v4\\.u32 "), handler);
        String v4 = "ld\\.global\\.v4";
        Expr p = Expr.bin(BinaryOp.BIT_AND, gid(0), u32(0xFF));
        assertEquals(1, count(vectorKernel(U32, p, lets("w", "src", "p", 0, 1, 2, 3)), v4));
        assertEquals(1, count(vectorKernel(F32, p, lets("w", "src", "p", 0, 1, 2, 3)), v4));
        assertEquals(0, count(vectorKernel(U32, p, lets("w", "src", "p", 0, 1, 2)), v4), "three loads");
        assertEquals(0, count(vectorKernel(U32, p, lets("w", "src", "p", 0, 2, 1, 3)), v4), "out of order");
        assertEquals(0, count(vectorKernel(U32, p, lets("w", "src", "p", 1, 2, 3, 4)), v4), "p is not the first");
        assertEquals(0, count(vectorKernel(ScalarType.BOOL, p, lets("w", "src", "p", 0, 1, 2, 3)), v4), "Bool");
        assertEquals(0, count(vectorKernel(BYTES, p, lets("w", "src", "p", 0, 1, 2, 3)), v4), "Bytes");
        assertEquals(0, count(vectorKernel(U32, p, lets("w", "wg", "p", 0, 1, 2, 3)), "\\.v4\\."), "shared");
        assertEquals(0, count(vectorKernel(I32, new Expr.Cast(I32, p), List.of(let("w0", load("src", var("p"))),
                let("w1", load("src", Expr.add(var("p"), Expr.i32(1)))), let("w2", load("src", Expr.add(var("p"),
                Expr.i32(2)))), let("w3", load("src", Expr.add(var("p"), Expr.i32(3)))))), v4), "an I32 index");
        List<Node> mixed = lets("w", "src", "p", 0, 1, 2, 3);
        mixed.set(2, let("w2", load("src2", Expr.add(var("p"), u32(2)))));
        assertEquals(0, count(vectorKernel(U32, p, mixed), v4), "two buffers");
        List<Node> between = lets("w", "src", "p", 0, 1, 2, 3);
        between.add(2, let("x", u32(5)));
        assertEquals(0, count(vectorKernel(U32, p, between), v4), "a node between");
        List<Node> eight = lets("w", "src", "p", 0, 1, 2, 3, 0, 1, 2, 3);
        assertEquals(2, count(vectorKernel(U32, p, eight), v4), "two matches in a row");
    }

    private static Program corpusHandler(String name) {
        return ProgramCorpus.handlers().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow()
                .program();
    }

    /** The register a pattern's group 1 captures in {@code text}. */
    private static String register(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), pattern + " not found in\n" + text);
        return m.group(1);
    }

    /** The 64-bit base an address register was computed from ({@code add.s64 address, base, offset}). */
    private static String baseOf(List<String> lines, String address) {
        for (String s : lines) {
            Matcher m = Pattern.compile("add\\.s64 " + Pattern.quote(address) + ", (%rd\\d+), %rd\\d+;").matcher(s);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return address;
    }

    @Test
    void handlerIdsAreZeroAndItsBufferLengthsComeFromTheSlotAndTheParameter() {
        Program h = ProgramCorpus.handler(List.of(
                store("args", u32(0), new Expr.InvocationId(0)),
                store("args", u32(1), new Expr.BufLen("args")),
                store("args", u32(2), new Expr.BufLen("control")),
                new Node.Return()));
        String func = PtxEmitter.emitHandler(h, "h", PtxTarget.SM_90);
        assertFalse(func.contains("%tid") || func.contains("%ctaid"), func);
        assertTrue(func.matches("(?s).*mov\\.u32 %r\\d+, 0;.*"), "InvocationId is 0:\n" + func);
        assertTrue(func.matches("(?s).*mov\\.b32 %r\\d+, 0x0000000C;.*"), "BufLen(args) is 12:\n" + func);
        assertTrue(func.matches("(?s).*ld\\.param\\.u32 (%r\\d+), \\[control_words];.*mov\\.b32 %r\\d+, \\1;.*"),
                func);
    }

    @Test
    void emissionIsDeterministic() {
        for (ProgramCorpus.Case c : RandomPrograms.generate(99, 20)) {
            assertEquals(PtxEmitter.emitKernel(c.program(), "k", PtxTarget.SM_90).ptx(),
                    PtxEmitter.emitKernel(c.program(), "k", PtxTarget.SM_90).ptx(), c.name());
        }
    }

    @Test
    void atomicsMapToTheirPtxOperationsAndLruUpdateIsAnUnsignedMax() {
        for (AtomicOp op : AtomicOp.values()) {
            Expr expected = op.needsExpected() ? new Expr.LitI32(5) : null;
            Program p = Program.of(WG, List.of(BufferDecl.of("acc", 0, BufferAccess.READ_WRITE, I32, 0, true)),
                    List.of(let("old", new Expr.Atomic(op, "acc", gid(0), expected, new Expr.LitI32(-3))),
                            store("acc", gid(0), var("old")))); // the value is read: an atom, not a red
            String entry = PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90).entry();
            String want = switch (op) {
                case ADD -> "atom.global.add.u32";
                case OR -> "atom.global.or.b32";
                case AND -> "atom.global.and.b32";
                case XOR -> "atom.global.xor.b32";
                case MIN -> "atom.global.min.s32";
                case MAX -> "atom.global.max.s32";
                case EXCHANGE -> "atom.global.exch.b32";
                case COMPARE_EXCHANGE, COMPARE_EXCHANGE_WEAK, FETCH_NAND -> "atom.global.cas.b32";
                case LRU_UPDATE -> "atom.global.max.u32";
            };
            assertTrue(entry.contains(want + " "), op + ":\n" + entry);
        }
    }
}
