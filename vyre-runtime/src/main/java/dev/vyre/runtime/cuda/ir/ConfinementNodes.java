package dev.vyre.runtime.cuda.ir;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.lt;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.runtime.cuda.ir.Ir.bitSet;
import static dev.vyre.runtime.cuda.ir.Ir.eq;
import static dev.vyre.runtime.cuda.ir.Ir.let;
import static dev.vyre.runtime.cuda.ir.Ir.nodes;
import static dev.vyre.runtime.cuda.ir.Ir.or;
import static dev.vyre.runtime.cuda.ir.Ir.select;
import static dev.vyre.runtime.cuda.ir.Ir.sub;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.cuda.TenantWindows;
import java.util.ArrayList;
import java.util.List;

/**
 * Tenant confinement in the IR-built megakernel (docs/TENANTS.md, "Confinement"), as VIR0 nodes: what the
 * hand-written kernel's {@code ConfinementPtx} emits, with the CPU backend's outcomes ({@link
 * dev.vyre.runtime.exec.SlotExecutor}). Only a program built with {@link MegakernelProgram.Options#confined()} has
 * any of it (and the buffer {@value #WINDOWS}), so a kernel without confined tenants is unchanged.
 *
 * <p>The kernel reads the {@link TenantWindows} table, bound as {@value #WINDOWS} (device memory written once before
 * the launch): per slot its tenant's entry (an unconfined tenant's entry is the whole block and region, so every
 * check passes for it), and with handlers the confined mask once at start. Built-ins: every control word a slot
 * would touch is checked against the window right after its block check ({@link BuiltinNodes}), in the CPU
 * executor's order and with its details, before any effect. User handlers ({@link HandlerNodes}): their
 * {@code control} and {@code data} indices are relative to the window (index 0 = its first word or byte, the length
 * is the window's), an access outside it reads 0 or is dropped and counted, and a confined tenant's run that counted
 * any faults OUT_OF_REGION with the count (saturated) as detail.
 */
final class ConfinementNodes {
    /** The window table buffer ({@link TenantWindows#table}, {@link TenantWindows#TABLE_WORDS} U32 words). */
    static final String WINDOWS = "windows";
    /** The slot's window: first control word, control words, data offset (bytes), data bytes. */
    private static final String FIRST = "win_first";
    private static final String WORDS = "win_words";
    private static final String DATA_OFFSET = "win_doff";
    private static final String DATA_BYTES = "win_dbytes";
    /** The confined mask, read at start (with handlers). */
    private static final String MASK = "win_mask";
    /** The slot's entry: its first word in the table. */
    private static final String ENTRY = "win_entry";
    /** Whether the slot's tenant is confined (with handlers). */
    private static final String CONFINED = "win_confined";

    private final boolean handlers;

    /** @param handlers whether the kernel inlines user handlers (they need the data window and the mask) */
    ConfinementNodes(boolean handlers) {
        this.handlers = handlers;
    }

    /** The table's declaration: U32, read-only, device memory (not mapped). */
    static BufferDecl buffer(int binding) {
        return BufferDecl.of(WINDOWS, binding, BufferAccess.READ_ONLY, ScalarType.U32, 0, false);
    }

    /** At start: the confined mask (the table never changes while the kernel runs). */
    List<Node> start() {
        return handlers ? nodes(let(MASK, load(WINDOWS, u32(TenantWindows.CONFINED_MASK)))) : List.of();
    }

    /**
     * Per slot: the window of {@code tenant} (a U32 expression; a TENANT word past the tenants reads the last entry,
     * but such a slot faults OPCODE_NOT_PERMITTED before any check).
     */
    List<Node> window(Expr tenant) {
        Expr entry = add(u32(TenantWindows.HEADER_WORDS), bin(BinaryOp.MUL, bin(BinaryOp.MIN, tenant,
                u32(Permissions.TENANTS - 1)), u32(TenantWindows.ENTRY_WORDS)));
        List<Node> out = new ArrayList<>(nodes(let(ENTRY, entry),
                let(FIRST, load(WINDOWS, add(var(ENTRY), u32(TenantWindows.CONTROL_FIRST)))),
                let(WORDS, load(WINDOWS, add(var(ENTRY), u32(TenantWindows.CONTROL_WORDS))))));
        if (handlers) {
            out.add(let(DATA_OFFSET, load(WINDOWS, add(var(ENTRY), u32(TenantWindows.DATA_OFFSET)))));
            out.add(let(DATA_BYTES, load(WINDOWS, add(var(ENTRY), u32(TenantWindows.DATA_BYTES)))));
            out.add(let(CONFINED, bitSet(var(MASK), bin(BinaryOp.MIN, tenant, u32(Permissions.TENANTS - 1)))));
        }
        return out;
    }

    /** Control word {@code index} (inside the block: no wrap) lies in the window. */
    private static Expr inWindow(Expr index) {
        return lt(sub(index, var(FIRST)), var(WORDS));
    }

    /** OUT_OF_REGION with the index as detail unless control word {@code index} (already in the block) is in it. */
    static Node word(Expr index) {
        return BuiltinNodes.failUnless(inWindow(index), FaultCode.OUT_OF_REGION, index);
    }

    /**
     * OUT_OF_REGION unless {@code [first, first + count)} (already in the block) is empty or in the window; the detail
     * is {@code first} when it starts outside, else the window's end.
     */
    static Node range(Expr first, Expr count) {
        Expr ok = or(eq(count, u32(0)), Ir.and(inWindow(first), inWindow(sub(add(first, count), u32(1)))));
        return BuiltinNodes.failUnless(ok, FaultCode.OUT_OF_REGION, select(inWindow(first), add(var(FIRST),
                var(WORDS)), first));
    }

    // ---- user handlers -------------------------------------------------------------------------------------

    /** Whether the slot's tenant is confined (with handlers). */
    static Expr confined() {
        return var(CONFINED);
    }

    /** The length of handler buffer {@code buffer} ({@code control}, or {@code data} of {@code type}) in elements. */
    static Expr length(String buffer, ScalarType type) {
        if (buffer.equals(HandlerTable.CONTROL)) {
            return var(WORDS);
        }
        return type == ScalarType.BYTES ? var(DATA_BYTES) : words(var(DATA_BYTES));
    }

    /** The kernel-buffer index of element {@code index} (a U32 expression, in the window) of {@code buffer}. */
    static Expr at(String buffer, ScalarType type, Expr index) {
        if (buffer.equals(HandlerTable.CONTROL)) {
            return add(var(FIRST), index);
        }
        return add(type == ScalarType.BYTES ? var(DATA_OFFSET) : words(var(DATA_OFFSET)), index);
    }

    /** Bytes to words (the window's data offset and bytes are multiples of 4). */
    private static Expr words(Expr bytes) {
        return bin(BinaryOp.SHR, bytes, u32(Integer.numberOfTrailingZeros(Wire.WORD_BYTES)));
    }
}
