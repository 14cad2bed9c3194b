package dev.vyre.runtime.parity;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.HandlerTable;
import java.util.List;

/** The user handlers that random slot streams use; both are VIR0 programs with the handler buffers. */
public final class StreamHandlers {
    /**
     * Opcode of the counting handler: {@code args[0] = args[0] * 31 + args[1]}; atomically
     * {@code control[args[2]] += 1}; {@code control[args[3]] = args[0]} (the new value).
     */
    public static final int COUNTING = 0x100;
    /** Opcode of the spinning handler: loops forever, so it always faults STEP_BUDGET. */
    public static final int SPINNING = 0x101;

    private StreamHandlers() {
    }

    /** The two handler buffers, both ReadWrite U32. */
    public static List<BufferDecl> buffers() {
        return List.of(
                BufferDecl.of(HandlerTable.ARGS, 0, BufferAccess.READ_WRITE, ScalarType.U32, SlotLayout.ARGS_PER_SLOT,
                        true),
                BufferDecl.of(HandlerTable.CONTROL, 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, true));
    }

    /** The counting handler (see {@link #COUNTING}). */
    public static Program counting() {
        Expr arg0 = Expr.load(HandlerTable.ARGS, Expr.u32(0));
        Expr arg1 = Expr.load(HandlerTable.ARGS, Expr.u32(1));
        return Program.of(Program.WorkgroupSize.of(1), buffers(), List.of(
                new Node.Store(HandlerTable.ARGS, Expr.u32(0), Expr.add(Expr.mul(arg0, Expr.u32(31)), arg1)),
                new Node.Let("previous", new Expr.Atomic(AtomicOp.ADD, HandlerTable.CONTROL,
                        Expr.load(HandlerTable.ARGS, Expr.u32(2)), null, Expr.u32(1))),
                new Node.Store(HandlerTable.CONTROL, Expr.load(HandlerTable.ARGS, Expr.u32(3)),
                        Expr.load(HandlerTable.ARGS, Expr.u32(0)))));
    }

    /** The spinning handler (see {@link #SPINNING}): a Loop whose body never returns. */
    public static Program spinning() {
        return Program.of(Program.WorkgroupSize.of(1), buffers(), List.of(
                new Node.Let("i", Expr.u32(0)),
                new Node.Loop(List.of(new Node.Assign("i", Expr.bin(BinaryOp.ADD, Expr.var("i"), Expr.u32(1)))))));
    }
}
