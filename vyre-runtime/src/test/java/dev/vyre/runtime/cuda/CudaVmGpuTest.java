package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.ptx.ParityCorpus;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmLowering;
import dev.vyre.vm.VmOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bytecode interpreter on the GPU (issue #7): cuda-interpreted (VM_EXEC on the resident megakernel),
 * cuda-fused ({@link FusedKernel}: the program emitted, JIT-compiled and launched on its own) and the CPU
 * reference agree on the emitter's corpus, on the 13 transcendental operators over the edge cases of
 * {@code F32Samples} ({@code fdlibm_all}) and on at least 1,000 generated programs over every operator, the
 * transcendental ones included (plus the Java bytecode
 * interpreter, with equal STEPS and out-of-bounds counts); a program that never ends faults STEP_BUDGET on its own
 * slot while the megakernel keeps serving the others; tenants cannot run each other's programs. The simulator runs
 * the same checks in {@link SimVmTest}.
 */
@Tag("gpu")
@Timeout(value = 900, unit = TimeUnit.SECONDS)
class CudaVmGpuTest {
    static final int GENERATED = Integer.getInteger("vyre.vm.gpu.programs", 1_000);

    /** A CUDA megakernel with the interpreter over a {@link VmRig}'s tables; tenant 1 all, tenant 2 nothing. */
    private record Vm(CudaBackend backend, VmRig rig, Megakernel kernel) implements AutoCloseable {
        static Vm open() {
            CudaTests.assumeGpu();
            CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withShape(WorkerShape.WARP));
            VmRig rig = new VmRig(backend);
            backend.enableVm(rig.tables());
            Megakernel kernel = Megakernel.bootstrap(backend, MegakernelConfig.defaults().withSlots(1024)
                    .withTenantMask(1, Permissions.ALL).withTenantMask(2, Permissions.NONE));
            rig.attach(kernel);
            return new Vm(backend, rig, kernel);
        }

        @Override
        public void close() {
            kernel.close();
        }
    }

    /**
     * Every program interpreted on the running megakernel first (checked against the Java VM and the reference);
     * then, with the megakernel shut down, every program compiled and launched: a module load, cuMemAlloc and
     * cuMemFree may synchronise the device, which a resident kernel never allows, so the fused path never runs
     * beside it.
     */
    @Test
    void interpretedFusedAndCpuAgreeOnTheCorpusAndOnGeneratedPrograms() {
        VmParity parity = new VmParity();
        SplittableRandom rnd = new SplittableRandom(17);
        List<ParityCorpus.Entry> all = new ArrayList<>(ParityCorpus.kernels());
        all.add(new ParityCorpus.Entry("barrier_reverse", SimVmTest.barrierReverse(), new Dispatch(3, 1, 1), 96));
        all.add(new ParityCorpus.Entry("fdlibm_all", SimFdlibmTest.program(), new Dispatch(64, 1, 1),
                64 * SimFdlibmTest.GROUP));
        all.addAll(ParityCorpus.random(23, GENERATED));
        List<VmParity.FusedCheck> fusedChecks = new ArrayList<>();
        long start = System.nanoTime();
        int major;
        int minor;
        try (Vm vm = Vm.open()) {
            major = vm.backend().device().ccMajor();
            minor = vm.backend().device().ccMinor();
            for (ParityCorpus.Entry e : all) {
                parity.check(vm.rig(), e.name(), e.program(), e.grid(), e.elements(), rnd.split(), fusedChecks::add);
            }
        }
        long interpreted = System.nanoTime();
        try (CudaContext context = CudaContext.open(0)) {
            for (VmParity.FusedCheck c : fusedChecks) {
                fused(context, c, major, minor);
            }
        }
        assertTrue(parity.programs >= GENERATED, "programs " + parity.programs);
        assertEquals(parity.programs, fusedChecks.size());
        List<VmOp> missing = new ArrayList<>();
        for (VmOp op : VmOp.values()) {
            if (!parity.covered.contains(op)) {
                missing.add(op);
            }
        }
        System.out.println("cuda-vm parity: " + parity.programs + " programs identical on cuda-interpreted, "
                + "cuda-fused, the Java VM and the reference (" + parity.refused + " refused by the lowering); "
                + "transcendental opcodes covered " + parity.covered.stream().filter(VmOp::transcendental).count()
                + "/13; interpreted phase " + (interpreted - start) / 1_000_000 + " ms, fused phase "
                + (System.nanoTime() - interpreted) / 1_000_000 + " ms; opcodes not covered: " + missing);
        assertTrue(missing.isEmpty(), "opcodes not covered: " + missing);
        assertEquals(13, parity.covered.stream().filter(VmOp::transcendental).count(),
                "every transcendental opcode ran on the device");
    }

    /** The fused kernel over the same inputs: the reference's buffers. */
    private static void fused(CudaContext context, VmParity.FusedCheck c, int major, int minor) {
        try (Arena arena = Arena.ofConfined();
             FusedKernel k = FusedKernel.compile(context, c.program(), major, minor)) {
            Map<String, MemorySegment> buffers = new LinkedHashMap<>();
            for (int i = 0; i < c.inputs().decls().size(); i++) {
                byte[] bytes = c.inputs().initial().get(i);
                if (bytes != null) {
                    buffers.put(c.inputs().decls().get(i).name(), VmParity.copy(arena.allocate(Math.max(4,
                            bytes.length), 4), bytes));
                }
            }
            k.run(c.grid(), buffers);
            for (BufferDecl d : c.inputs().decls()) {
                if (buffers.containsKey(d.name())) {
                    VmParity.same(c.name() + " cuda-fused vs reference", d, c.expected().get(d.name()),
                            buffers.get(d.name()), c.program());
                }
            }
        }
    }

    @Test
    void anEndlessProgramFaultsOnlyItsSlotWhileTheMegakernelServesOthers() {
        try (Vm vm = Vm.open()) {
            endless(vm.rig(), vm.kernel());
        }
    }

    private static void endless(VmRig rig, Megakernel kernel) {
        VmImage loop = VmLowering.lower(SimVmTest.endless());
        VmImage work = VmLowering.lower(SimVmTest.triple());
        MemorySegment counter = rig.buffer(4);
        MemorySegment out = rig.buffer(80 * 4);
        int loopId = rig.program(0, loop);
        int loopSet = rig.bufferSet(0, loop, List.of(counter));
        int workId = rig.program(0, work);
        int workSet = rig.bufferSet(0, work, List.of(out));
        int budget = 20_000_000;
        long start = System.nanoTime();
        Ticket endless = kernel.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL,
                VmExecAbi.args(loopId, loopSet, 1, 1, 1, 0, 1, budget));
        List<SlotOutcome> served = new ArrayList<>();
        for (int k = 0; k < 2_000; k++) {
            served.add(rig.exec(0, workId, workSet, 2, 1, 1, 100_000));
        }
        long servedNanos = System.nanoTime() - start;
        SlotOutcome faulted = endless.await(VmRig.WAIT);
        long faultNanos = System.nanoTime() - start;
        assertEquals(FaultCode.STEP_BUDGET, faulted.fault(), faulted.toString());
        assertEquals(budget, faulted.faultDetail());
        for (SlotOutcome s : served) {
            assertTrue(s.isDone(), s.toString());
        }
        for (int i = 0; i < 80; i++) {
            assertEquals(i * 3 + 1, out.getAtIndex(ValueLayout.JAVA_INT, i));
        }
        System.out.println("cuda-vm endless: 2000 other VM_EXEC slots done in " + servedNanos / 1_000_000
                + " ms while the endless slot ran; it faulted STEP_BUDGET after " + faultNanos / 1_000_000 + " ms ("
                + budget + " steps), the counter at " + Integer.toUnsignedString(counter.get(ValueLayout.JAVA_INT, 0)));
    }

    @Test
    void tenantsRunOnlyTheirOwnProgramsAndBufferSets() {
        try (Vm vm = Vm.open()) {
            tenants(vm.rig());
        }
    }

    private static void tenants(VmRig rig) {
        VmImage work = VmLowering.lower(SimVmTest.triple());
        MemorySegment out = rig.buffer(40 * 4);
        int mine = rig.program(1, work);
        int mySet = rig.bufferSet(1, work, List.of(out));
        int theirs = rig.program(0, work);
        int theirSet = rig.bufferSet(0, work, List.of(out));
        assertTrue(rig.exec(1, mine, mySet, 1, 1, 1, 10_000).isDone());
        SlotOutcome foreignProgram = rig.exec(1, theirs, mySet, 1, 1, 1, 10_000);
        assertEquals(FaultCode.NOT_OWNER, foreignProgram.fault());
        assertEquals(VmExecAbi.PROGRAM, foreignProgram.faultDetail());
        SlotOutcome foreignSet = rig.exec(1, mine, theirSet, 1, 1, 1, 10_000);
        assertEquals(FaultCode.NOT_OWNER, foreignSet.fault());
        assertEquals(VmExecAbi.BUFFER_SET, foreignSet.faultDetail());
        assertEquals(FaultCode.OPCODE_NOT_PERMITTED, rig.exec(2, mine, mySet, 1, 1, 1, 10_000).fault());
    }
}
