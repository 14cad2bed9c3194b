package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.lt;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.runtime.cuda.ir.Ir.and;
import static dev.vyre.runtime.cuda.ir.Ir.atomicAdd;
import static dev.vyre.runtime.cuda.ir.Ir.bitSet;
import static dev.vyre.runtime.cuda.ir.Ir.block;
import static dev.vyre.runtime.cuda.ir.Ir.cas;
import static dev.vyre.runtime.cuda.ir.Ir.chain;
import static dev.vyre.runtime.cuda.ir.Ir.concat;
import static dev.vyre.runtime.cuda.ir.Ir.eq;
import static dev.vyre.runtime.cuda.ir.Ir.le;
import static dev.vyre.runtime.cuda.ir.Ir.let;
import static dev.vyre.runtime.cuda.ir.Ir.ne;
import static dev.vyre.runtime.cuda.ir.Ir.nodes;
import static dev.vyre.runtime.cuda.ir.Ir.not;
import static dev.vyre.runtime.cuda.ir.Ir.set;
import static dev.vyre.runtime.cuda.ir.Ir.store;
import static dev.vyre.runtime.cuda.ir.Ir.sub;
import static dev.vyre.runtime.cuda.ir.Ir.when;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.exec.SlotExecutor;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The built-in opcodes as VIR0 nodes, with the CPU backend's semantics ({@link SlotExecutor}): every check of a
 * built-in runs before its effect and sets the fault variables ({@link MegakernelProgram#FCODE},
 * {@link MegakernelProgram#FDETAIL}) to the first failing check's code and detail, as {@code SlotExecutor.check}
 * does; the effect runs only while no fault is set. Detail arithmetic that the CPU does in 64 bits is written with
 * U32 saturation ({@code SaturatingAdd}) and comparisons that cannot wrap.
 */
final class BuiltinNodes {
    /** The packable built-ins (STORE_U32..MEMCPY and BATCH_FENCE), in opcode order. */
    static final int[] PACKABLE = IntStream.rangeClosed(Opcodes.NOP, Opcodes.LAST_LOW_BUILTIN)
            .filter(SlotExecutor::packable).toArray();

    private final String control;
    private final String debug;
    /** The debug log with release atomics (COMMITTED). */
    private final String debugRelease;
    private final String controlWords;
    private final String mask;
    /** Whether built-ins are checked against the slot tenant's window too ({@link ConfinementNodes}). */
    private final boolean confined;
    /** Makes the variable names of one body unique (the validator forbids shadowing and redeclaration). */
    private int names;

    /**
     * @param control      the control block buffer
     * @param debug        the debug log buffer
     * @param debugRelease the debug log buffer with release atomics
     * @param controlWords a U32 variable holding the control block's words
     * @param mask         a U32 variable holding the slot tenant's permission mask
     * @param confined     whether every control word is checked against the slot tenant's window after the block
     */
    BuiltinNodes(String control, String debug, String debugRelease, String controlWords, String mask,
                 boolean confined) {
        this.control = control;
        this.debug = debug;
        this.debugRelease = debugRelease;
        this.controlWords = controlWords;
        this.mask = mask;
        this.confined = confined;
    }

    private String fresh(String base) {
        return base + "_" + names++;
    }

    /** Sets the fault to {@code code}, {@code detail} unless {@code ok} or a fault is set already. */
    static Node failUnless(Expr ok, FaultCode code, Expr detail) {
        return when(and(eq(var(MegakernelProgram.FCODE), u32(0)), not(ok)), nodes(
                set(MegakernelProgram.FCODE, u32(code.wire())), set(MegakernelProgram.FDETAIL, detail)));
    }

    private static Expr noFault() {
        return eq(var(MegakernelProgram.FCODE), u32(0));
    }

    /** A built-in with a fixed body and three arguments: checked, then applied while no fault is set. */
    List<Node> simple(int op, Expr a0, Expr a1, Expr a2) {
        return nodes(block(check(op, a0, a1, a2)), when(noFault(), nodes(block(apply(op, a0, a1, a2)))));
    }

    /**
     * Control word {@code index + offset} (a 64-bit sum on the CPU) lies in the block; detail saturates. Confined:
     * then in the window.
     */
    private Node word(Expr index, int offset) {
        Expr words = var(controlWords);
        Expr ok = offset == 0 ? lt(index, words)
                : and(le(u32(offset), words), lt(index, sub(words, u32(offset))));
        Node inBlock = failUnless(ok, FaultCode.CONTROL_OUT_OF_RANGE, bin(BinaryOp.SATURATING_ADD, index,
                u32(offset)));
        return !confined ? inBlock : block(nodes(inBlock, ConfinementNodes.word(offset == 0 ? index
                : add(index, u32(offset)))));
    }

    /**
     * {@code first + count <= control words} (a 64-bit sum on the CPU); detail {@code max(first, words)}. Confined:
     * then in the window.
     */
    private Node range(Expr first, Expr count) {
        Expr words = var(controlWords);
        Node inBlock = failUnless(and(le(count, words), le(first, sub(words, count))), FaultCode.CONTROL_OUT_OF_RANGE,
                bin(BinaryOp.MAX, first, words));
        return !confined ? inBlock : block(nodes(inBlock, ConfinementNodes.range(first, count)));
    }

    /** The checks of {@code op}, as {@code SlotExecutor.check}. */
    List<Node> check(int op, Expr a0, Expr a1, Expr a2) {
        int observables = ControlLayout.OBSERVABLE_BASE;
        return switch (op) {
            case Opcodes.STORE_U32, Opcodes.ATOMIC_ADD -> nodes(word(a1, 0));
            case Opcodes.LOAD_U32 -> nodes(word(a0, 0), word(a1, observables));
            case Opcodes.COMPARE_SWAP -> nodes(word(a0, 0), word(a0, observables));
            case Opcodes.MEMCPY -> nodes(range(a0, a2), range(a1, a2));
            case Opcodes.BATCH_FENCE -> nodes(word(u32(ControlLayout.EPOCH), 0), word(u32(observables), 0));
            default -> throw new IllegalArgumentException("no checks for " + Opcodes.name(op));
        };
    }

    /** The effect of a checked {@code op}, as {@code SlotExecutor.apply}. */
    List<Node> apply(int op, Expr a0, Expr a1, Expr a2) {
        int observables = ControlLayout.OBSERVABLE_BASE;
        return switch (op) {
            case Opcodes.STORE_U32 -> nodes(store(control, a1, a0));
            case Opcodes.ATOMIC_ADD -> nodes(let(fresh("added"), atomicAdd(control, a1, a0)));
            case Opcodes.LOAD_U32 -> nodes(store(control, add(a1, u32(observables)), load(control, a0)));
            case Opcodes.COMPARE_SWAP -> {
                String prev = fresh("prev");
                yield nodes(let(prev, cas(control, a0, a1, a2)), store(control, add(a0, u32(observables)), var(prev)));
            }
            case Opcodes.MEMCPY -> memmove(a0, a1, a2);
            case Opcodes.BATCH_FENCE -> nodes(let(fresh("epoch"), atomicAdd(control, u32(ControlLayout.EPOCH), u32(1))),
                    store(control, u32(observables), a1));
            default -> throw new IllegalArgumentException("no built-in body for " + Opcodes.name(op));
        };
    }

    /** memmove of control[src..src+n) to control[dst..dst+n): backwards when the target lies above the source. */
    private List<Node> memmove(Expr src, Expr dst, Expr n) {
        String forward = fresh("i");
        String backward = fresh("i");
        String last = fresh("j");
        List<Node> up = nodes(store(control, add(dst, var(forward)), load(control, add(src, var(forward)))));
        List<Node> down = nodes(let(last, sub(sub(n, u32(1)), var(backward))),
                store(control, add(dst, var(last)), load(control, add(src, var(last)))));
        return nodes(when(bin(BinaryOp.GT, dst, src), nodes(new Node.For(backward, u32(0), n, down)),
                nodes(new Node.For(forward, u32(0), n, up))));
    }

    /**
     * PACKED_SLOT over the argument variables {@code args}: every sub-op checked (packable, else BAD_ARGUMENT; its
     * permission bit, else OPCODE_NOT_PERMITTED; its control words), both with the sub-op's opcode word index as
     * detail, before any runs; then they run in order.
     */
    List<Node> packed(List<String> args) {
        List<Node> checks = new java.util.ArrayList<>();
        List<Node> runs = new java.util.ArrayList<>();
        for (int k = 0; k < SlotExecutor.PACKED_SUB_OPS; k++) {
            int base = k * SlotExecutor.PACKED_SUB_OP_WORDS;
            Expr sub = var(args.get(base));
            Expr a0 = var(args.get(base + 1));
            Expr a1 = var(args.get(base + 2));
            Expr a2 = var(args.get(base + 3));
            List<Node> bad = nodes(failUnless(new Expr.LitBool(false), FaultCode.BAD_ARGUMENT, u32(base)));
            checks.add(when(and(noFault(), ne(sub, u32(Opcodes.NOP))), chain(sub, PACKABLE, op -> nodes(
                    failUnless(bitSet(var(mask), u32(op)), FaultCode.OPCODE_NOT_PERMITTED, u32(base)),
                    block(check(op, a0, a1, a2))), bad)));
            runs.add(block(chain(sub, PACKABLE, op -> nodes(block(apply(op, a0, a1, a2))), List.of())));
        }
        return concat(checks, nodes(when(noFault(), runs)));
    }

    /**
     * PRINTF: one attempt to reserve record {@code cursor} by CAS CURSOR -> cursor + 1 while it is below the capacity
     * {@code capacity} (a U32 variable). Won: the record {fmt_id = a0, a1, a2, slot base}, then COMMITTED += 1 with
     * release. Full: DROPPED += 1. Lost the race: {@code retry} becomes true and the slot is run again
     * (the hand-written kernel's reservation loop, taken through the worker's loop).
     */
    List<Node> printf(Expr a0, Expr a1, Expr a2, Expr slotBase, String capacity, String retry) {
        String cursor = fresh("cursor");
        String seen = fresh("seen");
        String record = fresh("record");
        int header = DebugLogLayout.HEADER_WORDS;
        List<Node> write = nodes(
                let(record, add(u32(header), bin(BinaryOp.MUL, var(cursor), u32(DebugLogLayout.RECORD_WORDS)))),
                store(debug, add(var(record), u32(DebugLogLayout.RECORD_FMT_ID)), a0),
                store(debug, add(var(record), u32(DebugLogLayout.RECORD_ARG0)), a1),
                store(debug, add(var(record), u32(DebugLogLayout.RECORD_ARG1)), a2),
                store(debug, add(var(record), u32(DebugLogLayout.RECORD_ARG2)), slotBase),
                let(fresh("committed"), atomicAdd(debugRelease, u32(DebugLogLayout.COMMITTED), u32(1))));
        List<Node> reserve = nodes(
                let(seen, cas(debug, u32(DebugLogLayout.CURSOR), var(cursor), add(var(cursor), u32(1)))),
                when(ne(var(seen), var(cursor)), nodes(set(retry, new Expr.LitBool(true))), write));
        return nodes(let(cursor, load(debug, u32(DebugLogLayout.CURSOR))),
                when(bin(BinaryOp.GE, var(cursor), var(capacity)),
                        nodes(let(fresh("dropped"), atomicAdd(debug, u32(DebugLogLayout.DROPPED), u32(1)))), reserve));
    }

    /** The slot's ARG(i) variable names for {@code prefix}: {@code prefix0..prefix11}. */
    static List<String> argNames(String prefix) {
        return IntStream.range(0, SlotLayout.ARGS_PER_SLOT).mapToObj(i -> prefix + i).toList();
    }
}
