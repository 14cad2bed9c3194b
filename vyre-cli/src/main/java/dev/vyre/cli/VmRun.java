package dev.vyre.cli;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.WorkerShape;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.vm.VmUnit;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmLoweringException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code vyre vir0 run --backend cpu-interpreted}: the program lowered to VYVM bytecode, registered on a running CPU
 * megakernel and run by VM_EXEC slots through the ring (docs/VM-BYTECODE.md), the grid split over the workers.
 */
final class VmRun {
    /** Tenant the CLI registers and publishes as. */
    static final int TENANT = 0;
    private static final int WORKERS = 4;
    private static final Duration WAIT = Duration.ofMinutes(10);

    /** Totals of a run. */
    record Totals(long steps, long outOfBoundsLoads, long outOfBoundsStores, int slots) {
    }

    private VmRun() {
    }

    /** Runs {@code program} over {@code grid} on {@code bound} (updated in place with the results). */
    static Totals run(Program program, Dispatch grid, Map<String, MemorySegment> bound, long budget) {
        return run(new CpuBackend(), program, grid, bound, budget);
    }

    /**
     * As {@link #run(Program, Dispatch, Map, long)} on {@code backend}: a CPU backend, or a CUDA backend with the
     * device interpreter enabled ({@link #cudaBackend}).
     */
    static Totals run(Backend backend, Program program, Dispatch grid, Map<String, MemorySegment> bound,
                      long budget) {
        if (budget < 1 || budget > 0xFFFF_FFFFL) {
            throw new CliException("--step-budget " + budget + " does not fit a VM_EXEC slot",
                    "give 1 to 4294967295 steps per slot");
        }
        try (Megakernel k = Megakernel.bootstrap(backend,
                MegakernelConfig.defaults().withSlots(64).withWorkers(WORKERS))) {
            VmUnit vm = k.vm();
            int programId;
            try {
                programId = vm.register(TENANT, program);
            } catch (VmLoweringException e) {
                throw new CliException("the VM cannot run this program: " + e.problem(), e.fix(), e);
            }
            List<MemorySegment> shared = new ArrayList<>();
            for (BufferDecl d : program.buffers()) {
                MemorySegment s = bound.get(d.name());
                if (d.access() == BufferAccess.WORKGROUP || s == null) {
                    shared.add(null);
                    continue;
                }
                MemorySegment copy = k.allocateShared(Math.max(s.byteSize(), 1), 16).asSlice(0, s.byteSize());
                copy.copyFrom(s);
                shared.add(copy);
            }
            int set = vm.registerBufferSet(TENANT, programId, shared);
            long total = Integer.toUnsignedLong(grid.x()) * Integer.toUnsignedLong(grid.y())
                    * Integer.toUnsignedLong(grid.z());
            long per = Math.max(1, (total + WORKERS - 1) / WORKERS);
            List<Ticket> tickets = new ArrayList<>();
            for (long first = 0; first < total; first += per) {
                long count = Math.min(per, total - first);
                tickets.add(k.publish(Opcodes.VM_EXEC, TENANT, Priority.NORMAL, VmExecAbi.args(programId, set,
                        grid.x(), grid.y(), grid.z(), (int) first, (int) count, (int) budget)));
            }
            long steps = 0;
            long loads = 0;
            long stores = 0;
            for (Ticket t : tickets) {
                SlotOutcome o = t.await(WAIT);
                if (o.isFault()) {
                    throw fault(o, budget);
                }
                steps += Integer.toUnsignedLong(o.arg(VmExecAbi.STEPS));
                loads += Integer.toUnsignedLong(o.arg(VmExecAbi.OOB_LOADS));
                stores += Integer.toUnsignedLong(o.arg(VmExecAbi.OOB_STORES));
            }
            for (int i = 0; i < shared.size(); i++) {
                if (shared.get(i) != null) {
                    bound.get(program.buffers().get(i).name()).copyFrom(shared.get(i));
                }
            }
            return new Totals(steps, loads, stores, tickets.size());
        }
    }

    /** A CUDA backend whose megakernel runs VM_EXEC on the device (warps as workers). */
    static Backend cudaBackend() {
        CudaBackend cuda = CudaBackend.open(CudaBackend.Settings.defaults().withShape(WorkerShape.WARP));
        try {
            cuda.enableVm();
        } catch (RuntimeException e) {
            cuda.close();
            throw e;
        }
        return cuda;
    }

    private static CliException fault(SlotOutcome o, long budget) {
        if (o.fault() == FaultCode.STEP_BUDGET) {
            return new CliException("a VM_EXEC slot ran out of its budget of " + budget + " steps (a Loop that never"
                    + " Returns, or a long program)", "raise --step-budget, or make every Loop reach a Return");
        }
        if (o.fault() == FaultCode.HANDLER_FAULT && (o.faultDetail() & VmExecAbi.DIVERGENT) != 0) {
            return new CliException("divergent collectives at bytecode pc " + (o.faultDetail()
                    & VmExecAbi.DETAIL_PC_MASK) + ": live lanes of a wave wait at different Barriers or wave"
                    + " operators", "move the collective out of the divergent If or Loop, or Return the invocations"
                    + " that skip it");
        }
        return new CliException("a VM_EXEC slot faulted " + o.fault() + " (detail " + o.faultDetail() + ")",
                "see docs/VM-BYTECODE.md, VM_EXEC checks");
    }
}
