package dev.vyre.runtime;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.runtime.parity.StreamHandlers;
import dev.vyre.runtime.task.TaskSlotAbi;
import java.util.ArrayList;
import java.util.List;

/** VIR0 handlers for the tenant, task and recovery tests. */
final class TenantPrograms {
    /** {@code data[args[0]] = args[1]} (U32 words of the data region). */
    static final int DATA_STORE = 0x200;
    /** A task step: pc += 1, data += param, yield while pc < input, else done. */
    static final int STEPPER = 0x201;
    /** A task that requeues itself for the next epoch once, then records the epoch it resumed in. */
    static final int EPOCH_WAITER = 0x202;

    private TenantPrograms() {
    }

    private static Expr arg(int i) {
        return Expr.load(HandlerTable.ARGS, Expr.u32(i));
    }

    private static Node setArg(int i, Expr value) {
        return new Node.Store(HandlerTable.ARGS, Expr.u32(i), value);
    }

    static Program dataStore() {
        List<BufferDecl> buffers = new ArrayList<>(StreamHandlers.buffers());
        buffers.add(BufferDecl.of(HandlerTable.DATA, 2, BufferAccess.READ_WRITE, ScalarType.U32, 0, true));
        return Program.of(Program.WorkgroupSize.of(1), buffers,
                List.of(new Node.Store(HandlerTable.DATA, arg(0), arg(1))));
    }

    static Program stepper() {
        Expr pc = Expr.var("pc");
        return Program.of(Program.WorkgroupSize.of(1), StreamHandlers.buffers(), List.of(
                new Node.Let("pc", Expr.add(arg(TaskSlotAbi.CONTINUATION_PC), Expr.u32(1))),
                setArg(TaskSlotAbi.CONTINUATION_PC, pc),
                setArg(TaskSlotAbi.CONTINUATION_DATA, Expr.add(arg(TaskSlotAbi.CONTINUATION_DATA),
                        arg(TaskSlotAbi.PARAM))),
                setArg(TaskSlotAbi.DISPOSITION, new Expr.Select(Expr.lt(pc, arg(TaskSlotAbi.INPUT)),
                        Expr.u32(TaskSlotAbi.YIELD), Expr.u32(TaskSlotAbi.DONE)))));
    }

    static Program epochWaiter() {
        Expr epoch = Expr.load(HandlerTable.CONTROL, Expr.u32(128));
        return Program.of(Program.WorkgroupSize.of(1), StreamHandlers.buffers(), List.of(
                new Node.If(Expr.bin(BinaryOp.EQ, arg(TaskSlotAbi.CONTINUATION_PC), Expr.u32(0)), List.of(
                        setArg(TaskSlotAbi.CONTINUATION_PC, Expr.u32(1)),
                        setArg(TaskSlotAbi.RESUME_EPOCH, Expr.add(epoch, Expr.u32(1))),
                        setArg(TaskSlotAbi.DISPOSITION, Expr.u32(TaskSlotAbi.REQUEUE))), List.of(
                        setArg(TaskSlotAbi.CONTINUATION_DATA, epoch),
                        setArg(TaskSlotAbi.DISPOSITION, Expr.u32(TaskSlotAbi.DONE))))));
    }
}
