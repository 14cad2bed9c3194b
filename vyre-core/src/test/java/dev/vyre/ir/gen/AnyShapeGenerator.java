package dev.vyre.ir.gen;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generates programs of any shape the codec carries, ignoring typing and scoping: every node, expression and type
 * kind, every operator, extension fields, metadata entries, flags, NaN payloads and non-ASCII identifiers.
 */
final class AnyShapeGenerator {
    private static final int MAX_NODE_DEPTH = 5;
    private static final int MAX_EXPR_HEIGHT = 6;
    /** Identifier fragments: ASCII, Latin-1, CJK, a supplementary code point and U+FFFD, which sort differently in UTF-16 and UTF-8. */
    private static final String[] FRAGMENTS = {"a", "b", "x", "_", "9", "buf", "Z", "é", "ß", "日本", "😀", "\uFFFD",
            "\uE000", " ", "\n", "\"", "\u007F"};
    private static final int[] NAN_BITS = {0x7FC00000, 0x7FC00001, 0x7FA00000, 0xFFC00123, 0x7F800001, 0xFFFFFFFF};

    private final SplittableRandom rnd;
    private int nodeBudget;

    AnyShapeGenerator(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    Program program() {
        nodeBudget = 1 + rnd.nextInt(40);
        int flags = rnd.nextInt(3) == 0 ? rnd.nextInt(0x10000) : 0;
        String entry = rnd.nextBoolean() ? name() : null;
        Program.WorkgroupSize wg = new Program.WorkgroupSize(u32(), u32(), u32());
        List<BufferDecl> buffers = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            buffers.add(buffer());
        }
        TreeMap<String, Payload> map = new TreeMap<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            map.put(name(), payload());
        }
        List<MetadataExtension> extensions = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            extensions.add(new MetadataExtension(0x80 + rnd.nextInt(0x80), payload()));
        }
        return new Program(flags, entry, wg, buffers, map, extensions, nodes(1, 10));
    }

    private BufferDecl buffer() {
        BufferDecl.ByteRange range = rnd.nextBoolean() ? new BufferDecl.ByteRange(u32(), u32()) : null;
        return new BufferDecl(name(), u32(), pick(BufferAccess.values()), type(1), u32(), rnd.nextBoolean(), range,
                rnd.nextInt(3) == 0 ? rnd.nextInt() : 0);
    }

    private List<Node> nodes(int depth, int max) {
        List<Node> out = new ArrayList<>();
        for (int n = rnd.nextInt(max + 1); n > 0 && nodeBudget > 0; n--) {
            nodeBudget--;
            out.add(node(depth));
        }
        return out;
    }

    private Node node(int depth) {
        boolean nest = depth < MAX_NODE_DEPTH;
        return switch (rnd.nextInt(nest ? 13 : 9)) {
            case 0 -> new Node.Let(name(), expr(1));
            case 1 -> new Node.Assign(name(), expr(1));
            case 2 -> new Node.Store(name(), expr(1), expr(1));
            case 3 -> new Node.Barrier();
            case 4 -> new Node.Return();
            case 5 -> new Node.IndirectDispatch(name(), u32());
            case 6 -> rnd.nextBoolean() ? new Node.AsyncLoad() : new Node.AsyncWait();
            case 7 -> new Node.Opaque(u32(), payload());
            case 8 -> new Node.Let(name(), expr(1));
            case 9 -> new Node.If(expr(1), nodes(depth + 1, 3), nodes(depth + 1, 3));
            case 10 -> new Node.For(name(), expr(1), expr(1), nodes(depth + 1, 3));
            case 11 -> new Node.Loop(nodes(depth + 1, 3));
            default -> new Node.Block(nodes(depth + 1, 3));
        };
    }

    private Expr expr(int height) {
        int h = height + 1;
        boolean nest = height < MAX_EXPR_HEIGHT && rnd.nextInt(3) != 0;
        return switch (rnd.nextInt(nest ? 18 : 11)) {
            case 0 -> new Expr.LitU32(u32());
            case 1 -> new Expr.LitI32(u32());
            case 2 -> new Expr.LitF32(rnd.nextBoolean() ? pick(NAN_BITS) : rnd.nextInt());
            case 3 -> new Expr.LitBool(rnd.nextBoolean());
            case 4 -> new Expr.Var(name());
            case 5 -> new Expr.BufLen(name());
            case 6 -> new Expr.InvocationId(rnd.nextInt(256));
            case 7 -> new Expr.WorkgroupId(rnd.nextInt(4));
            case 8 -> new Expr.LocalId(rnd.nextInt(4));
            case 9 -> new Expr.Opaque(u32(), payload());
            case 10 -> new Expr.Call(name(), List.of());
            case 11 -> new Expr.Load(name(), expr(h));
            case 12 -> new Expr.BinOp(pick(BinaryOp.values()), expr(h), expr(h));
            case 13 -> new Expr.UnOp(pick(UnaryOp.values()), expr(h));
            case 14 -> {
                List<Expr> args = new ArrayList<>();
                for (int i = rnd.nextInt(5); i > 0; i--) {
                    args.add(expr(h));
                }
                yield new Expr.Call(name(), args);
            }
            case 15 -> new Expr.Select(expr(h), expr(h), expr(h));
            case 16 -> rnd.nextBoolean() ? new Expr.Cast(type(1), expr(h)) : new Expr.Fma(expr(h), expr(h), expr(h));
            default -> new Expr.Atomic(pick(AtomicOp.values()), name(), expr(h), rnd.nextBoolean() ? expr(h) : null,
                    expr(h));
        };
    }

    private DataType type(int depth) {
        int roll = rnd.nextInt(depth < 4 ? 16 : 12);
        if (roll < 12) {
            return ScalarType.values()[roll % ScalarType.values().length];
        }
        if (roll < 14) {
            return new DataType.ArrayType(u32(), type(depth + 1));
        }
        return new DataType.OpaqueType(u32(), payload());
    }

    private String name() {
        if (rnd.nextInt(20) == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            sb.append(pick(FRAGMENTS));
        }
        return sb.toString();
    }

    private Payload payload() {
        byte[] b = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(24)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return Payload.wrap(b);
    }

    /** A u32 as its raw bits: small values, boundaries and random words. */
    private int u32() {
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(8);
            case 1 -> pick(new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xFF, 0x100, 0xFFFF});
            default -> rnd.nextInt();
        };
    }

    private int pick(int[] items) {
        return items[rnd.nextInt(items.length)];
    }

    private <T> T pick(T[] items) {
        return items[rnd.nextInt(items.length)];
    }
}
