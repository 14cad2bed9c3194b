package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import dev.vyre.ir.check.ValidationException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system-memory extension in the PTX emitter: mapped buffers get system-scope relaxed accesses (the others
 * stay weak), fences lower to {@code fence.acq_rel.sys} / {@code fence.sc.sys}, sleeps to {@code nanosleep.u32}, a
 * program that does not declare the profile is refused, and ptxas assembles the result.
 */
class PtxSystemMemoryTest {
    private static final BufferDecl HOST = BufferDecl.of("host", 0, BufferAccess.READ_WRITE, ScalarType.U32, 0, true);
    private static final BufferDecl DEVICE = BufferDecl.of("device", 1, BufferAccess.READ_WRITE, ScalarType.U32, 0,
            true);
    private static final List<Node> BODY = List.of(
            new Node.Let("seen", new Expr.Load("host", new Expr.LitU32(0))),
            new Node.If(new Expr.BinOp(dev.vyre.ir.BinaryOp.EQ, new Expr.Var("seen"), new Expr.LitU32(0)),
                    List.of(new Node.Let("ns", new Expr.LitU32(50)), SystemMemory.sleep("ns"), new Node.Return()),
                    List.of()),
            SystemMemory.fence(SystemMemory.Ordering.ACQ_REL),
            new Node.Store("device", new Expr.LitU32(0), new Expr.Load("device", new Expr.LitU32(1))),
            new Node.Let("old", new Expr.Atomic(AtomicOp.ADD, "host", new Expr.LitU32(1), null, new Expr.LitU32(1))),
            SystemMemory.fence(SystemMemory.Ordering.SC),
            new Node.Store("host", new Expr.LitU32(2), new Expr.Var("old")));

    private static Program program(List<MetadataExtension> extensions) {
        return new Program(0, null, Program.WorkgroupSize.of(32), List.of(HOST, DEVICE), new TreeMap<>(),
                extensions, BODY);
    }

    private static String ptx() {
        return PtxEmitter.emitKernel(program(List.of(SystemMemory.declare(List.of("host")))), "k", PtxTarget.SM_90)
                .ptx();
    }

    @Test
    void mappedBuffersAreSystemScopeAndTheNodesLower() {
        String ptx = ptx();
        for (String needed : List.of("ld.relaxed.sys.global.u32", "st.relaxed.sys.global.u32",
                "atom.relaxed.sys.global.add.u32", "fence.acq_rel.sys", "fence.sc.sys", "nanosleep.u32",
                "ld.global.u32", "st.global.u32")) {
            assertTrue(ptx.contains(needed), () -> "no " + needed + " in\n" + ptx);
        }
        assertEquals(ptx.split("fence\\.", -1).length - 1, 2, "one PTX fence per fence node");
    }

    @Test
    void modesGiveAcquireLoadsAndReleaseStoresAndAtomics() {
        String acquire = PtxEmitter.emitKernel(program(List.of(SystemMemory.declareModes(List.of(
                new SystemMemory.Mapped("host", SystemMemory.ACQUIRE))))), "k", PtxTarget.SM_90).ptx();
        assertTrue(acquire.contains("ld.acquire.sys.global.u32") && acquire.contains("st.relaxed.sys.global.u32")
                && acquire.contains("atom.acquire.sys.global.add.u32") && !acquire.contains("ld.relaxed"), acquire);
        String release = PtxEmitter.emitKernel(program(List.of(SystemMemory.declareModes(List.of(
                new SystemMemory.Mapped("host", SystemMemory.RELEASE))))), "k", PtxTarget.SM_90).ptx();
        assertTrue(release.contains("ld.relaxed.sys.global.u32") && release.contains("st.release.sys.global.u32")
                && release.contains("atom.release.sys.global.add.u32") && !release.contains("st.relaxed"), release);
        String both = PtxEmitter.emitKernel(program(List.of(SystemMemory.declareModes(List.of(
                new SystemMemory.Mapped("host", SystemMemory.ACQUIRE | SystemMemory.RELEASE))))), "k",
                PtxTarget.SM_90).ptx();
        assertTrue(both.contains("atom.acq_rel.sys.global.add.u32"), both);
    }

    /** lo, hi = host[2], host[3] in one load; device[0] = lo; device[1] = hi; a CAS and a store on "device". */
    private static Program pairProgram(int deviceMode) {
        List<Node> body = List.of(new Node.Let("lo", new Expr.LitU32(0)), new Node.Let("hi", new Expr.LitU32(0)),
                SystemMemory.loadPair("host", 2, "lo", "hi"),
                new Node.Let("old", new Expr.Atomic(AtomicOp.COMPARE_EXCHANGE, "device", new Expr.LitU32(0),
                        new Expr.Var("lo"), new Expr.Var("hi"))),
                new Node.Store("device", new Expr.LitU32(1), new Expr.Var("old")),
                new Node.Store("device", new Expr.LitU32(2), new Expr.Load("device", new Expr.LitU32(3))));
        return new Program(0, null, Program.WorkgroupSize.of(32), List.of(HOST, DEVICE), new TreeMap<>(),
                List.of(SystemMemory.declareModes(List.of(new SystemMemory.Mapped("host", SystemMemory.ACQUIRE),
                        new SystemMemory.Mapped("device", deviceMode)))), body);
    }

    @Test
    void aPairLoadIsOneAcquireU64LoadAndDeviceBuffersAreGpuScope() {
        String ptx = PtxEmitter.emitKernel(pairProgram(SystemMemory.ACQUIRE | SystemMemory.DEVICE), "k",
                PtxTarget.SM_90).ptx();
        assertTrue(ptx.contains("ld.acquire.sys.global.u64 ") && !ptx.contains(".v2."), ptx);
        assertTrue(ptx.contains("mov.b64 {"), "the pair split into its two variables:\n" + ptx);
        assertTrue(ptx.contains("atom.acquire.gpu.global.cas.b32") && ptx.contains("ld.acquire.gpu.global.u32")
                && ptx.contains("st.relaxed.gpu.global.u32"), ptx);
        String release = PtxEmitter.emitKernel(pairProgram(SystemMemory.RELEASE | SystemMemory.DEVICE), "k",
                PtxTarget.SM_90).ptx();
        assertTrue(release.contains("st.release.gpu.global.u32") && release.contains("atom.release.gpu.global.cas"),
                release);
    }

    @Test
    void withoutTheDeclarationTheProgramIsRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> PtxEmitter.emitKernel(program(List.of()), "k", PtxTarget.SM_90));
        assertTrue(e.getMessage().contains("does not declare the system-memory profile"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void unmappedProgramsDoNotChange() {
        Program plain = Program.of(Program.WorkgroupSize.of(32), List.of(HOST), List.of(
                new Node.Store("host", new Expr.LitU32(0), new Expr.LitU32(1))));
        String ptx = PtxEmitter.emitKernel(plain, "k", PtxTarget.SM_90).ptx();
        assertFalse(ptx.contains(".sys"), ptx);
    }

    @Test
    void assemblesWithPtxas(@TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the system-memory kernel is not assembled here");
        for (String arch : List.of("sm_80", "sm_90")) {
            PtxTarget target = new PtxTarget(arch.charAt(3) - '0', 0);
            String text = PtxEmitter.emitKernel(program(List.of(SystemMemory.declareModes(List.of(
                    new SystemMemory.Mapped("host", SystemMemory.ACQUIRE | SystemMemory.RELEASE))))), "k", target)
                    .ptx();
            Ptxas.Result r = Ptxas.assemble(ptxas, dir, "sys_" + arch, text, arch);
            assertEquals(0, r.exit(), () -> "ptxas -arch=" + arch + ":\n" + r.output());
            for (int mode : new int[] {SystemMemory.ACQUIRE, SystemMemory.RELEASE, SystemMemory.ACQUIRE
                    | SystemMemory.RELEASE}) {
                String pair = PtxEmitter.emitKernel(pairProgram(mode | SystemMemory.DEVICE), "k", target).ptx();
                Ptxas.Result p = Ptxas.assemble(ptxas, dir, "pair_" + arch + "_" + mode, pair, arch);
                assertEquals(0, p.exit(), () -> "ptxas -arch=" + arch + ", pair load, device mode " + mode + ":\n"
                        + p.output());
            }
        }
    }
}
