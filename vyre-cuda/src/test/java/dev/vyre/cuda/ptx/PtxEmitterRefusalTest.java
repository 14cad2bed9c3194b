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
import static dev.vyre.ir.Expr.un;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.ScalarType.BYTES;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.core.VyreException;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.check.ValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the emitter refuses, with which typed error, path and fix; and the targets and names it accepts. */
class PtxEmitterRefusalTest {
    private static final Program.WorkgroupSize WG = Program.WorkgroupSize.of(32);

    private static PtxEmitException refusedKernel(Program p) {
        return assertThrows(PtxEmitException.class, () -> PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90));
    }

    private static PtxEmitException refusedHandler(Program p) {
        return assertThrows(PtxEmitException.class, () -> PtxEmitter.emitHandler(p, "h", PtxTarget.SM_90));
    }

    @Test
    void noTranscendentalIsRefusedAnyMore() {
        assertEquals(13, LoweringCheck.TRANSCENDENTAL.size());
        for (UnaryOp op : LoweringCheck.TRANSCENDENTAL) {
            Program p = Program.of(WG, List.of(in("a", 0, F32), out("b", 1, F32)), List.of(
                    let("i", gid(0)),
                    store("b", var("i"), bin(BinaryOp.ADD, Expr.f32(1.0f), un(op, load("a", var("i")))))));
            PtxKernel k = PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90);
            assertTrue(k.entry().contains("call (%fd") && k.functions().contains(FdlibmPtx.funcName(op)), op.name());
        }
    }

    @Test
    void theFirstRefusedConstructInProgramOrderIsReported() {
        Program p = Program.of(WG, List.of(in("a", 0, F32), out("b", 1, F32), in("grid", 2, U32)), List.of(
                store("b", u32(0), un(UnaryOp.EXP, load("a", u32(0)))),
                new Node.If(Expr.bool(true), List.of(new Node.IndirectDispatch("grid", 0)), List.of()),
                new Node.IndirectDispatch("grid", 0)));
        PtxEmitException e = refusedKernel(p);
        assertEquals("body[1].If.then[0]", e.path());
        assertTrue(e.problem().contains("IndirectDispatch"), e.getMessage());
    }

    @Test
    void indirectDispatchIsRefused() {
        Program p = Program.of(WG, List.of(in("grid", 0, U32)), List.of(new Node.Block(List.of(
                new Node.IndirectDispatch("grid", 0)))));
        PtxEmitException e = refusedKernel(p);
        assertEquals("body[0].Block.body[0]", e.path());
        assertTrue(e.problem().contains("IndirectDispatch from buffer 'grid'"), e.getMessage());
        assertTrue(e.fix().contains("host"), e.getMessage());
    }

    @Test
    void invalidProgramsFailValidationNotEmission() {
        Program p = Program.of(WG, List.of(out("b", 0, U32)), List.of(store("b", u32(0), Expr.f32(1.0f))));
        assertThrows(ValidationException.class, () -> PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90));
        assertThrows(ValidationException.class, () -> PtxEmitter.emitHandler(p, "k", PtxTarget.SM_90));
    }

    @Test
    void aRegisterCapFollowsTheBlockShapeAndAnImpossibleOneIsRefused() {
        Program p = Program.of(WG, List.of(workgroup("w", 0, U32, 4)), List.of());
        String capped = PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90, 128).entry();
        assertTrue(capped.matches("(?s).*\\n\\.reqntid [^\\n]*\\n\\.maxnreg 128\\n\\{\\n.*"), capped);
        assertEquals(PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90).entry(),
                PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90, 0).entry(), "0 is no cap");
        assertTrue(!PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90, 0).entry().contains(".maxnreg"));
        for (int bad : new int[] {-1, PtxEmitter.MAX_REGISTERS + 1}) {
            PtxEmitException e = assertThrows(PtxEmitException.class,
                    () -> PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90, bad));
            assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
        }
    }

    @Test
    void workgroupBuffersBeyondStaticSharedMemoryAreRefused() {
        Program fits = Program.of(WG, List.of(workgroup("small", 0, U32, 1024), workgroup("big", 1, F32, 11 * 1024)),
                List.of());
        assertTrue(PtxEmitter.emitKernel(fits, "k", PtxTarget.SM_90).entry().contains("vyre_wg1[45056]"));
        Program p = Program.of(WG, List.of(workgroup("small", 0, U32, 1024), workgroup("big", 1, F32, 11 * 1024),
                workgroup("one", 2, dev.vyre.ir.ScalarType.BYTES, 1)), List.of());
        PtxEmitException e = refusedKernel(p);
        assertEquals("buffers[2]", e.path());
        assertTrue(e.problem().contains("49156 bytes"), e.getMessage());
    }

    @Test
    void handlersSeeOnlyTheirThreeBuffersAsDeclared() {
        BufferDecl args = BufferDecl.of("args", 0, BufferAccess.READ_WRITE, U32, 12, false);
        BufferDecl control = BufferDecl.of("control", 1, BufferAccess.READ_WRITE, U32, 0, false);
        PtxEmitException other = refusedHandler(Program.of(Program.WorkgroupSize.of(1),
                List.of(args, control, BufferDecl.of("chunks", 2, BufferAccess.READ_ONLY, U32, 0, false)), List.of()));
        assertEquals("buffers[2]", other.path());
        assertTrue(other.problem().contains("'chunks'"), other.getMessage());
        for (ScalarType t : new ScalarType[] {U32, BYTES}) {
            assertTrue(PtxEmitter.emitHandler(Program.of(Program.WorkgroupSize.of(1), List.of(args, control,
                    BufferDecl.of("data", 2, BufferAccess.READ_ONLY, t, 0, false)), List.of()), "h", PtxTarget.SM_90)
                    .contains(", [data_bytes];"), "data is " + t);
        }
        assertEquals("buffers[2]", refusedHandler(Program.of(Program.WorkgroupSize.of(1), List.of(args, control,
                BufferDecl.of("data", 2, BufferAccess.READ_ONLY, I32, 0, false)), List.of())).path());
        assertEquals("buffers[0]", refusedHandler(Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of("data", 0, BufferAccess.READ_ONLY, BYTES, 16, false)), List.of())).path());
        assertEquals("buffers[0]", refusedHandler(Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of("args", 0, BufferAccess.READ_WRITE, U32, 8, false)), List.of())).path());
        assertEquals("buffers[0]", refusedHandler(Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of("args", 0, BufferAccess.READ_WRITE, I32, 12, false)), List.of())).path());
        assertEquals("buffers[1]", refusedHandler(Program.of(Program.WorkgroupSize.of(1), List.of(args,
                BufferDecl.of("control", 1, BufferAccess.READ_WRITE, U32, 64, false)), List.of())).path());
        assertEquals("buffers[0]", refusedHandler(Program.of(Program.WorkgroupSize.of(1), List.of(
                BufferDecl.of("control", 0, BufferAccess.WORKGROUP, U32, 4, false)), List.of())).path());
        // both are optional
        assertTrue(PtxEmitter.emitHandler(Program.of(Program.WorkgroupSize.of(1), List.of(), List.of()), "h",
                PtxTarget.SM_90).startsWith(".func (.param .b32 status) h("));
    }

    @Test
    void handlersRefuseBarriersAndWaveOperators() {
        PtxEmitException barrier = refusedHandler(ProgramCorpus.handler(List.of(let("x", u32(1)),
                new Node.Barrier())));
        assertEquals("body[1]", barrier.path());
        assertTrue(barrier.problem().startsWith("Barrier in a megakernel handler"), barrier.getMessage());
        for (BinaryOp op : List.of(BinaryOp.SHUFFLE, BinaryOp.WAVE_BROADCAST, BinaryOp.BALLOT, BinaryOp.WAVE_REDUCE)) {
            Expr e = op == BinaryOp.BALLOT ? bin(op, Expr.bool(true), u32(1)) : bin(op, u32(7), u32(0));
            PtxEmitException wave = refusedHandler(ProgramCorpus.handler(List.of(store("args", u32(0), e))));
            assertEquals("body[0].Store.value", wave.path(), op.name());
            assertTrue(wave.problem().startsWith("wave operator " + LoweringCheck.name(op)), wave.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1kernel", "has-dash", "dot.name", "vyre_buf0", "white space", "ünï"})
    void badEntryAndFunctionNamesAreRefused(String name) {
        Program p = Program.of(WG, List.of(), List.of());
        PtxEmitException e = assertThrows(PtxEmitException.class, () -> PtxEmitter.emitKernel(p, name,
                PtxTarget.SM_90));
        assertNull(e.path());
        assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        assertThrows(PtxEmitException.class, () -> PtxEmitter.emitHandler(p, name, PtxTarget.SM_90));
    }

    @Test
    void goodNamesAreAccepted() {
        Program p = Program.of(WG, List.of(), List.of());
        for (String name : List.of("k", "_k", "Kernel_42", "x".repeat(255))) {
            assertEquals(name, PtxEmitter.emitKernel(p, name, PtxTarget.SM_90).entryName());
        }
        assertThrows(PtxEmitException.class, () -> PtxEmitter.emitKernel(p, "x".repeat(256), PtxTarget.SM_90));
    }

    @Test
    void targetsFromSm80ToSm90AreSupportedAndNewerDevicesGetSm90() {
        assertEquals("sm_90", PtxTarget.defaultTarget().smName());
        assertEquals(".version 8.0\n.target sm_80\n.address_size 64\n", PtxTarget.SM_80.header());
        assertEquals(PtxTarget.SM_90, PtxTarget.forDevice(9, 0));
        assertEquals(PtxTarget.SM_90, PtxTarget.forDevice(10, 0));
        assertEquals(PtxTarget.SM_90, PtxTarget.forDevice(12, 1));
        assertEquals(new PtxTarget(8, 9), PtxTarget.forDevice(8, 9));
        assertEquals(new PtxTarget(8, 7), PtxTarget.forDevice(8, 8));
        assertEquals(PtxTarget.SM_80, PtxTarget.forDevice(8, 0));
        PtxEmitException old = assertThrows(PtxEmitException.class, () -> PtxTarget.forDevice(7, 5));
        assertTrue(old.fix().contains("cpu backend"), old.getMessage());
        assertThrows(PtxEmitException.class, () -> new PtxTarget(7, 0));
        assertThrows(PtxEmitException.class, () -> new PtxTarget(10, 0));
        assertThrows(PtxEmitException.class, () -> new PtxTarget(8, 10));
    }

    @Test
    void elementCountsFollowTheInterpretersBindingRule() {
        BufferDecl sized = BufferDecl.of("s", 0, BufferAccess.READ_ONLY, U32, 10, false);
        BufferDecl open = BufferDecl.of("o", 1, BufferAccess.READ_ONLY, U32, 0, false);
        BufferDecl bytes = BufferDecl.of("b", 2, BufferAccess.READ_ONLY, dev.vyre.ir.ScalarType.BYTES, 0, false);
        assertEquals(10, PtxKernel.elementCount(sized, 400));
        assertEquals(10, PtxKernel.elementCount(open, 42));
        assertEquals(42, PtxKernel.elementCount(bytes, 42));
        PtxEmitException small = assertThrows(PtxEmitException.class, () -> PtxKernel.elementCount(sized, 39));
        assertTrue(small.getMessage().contains("'s'"), small.getMessage());
        assertThrows(PtxEmitException.class, () -> PtxKernel.elementCount(bytes, 1L << 33));
        assertEquals(-1, PtxKernel.elementCount(bytes, 0xFFFF_FFFFL)); // u32 0xFFFFFFFF
    }

    /** A program whose deepest node or expression is {@code depth} levels down, in one of three shapes. */
    private static Program nested(String shape, int depth) {
        Expr value = u32(1);
        List<Node> body;
        switch (shape) {
            case "blocks" -> {
                body = List.of(store("b", u32(0), value));
                for (int k = 2; k < depth; k++) {
                    body = List.of(new Node.Block(body));
                }
            }
            case "ifs" -> {
                body = List.of(store("b", u32(0), value));
                for (int k = 2; k < depth; k++) {
                    body = List.of(new Node.If(Expr.bool(k % 2 == 0), k % 3 == 0 ? body : List.of(),
                            k % 3 == 0 ? List.of() : body));
                }
            }
            default -> {
                for (int k = 2; k < depth; k++) {
                    value = k % 2 == 0 ? bin(BinaryOp.ADD, value, u32(k)) : un(UnaryOp.BIT_NOT, value);
                }
                body = List.of(store("b", u32(0), value));
            }
        }
        return Program.of(WG, List.of(out("b", 0, U32)), body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocks", "ifs", "expressions"})
    void nestingUpToTheLimitLowersFromASmallStackAndDeeperIsRefusedQuickly(String shape) throws Exception {
        Program deepest = nested(shape, LoweringCheck.MAX_DEPTH);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                PtxEmitter.emitKernel(deepest, "k", PtxTarget.SM_90);
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack", 128 * 1024); // the lowering runs on a thread of its own, whatever the caller's stack
        small.start();
        small.join();
        assertNull(failure.get(), () -> "lowering at the depth limit failed from a 128 KiB stack: " + failure.get());

        PtxEmitException limit = refusedKernel(nested(shape, LoweringCheck.MAX_DEPTH + 1));
        assertTrue(limit.problem().contains("deeper than " + LoweringCheck.MAX_DEPTH), limit.getMessage());
        Program tooDeep = nested(shape, 100_000);
        PtxEmitException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refusedKernel(tooDeep));
        assertTrue(e.path().startsWith("body[0]."), e.path());
    }

    @Test
    void hostileRandomProgramsGiveAKernelOrATypedError() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        List<String> outcomes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int k = 0; k < 400; k++) {
                Program p = dev.vyre.ir.gen.RandomPrograms.generateAnyShape(rnd);
                try {
                    PtxEmitter.emitKernel(p, "k", PtxTarget.SM_90);
                    outcomes.add("kernel");
                } catch (VyreException e) {
                    assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
                    outcomes.add(e.getClass().getSimpleName());
                }
            }
        });
        assertTrue(outcomes.contains("ValidationException"), outcomes.toString());
    }
}
