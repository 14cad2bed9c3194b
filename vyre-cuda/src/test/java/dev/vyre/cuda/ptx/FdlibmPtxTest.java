package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.ProgramCorpus.cast;
import static dev.vyre.cuda.ptx.ProgramCorpus.in;
import static dev.vyre.cuda.ptx.ProgramCorpus.let;
import static dev.vyre.cuda.ptx.ProgramCorpus.out;
import static dev.vyre.cuda.ptx.ProgramCorpus.store;
import static dev.vyre.ir.Expr.gid;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.un;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.U32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.UnaryOp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fdlibm functions the transcendental operators call ({@link FdlibmPtx}): emitted once per module and only
 * when used, made of exact double instructions only, accepted by ptxas in kernels, handlers and cooperative
 * handlers. Their results are checked bit for bit against StrictMath by the PTX simulator (vyre-runtime's
 * {@code SimFdlibmTest}) and on the GPU ({@code FdlibmGpuTest}).
 */
class FdlibmPtxTest {
    private static final Program.WorkgroupSize WG = Program.WorkgroupSize.of(256);
    private static final Pattern FUNC = Pattern.compile("\\.func \\(\\.param \\.f64 r\\) (\\w+)\\(");

    /** A kernel storing {@code op(a[i])} into {@code out<k>[i]} for each of {@code ops}. */
    static Program kernel(List<UnaryOp> ops) {
        List<BufferDecl> buffers = new ArrayList<>(List.of(in("a", 0, F32)));
        List<Node> body = new ArrayList<>(List.of(let("i", gid(0))));
        for (int k = 0; k < ops.size(); k++) {
            buffers.add(out("out" + k, k + 1, F32));
            body.add(store("out" + k, var("i"), un(ops.get(k), load("a", var("i")))));
        }
        return Program.of(WG, buffers, body);
    }

    private static List<String> funcNames(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = FUNC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void functionsAreEmittedOnlyWhenUsedAndEachOnce() {
        PtxKernel none = PtxEmitter.emitKernel(kernel(List.of(UnaryOp.SQRT)), "k", PtxTarget.SM_90);
        assertEquals("", none.functions());
        assertFalse(none.ptx().contains(".func"), none.ptx());

        PtxKernel trig = PtxEmitter.emitKernel(kernel(List.of(UnaryOp.SIN, UnaryOp.COS, UnaryOp.TAN, UnaryOp.SIN)),
                "k", PtxTarget.SM_90);
        assertEquals(List.of(FdlibmTrig.NAME), funcNames(trig.functions()));
        assertTrue(trig.ptx().contains(trig.functions() + trig.entry()));

        PtxKernel hyper = PtxEmitter.emitKernel(kernel(List.of(UnaryOp.SINH, UnaryOp.COSH, UnaryOp.LOG2)), "k",
                PtxTarget.SM_90);
        assertEquals(List.of("vyre_fdlibm_exp", "vyre_fdlibm_expm1", "vyre_fdlibm_sinh", "vyre_fdlibm_cosh",
                "vyre_fdlibm_log", "vyre_fdlibm_log2"), funcNames(hyper.functions()), "callees first, each once");

        Program h1 = sineHandler(false);
        Program h2 = sineHandler(true);
        String support = PtxEmitter.emitSupport(List.of(h1, h2, kernel(List.of(UnaryOp.EXP2))));
        assertEquals(List.of("vyre_fdlibm_exp2", FdlibmTrig.NAME), funcNames(support));
        assertEquals("", PtxEmitter.emitSupport(List.of(kernel(List.of(UnaryOp.ABS)))));
    }

    @Test
    void everyOperatorIsACallOnTheWidenedOperandRoundedOnce() {
        for (UnaryOp op : LoweringCheck.TRANSCENDENTAL) {
            String entry = PtxEmitter.emitKernel(kernel(List.of(op)), "k", PtxTarget.SM_90).entry();
            String name = FdlibmPtx.funcName(op);
            assertTrue(entry.matches("(?s).*cvt\\.f64\\.f32 (%fd\\d+), %r\\d+;\\n.*call \\((%fd\\d+)\\), " + name
                    + ", \\(\\1(, %r\\d+)?\\);\\n\\tcvt\\.rn\\.f32\\.f64 %r\\d+, \\2;.*"), op + ":\n" + entry);
        }
    }

    @Test
    void theFunctionsUseOnlyExactDoubleOperationsAndNeverFuse() {
        String all = FdlibmPtx.definitions(LoweringCheck.TRANSCENDENTAL);
        assertEquals(12, funcNames(all).size(), all);
        for (String line : all.lines().map(String::strip).toList()) {
            assertFalse(line.contains(".approx") || line.contains(".ftz") || line.contains("fma")
                    || line.contains(".f32"), line);
            if (line.matches("(add|sub|mul|div)\\.\\S*f64 .*")) {
                assertTrue(line.matches("(add|sub|mul|div)\\.rn\\.f64 .*"), line);
            }
            if (line.startsWith("sqrt")) {
                assertTrue(line.startsWith("sqrt.rn.f64 "), line);
            }
        }
        // fdlibm's constants appear as their exact bits
        assertTrue(all.contains(FdCode.k(-0x1.5555555555549p-3)), "k_sin.c's S1");
        assertTrue(all.contains(FdCode.k(0x1.62e42fefa39efp9)), "e_exp.c's o_threshold");
        assertTrue(all.contains("0x00A2F983, 0x006E4E44"), "two_over_pi");
    }

    static Program sineHandler(boolean cooperative) {
        Expr x = cast(F32, load("args", u32(0)));
        List<Node> body = List.of(store("args", u32(1), cast(U32, Expr.bin(dev.vyre.ir.BinaryOp.MUL,
                un(UnaryOp.SIN, x), Expr.f32(1e6f)))));
        return cooperative ? CoopCorpus.coop(body) : ProgramCorpus.handler(body);
    }

    @Test
    void everyOperatorAssemblesInKernelsAndHandlers(@TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the fdlibm functions are not assembled here");
        List<UnaryOp> ops = List.copyOf(EnumSet.copyOf(LoweringCheck.TRANSCENDENTAL));
        for (PtxTarget target : List.of(PtxTarget.SM_90, PtxTarget.SM_80)) {
            String ptx = PtxEmitter.emitKernel(kernel(ops), "all", target).ptx();
            Ptxas.Result r = Ptxas.assemble(ptxas, dir, "all_" + target.smName(), ptx, target.smName());
            assertEquals(0, r.exit(), () -> "ptxas rejected the fdlibm kernel:\n" + r.output());
        }
        List<Program> handlers = new ArrayList<>();
        for (UnaryOp op : ops) {
            Expr x = cast(F32, load("args", u32(0)));
            handlers.add(ProgramCorpus.handler(List.of(store("args", u32(1), cast(U32, un(op, x))))));
        }
        handlers.add(sineHandler(true));
        StringBuilder module = new StringBuilder(PtxTarget.SM_90.header()).append('\n')
                .append(PtxEmitter.emitSupport(handlers));
        for (int k = 0; k < handlers.size(); k++) {
            module.append(PtxEmitter.emitHandler(handlers.get(k), "h" + k, PtxTarget.SM_90)).append('\n');
        }
        for (int k = 0; k < handlers.size(); k++) {
            module.append(HandlerHarness.callerEntry("h" + k)).append('\n');
        }
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "handlers", module.toString(), "sm_90");
        assertEquals(0, r.exit(), () -> "ptxas rejected the fdlibm handlers:\n" + r.output());
        assertTrue(Set.copyOf(funcNames(module.toString())).size() == funcNames(module.toString()).size());
    }
}
