package dev.vyre.ir.codec;

import static dev.vyre.ir.codec.Vir0Format.*; // tag and limit constants

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Reads the expression arena: {@code u32 count}, then entries in post-order. Each child reference must point to
 * an earlier entry that nothing has referenced yet, so the entries form a forest that is built bottom-up without
 * recursion; {@link #take} hands the roots to the node tree, and {@link #checkAllUsed} finds orphans.
 */
final class ExprArenaDecoder {
    private static final String TREE_FIX = "expressions form a tree: every arena entry is referenced exactly once, "
            + "children before their parent (docs/VIR0-FORMAT.md)";

    private final Vir0Reader in;
    private final List<Expr> entries = new ArrayList<>();
    private final int[] offsets;
    private final boolean[] used;
    private final int[] heights;
    /** Index and height of the entry being read. */
    private int current;
    private int currentHeight;

    private ExprArenaDecoder(Vir0Reader in, int count) {
        this.in = in;
        this.offsets = new int[count];
        this.used = new boolean[count];
        this.heights = new int[count];
    }

    static ExprArenaDecoder read(Vir0Reader in) {
        int count = in.count("expression arena count", MIN_EXPR_ENTRY_SIZE);
        ExprArenaDecoder a = new ExprArenaDecoder(in, count);
        for (int i = 0; i < count; i++) {
            a.current = i;
            a.currentHeight = 1;
            a.offsets[i] = in.pos();
            a.entries.add(a.entry());
            if (a.currentHeight > MAX_DEPTH) {
                throw Vir0Reader.fail(a.offsets[i], "arena entry " + i + " is the root of an expression more than "
                        + MAX_DEPTH + " levels deep", "flatten the expression (bind parts to variables with Let)");
            }
            a.heights[i] = a.currentHeight;
        }
        return a;
    }

    /** The expression tree rooted at {@code index}, referenced from the node tree at byte {@code refOffset}. */
    Expr take(int index, int refOffset, String what) {
        if (Integer.compareUnsigned(index, entries.size()) >= 0) {
            throw Vir0Reader.fail(refOffset, what + " refers to arena entry " + Integer.toUnsignedString(index)
                    + " but the arena has " + entries.size() + " entries", TREE_FIX);
        }
        claim(index, refOffset, what);
        return entries.get(index);
    }

    /** Fails on the first entry that nothing referenced. */
    void checkAllUsed() {
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                throw Vir0Reader.fail(offsets[i], "arena entry " + i + " is never referenced (orphan expression)",
                        TREE_FIX);
            }
        }
    }

    private void claim(int index, int refOffset, String what) {
        if (used[index]) {
            throw Vir0Reader.fail(refOffset, what + " refers to arena entry " + index
                    + ", which is already referenced (shared sub-expression)", TREE_FIX);
        }
        used[index] = true;
    }

    /** A child reference of the entry being read: an earlier, not yet referenced entry. */
    private Expr child(String what) {
        int at = in.pos();
        int index = in.u32(what, " reference");
        if (Integer.compareUnsigned(index, current) >= 0) {
            throw Vir0Reader.fail(at, what + " of arena entry " + current + " refers to entry "
                    + Integer.toUnsignedString(index) + ", which is not before it", TREE_FIX);
        }
        claim(index, at, what);
        currentHeight = Math.max(currentHeight, heights[index] + 1);
        return entries.get(index);
    }

    private Expr entry() {
        int at = in.pos();
        int tag = in.u8("expression tag");
        return switch (tag) {
            case EXPR_LIT_U32 -> new Expr.LitU32(in.u32("LitU32 value"));
            case EXPR_LIT_I32 -> new Expr.LitI32(in.u32("LitI32 value"));
            case EXPR_LIT_F32 -> new Expr.LitF32(in.u32("LitF32 bits"));
            case EXPR_LIT_BOOL -> new Expr.LitBool(in.bool("LitBool value"));
            case EXPR_VAR -> new Expr.Var(in.ident("Var name"));
            case EXPR_LOAD -> {
                String buffer = in.ident("Load buffer name");
                yield new Expr.Load(buffer, child("Load index"));
            }
            case EXPR_BUF_LEN -> new Expr.BufLen(in.ident("BufLen buffer name"));
            case EXPR_INVOCATION_ID -> new Expr.InvocationId(in.u8("InvocationId axis"));
            case EXPR_WORKGROUP_ID -> new Expr.WorkgroupId(in.u8("WorkgroupId axis"));
            case EXPR_LOCAL_ID -> new Expr.LocalId(in.u8("LocalId axis"));
            case EXPR_BIN_OP -> {
                BinaryOp op = operator("BinOp", BinaryOp::fromTag);
                Expr left = child("BinOp left");
                yield new Expr.BinOp(op, left, child("BinOp right"));
            }
            case EXPR_UN_OP -> {
                UnaryOp op = operator("UnOp", UnaryOp::fromTag);
                yield new Expr.UnOp(op, child("UnOp operand"));
            }
            case EXPR_CALL -> {
                String opId = in.ident("Call op id");
                int argc = in.count("Call argc", 4);
                List<Expr> args = new ArrayList<>(argc);
                for (int i = 0; i < argc; i++) {
                    args.add(child("Call argument"));
                }
                yield new Expr.Call(opId, args);
            }
            case EXPR_SELECT -> {
                Expr cond = child("Select condition");
                Expr a = child("Select true value");
                yield new Expr.Select(cond, a, child("Select false value"));
            }
            case EXPR_CAST -> {
                DataType type = TypeDecoder.read(in, "Cast target type");
                yield new Expr.Cast(type, child("Cast value"));
            }
            case EXPR_FMA -> {
                Expr a = child("Fma a");
                Expr b = child("Fma b");
                yield new Expr.Fma(a, b, child("Fma c"));
            }
            case EXPR_ATOMIC -> atomic();
            case EXPR_OPAQUE -> {
                int extension = in.u32("Opaque expression extension id");
                yield new Expr.Opaque(extension, in.payload("Opaque expression payload"));
            }
            default -> throw Vir0Reader.fail(at, (tag >= EXPR_FIRST_RESERVED && tag < EXPR_OPAQUE
                    ? "reserved expression tag 0x" : "unknown expression tag 0x") + TypeDecoder.hex(tag)
                    + " in arena entry " + current,
                    "use expression tags 0x00..0x10 or 0x80 (Opaque) from VIR0.md");
        };
    }

    private Expr atomic() {
        AtomicOp op = operator("Atomic", AtomicOp::fromTag);
        String buffer = in.ident("Atomic buffer name");
        Expr index = child("Atomic index");
        Expr expected = in.bool("Atomic has_expected flag") ? child("Atomic expected value") : null;
        return new Expr.Atomic(op, buffer, index, expected, child("Atomic value"));
    }

    /** Reads an operator tag byte and maps it with {@code byTag}, failing on a tag that names no operator. */
    private <T> T operator(String kind, IntFunction<T> byTag) {
        int at = in.pos();
        int tag = in.u8(kind, " operator tag");
        T op = byTag.apply(tag);
        if (op == null) {
            throw Vir0Reader.fail(at, "unknown " + kind + " operator tag 0x" + TypeDecoder.hex(tag)
                    + " in arena entry " + current, "use a " + kind + " operator tag from VIR0.md");
        }
        return op;
    }
}
