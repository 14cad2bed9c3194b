package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.u32;
import static dev.vyre.runtime.cuda.ir.Ir.chain;
import static dev.vyre.runtime.cuda.ir.Ir.eq;
import static dev.vyre.runtime.cuda.ir.Ir.select;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.cuda.CudaBackendException;
import dev.vyre.ir.ScalarType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The user handlers of the IR-built megakernel: which ones it runs, their permission bits and their place in the
 * dispatch. Handler {@code i} of the {@link HandlerTable} (sorted by opcode) has bit
 * {@code Permissions.FIRST_USER_BIT + i}, as in the hand-written kernel and the CPU backend, and is inlined by
 * {@link HandlerNodes}. Cooperative handlers (32 lanes) are refused.
 */
final class HandlerFusion {
    /** The largest step budget the IR-built kernel counts exactly. */
    static final long MAX_BUDGET = HandlerNodes.MAX_BUDGET;

    private HandlerFusion() {
    }

    /** Refuses what the IR-built kernel cannot fuse, with a fix naming the hand-written kernel. */
    static void check(HandlerTable handlers, long budget) {
        if (handlers.size() == 0) {
            return;
        }
        String fix = "use the hand-written kernel (settings without withIrKernel())";
        for (int i = 0; i < handlers.size(); i++) {
            String who = "user handler " + Opcodes.name(handlers.opcode(i));
            if (handlers.cooperative(i)) {
                throw new CudaBackendException("the IR-built megakernel does not run cooperative handlers (" + who
                        + " has " + HandlerTable.COOPERATIVE_LANES + " lanes)", fix + " for cooperative handlers");
            }
        }
        if (budget < 1 || budget > MAX_BUDGET) {
            throw new CudaBackendException("the IR-built megakernel cannot count a handler step budget of "
                    + Long.toUnsignedString(budget) + " (at most " + MAX_BUDGET + ": its step count is a U32)",
                    "use withHandlerStepBudget of at most " + MAX_BUDGET + ", or " + fix);
        }
    }

    /** The kernel's views of the data region, by element type: U32 and Bytes. */
    static final Map<String, ScalarType> DATA_BUFFERS = Map.of(MegakernelProgram.DATA, ScalarType.U32,
            MegakernelProgram.DATA + "_bytes", ScalarType.BYTES);

    /** The kernel buffer a handler's {@code data} of {@code type} is bound to. */
    static String dataBuffer(ScalarType type) {
        return type == ScalarType.BYTES ? MegakernelProgram.DATA + "_bytes" : MegakernelProgram.DATA;
    }

    /** The data-region views the handlers need (none without a handler that declares {@code data}), in order. */
    static Map<String, ScalarType> dataBuffers(HandlerTable handlers) {
        Map<String, ScalarType> out = new TreeMap<>();
        for (int i = 0; i < handlers.size(); i++) {
            if (handlers.readsData(i)) {
                ScalarType type = (ScalarType) handlers.program(i).buffer(HandlerTable.DATA).elementType();
                out.put(dataBuffer(type), type);
            }
        }
        return out;
    }

    /** {@code op}'s user permission bit when it is a handler's opcode, else {@code otherwise}. */
    static Expr permissionBit(HandlerTable handlers, Expr op, Expr otherwise) {
        Expr bit = otherwise;
        for (int i = handlers.size() - 1; i >= 0; i--) {
            bit = select(eq(op, u32(handlers.opcode(i))), u32(Permissions.FIRST_USER_BIT + i), bit);
        }
        return bit;
    }

    /**
     * The dispatch of the handlers' opcodes, each to its inlined handler, and {@code otherwise} for any other
     * opcode.
     *
     * @param args     the kernel's variables holding ARG0..ARG11 as read at the claim
     * @param slotBase the kernel's variable holding the slot's first word
     * @param windows  the kernel's confinement, or null without confined tenants
     */
    static List<Node> dispatch(MegakernelProgram.Options options, Expr op, List<String> args, String slotBase,
                               String controlWords, ConfinementNodes windows, List<Node> otherwise) {
        HandlerTable handlers = options.handlers();
        int[] opcodes = IntStream.range(0, handlers.size()).map(handlers::opcode).toArray();
        return chain(op, opcodes, opcode -> {
            int i = handlers.indexOf(opcode);
            return new HandlerNodes(i, handlers.program(i), options.handlerStepBudget(), slotBase, controlWords,
                    windows != null).inline(args);
        }, otherwise);
    }
}
