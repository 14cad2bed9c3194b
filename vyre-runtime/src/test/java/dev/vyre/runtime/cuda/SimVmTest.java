package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.ptx.ParityCorpus;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Permissions;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmLowering;
import dev.vyre.vm.VmOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The megakernel's bytecode interpreter (VM_EXEC, {@link VmPtx}) run by {@link PtxSim}: parity with the Java
 * bytecode interpreter and the reference interpreter on the emitter's corpus, on the 13 transcendental operators
 * over the edge cases of {@code F32Samples} ({@code fdlibm_all}: the interpreter calls the emitter's fdlibm
 * functions) and on generated programs over every operator (multi-wave workgroups, wave operators, atomics,
 * out-of-bounds accesses; F32 inputs half edge cases); a program
 * that never ends faults STEP_BUDGET on its own slot while the other worker keeps serving; tenant and argument
 * refusals. The same checks run on the GPU in {@link CudaVmGpuTest}.
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class SimVmTest {
    /**
     * Generated programs of the parity property. The simulator runs about 2 programs a second, so CI runs 150 (with
     * the corpus, about 400 programs); {@code -Dvyre.vm.sim.programs=1000} runs the full 1,000 here, and
     * {@link CudaVmGpuTest} runs more than 1,000 on the GPU.
     */
    static final int GENERATED = Integer.getInteger("vyre.vm.sim.programs", 150);
    private static SimBackend sim;
    private static VmRig rig;
    private static Megakernel kernel;

    @BeforeAll
    static void start() {
        sim = new SimBackend(WorkerShape.WARP, 2);
        rig = new VmRig(sim);
        sim.enableVm(rig.tables());
        kernel = Megakernel.bootstrap(sim, MegakernelConfig.defaults().withSlots(8).withWorkers(2)
                .withTenantMask(1, Permissions.ALL).withTenantMask(2, Permissions.NONE));
        rig.attach(kernel);
    }

    @AfterAll
    static void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private static void noSimFailure() {
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
    }

    @Test
    void emitterCorpusAndGeneratedProgramsAgreeWithBothInterpreters() {
        VmParity parity = new VmParity();
        SplittableRandom rnd = new SplittableRandom(7);
        List<ParityCorpus.Entry> all = new ArrayList<>(ParityCorpus.kernels());
        all.add(new ParityCorpus.Entry("barrier_reverse", barrierReverse(), new Dispatch(3, 1, 1), 96));
        all.add(new ParityCorpus.Entry("fdlibm_all", SimFdlibmTest.program(), new Dispatch(4, 1, 1),
                4 * SimFdlibmTest.GROUP));
        all.addAll(ParityCorpus.random(11, GENERATED));
        for (ParityCorpus.Entry e : all) {
            try {
                parity.check(rig, e.name(), e.program(), e.grid(), e.elements(), rnd.split(), null);
            } catch (RuntimeException ex) {
                throw new AssertionError(e.name() + ": " + ex + "; simulator: " + sim.failure(), ex);
            }
            noSimFailure();
        }
        assertTrue(parity.programs >= GENERATED, "programs " + parity.programs);
        List<VmOp> missing = new ArrayList<>();
        for (VmOp op : VmOp.values()) {
            if (!parity.covered.contains(op)) {
                missing.add(op);
            }
        }
        System.out.println("VM parity on the simulator: " + parity.programs + " programs (" + parity.refused
                + " refused by the lowering); opcodes not covered: " + missing);
        assertTrue(missing.isEmpty(), "opcodes not covered: " + missing);
        assertEquals(13, parity.covered.stream().filter(VmOp::transcendental).count(),
                "every transcendental opcode ran on the simulated device");
    }

    /**
     * {@code wg[lid] = in[gid]; Barrier; out[gid] = wg[31 - lid]} over 32-invocation workgroups: each invocation
     * reads what another wrote before the barrier (Workgroup memory, the BARRIER collective).
     */
    static Program barrierReverse() {
        Expr lid = new Expr.LocalId(0);
        return Program.of(Program.WorkgroupSize.of(32), List.of(
                BufferDecl.of("in", 0, BufferAccess.READ_ONLY, ScalarType.U32, 0, false),
                BufferDecl.of("out", 1, BufferAccess.WRITE_ONLY, ScalarType.U32, 0, true),
                BufferDecl.of("wg", 2, BufferAccess.WORKGROUP, ScalarType.U32, 32, false)), List.of(
                new Node.Store("wg", lid, Expr.load("in", Expr.gid(0))),
                new Node.Barrier(),
                new Node.Store("out", Expr.gid(0), Expr.load("wg", new Expr.BinOp(dev.vyre.ir.BinaryOp.SUB,
                        Expr.u32(31), lid)))));
    }

    /** {@code Loop { Store(out, 0, Load(out, 0) + 1) }}: it never returns. */
    static Program endless() {
        return Program.of(Program.WorkgroupSize.of(1), List.of(BufferDecl.of("out", 0, BufferAccess.READ_WRITE,
                ScalarType.U32, 0, true)), List.of(new Node.Loop(List.of(new Node.Store("out", Expr.u32(0),
                Expr.add(Expr.load("out", Expr.u32(0)), Expr.u32(1)))))));
    }

    /** {@code out[gid] = gid * 3 + 1} over 40-invocation workgroups (two waves). */
    static Program triple() {
        return Program.of(Program.WorkgroupSize.of(40), List.of(BufferDecl.of("out", 0, BufferAccess.READ_WRITE,
                ScalarType.U32, 0, true)), List.of(new Node.Store("out", Expr.gid(0), Expr.add(Expr.mul(Expr.gid(0),
                Expr.u32(3)), Expr.u32(1)))));
    }

    @Test
    void anEndlessProgramFaultsItsOwnSlotAndTheOtherWorkerKeepsServing() {
        VmImage loop = VmLowering.lower(endless());
        VmImage work = VmLowering.lower(triple());
        MemorySegment counter = rig.buffer(4);
        MemorySegment out = rig.buffer(80 * 4);
        int loopId = rig.program(0, loop);
        int loopSet = rig.bufferSet(0, loop, List.of(counter));
        int workId = rig.program(0, work);
        int workSet = rig.bufferSet(0, work, List.of(out));
        int budget = 5_000;
        var endless = kernel.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL,
                VmExecAbi.args(loopId, loopSet, 1, 1, 1, 0, 1, budget));
        List<SlotOutcome> served = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            served.add(rig.exec(0, workId, workSet, 2, 1, 1, 100_000));
        }
        SlotOutcome faulted = endless.await(VmRig.WAIT);
        noSimFailure();
        assertEquals(FaultCode.STEP_BUDGET, faulted.fault(), faulted.toString());
        assertEquals(budget, faulted.faultDetail());
        assertTrue(counter.get(ValueLayout.JAVA_INT, 0) > 100, "the loop ran until its budget: "
                + counter.get(ValueLayout.JAVA_INT, 0));
        for (SlotOutcome s : served) {
            assertTrue(s.isDone(), s.toString());
        }
        for (int i = 0; i < 80; i++) {
            assertEquals(i * 3 + 1, out.getAtIndex(ValueLayout.JAVA_INT, i));
        }
    }

    @Test
    void programsRegisteredInTheMegakernelsVmRegistryRunOnTheDevice() {
        SimBackend own = new SimBackend(WorkerShape.WARP, 1);
        own.enableVm();
        try (Megakernel k = Megakernel.bootstrap(own, MegakernelConfig.defaults().withSlots(4).withWorkers(1))) {
            int id = k.vm().register(0, triple());
            MemorySegment out = k.allocateShared(80 * 4, 16);
            int set = k.vm().registerBufferSet(0, id, List.of(out));
            SlotOutcome done = k.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL,
                    VmExecAbi.args(id, set, 2, 1, 1, 0, 2, 10_000)).await(VmRig.WAIT);
            assertNull(own.failure(), () -> "the simulated kernel failed: " + own.failure());
            assertTrue(done.isDone(), done.toString());
            for (int i = 0; i < 80; i++) {
                assertEquals(i * 3 + 1, out.getAtIndex(ValueLayout.JAVA_INT, i));
            }
        }
    }

    @Test
    void tenantsRunOnlyTheirOwnProgramsAndBufferSets() {
        VmImage work = VmLowering.lower(triple());
        MemorySegment out = rig.buffer(40 * 4);
        int mine = rig.program(1, work);
        int mySet = rig.bufferSet(1, work, List.of(out));
        int theirs = rig.program(0, work);
        int theirSet = rig.bufferSet(0, work, List.of(out));
        SlotOutcome ok = rig.exec(1, mine, mySet, 1, 1, 1, 10_000);
        assertTrue(ok.isDone(), ok.toString());
        SlotOutcome foreignProgram = rig.exec(1, theirs, mySet, 1, 1, 1, 10_000);
        assertEquals(FaultCode.NOT_OWNER, foreignProgram.fault());
        assertEquals(VmExecAbi.PROGRAM, foreignProgram.faultDetail());
        SlotOutcome foreignSet = rig.exec(1, mine, theirSet, 1, 1, 1, 10_000);
        assertEquals(FaultCode.NOT_OWNER, foreignSet.fault());
        assertEquals(VmExecAbi.BUFFER_SET, foreignSet.faultDetail());
        SlotOutcome notPermitted = rig.exec(2, mine, mySet, 1, 1, 1, 10_000);
        assertEquals(FaultCode.OPCODE_NOT_PERMITTED, notPermitted.fault());
        noSimFailure();
    }

    @Test
    void badArgumentsFaultWithTheContractsDetails() {
        VmImage work = VmLowering.lower(triple());
        MemorySegment out = rig.buffer(40 * 4);
        int id = rig.program(0, work);
        int set = rig.bufferSet(0, work, List.of(out));
        assertBad(VmExecAbi.args(dev.vyre.vm.VmTableLayout.MAX_PROGRAMS, set, 1, 1, 1, 0, 1, 10), VmExecAbi.PROGRAM);
        assertBad(VmExecAbi.args(id, dev.vyre.vm.VmTableLayout.MAX_BUFFER_SETS, 1, 1, 1, 0, 1, 10),
                VmExecAbi.BUFFER_SET);
        assertBad(VmExecAbi.args(id, set, 1, 0, 1, 0, 1, 10), VmExecAbi.GRID_Y);
        assertBad(VmExecAbi.args(id, set, 2, 1, 1, 2, 1, 10), VmExecAbi.FIRST);
        assertBad(VmExecAbi.args(id, set, 2, 1, 1, 1, 2, 10), VmExecAbi.COUNT);
        assertBad(VmExecAbi.args(id, set, 1, 1, 1, 0, 1, 0), VmExecAbi.BUDGET);
        noSimFailure();
    }

    private static void assertBad(int[] args, int detail) {
        SlotOutcome s = kernel.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL, args).await(VmRig.WAIT);
        noSimFailure();
        assertEquals(FaultCode.BAD_ARGUMENT, s.fault(), s.toString());
        assertEquals(detail, s.faultDetail(), s.toString());
    }
}
