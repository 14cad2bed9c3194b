package dev.vyre.ir.codec;

import static dev.vyre.ir.codec.Vir0Format.MAX_DEPTH;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link Program} to canonical VIR0 bytes (docs/VIR0-FORMAT.md). The output is a pure function of the
 * program: two equal programs always encode to identical bytes.
 */
public final class Vir0Encoder {
    private final ByteSink nodes = new ByteSink();
    private final ByteSink arena = new ByteSink();
    private int arenaCount;

    private Vir0Encoder() {
    }

    /**
     * The canonical VIR0 bytes of {@code program}.
     *
     * @throws Vir0FormatException (offset -1) if the program cannot be represented: flags beyond u16, an axis
     *                             beyond u8, an extension discriminant below 0x80, an identifier with a NUL or an
     *                             unpaired surrogate, or nesting deeper than {@link Vir0Format#MAX_DEPTH}
     */
    public static byte[] encode(Program program) {
        return new Vir0Encoder().run(program);
    }

    private byte[] run(Program p) {
        if ((p.flags() & ~0xFFFF) != 0) {
            throw invalid("header flags 0x" + Integer.toHexString(p.flags()) + " do not fit in u16",
                    "use flags in 0..0xFFFF");
        }
        ByteSink meta = metadata(p);
        nodeList(p.body(), 1);
        ByteSink out = new ByteSink();
        out.bytes(Vir0Format.MAGIC.getBytes(StandardCharsets.US_ASCII));
        out.u8(Vir0Format.VERSION);
        out.u16(p.flags());
        out.u32(meta.size());
        out.append(meta);
        out.append(nodes);
        out.u32(arenaCount);
        out.append(arena);
        return out.toByteArray();
    }

    // ---- metadata -----------------------------------------------------------------------------------------------

    private static ByteSink metadata(Program p) {
        ByteSink m = new ByteSink();
        if (p.entryOp() != null) {
            m.u8(Vir0Format.FIELD_ENTRY_OP);
            ident(m, p.entryOp(), "entry op id");
        }
        m.u8(Vir0Format.FIELD_WORKGROUP_SIZE);
        m.u32(p.workgroupSize().x());
        m.u32(p.workgroupSize().y());
        m.u32(p.workgroupSize().z());
        for (BufferDecl b : p.buffers()) {
            m.u8(Vir0Format.FIELD_BUFFER);
            ident(m, b.name(), "buffer name");
            m.u32(b.binding());
            m.u8(b.access().tag());
            type(m, b.elementType(), 1);
            m.u32(b.count());
            m.u8(b.output() ? 1 : 0);
            if (b.outputRange() == null) {
                m.u8(0);
            } else {
                m.u8(1);
                m.u32(b.outputRange().start());
                m.u32(b.outputRange().end());
            }
            m.u32(b.hints());
        }
        for (MapEntry e : sortedEntries(p.metadata())) {
            m.u8(Vir0Format.FIELD_MAP_ENTRY);
            m.u32(e.key.length);
            m.bytes(e.key);
            m.payload(e.value);
        }
        for (MetadataExtension x : p.extensions()) {
            if (x.discriminant() < Vir0Format.FIRST_EXTENSION_FIELD || x.discriminant() > 0xFF) {
                throw invalid("extension field discriminant 0x" + Integer.toHexString(x.discriminant())
                        + " is outside 0x80..0xFF", "give extension fields a discriminant in 0x80..0xFF");
            }
            m.u8(x.discriminant());
            m.payload(x.payload());
        }
        return m;
    }

    private record MapEntry(byte[] key, Payload value) {
    }

    /** Map entries in ascending order of their keys' UTF-8 bytes, compared unsigned (code point order). */
    private static List<MapEntry> sortedEntries(Map<String, Payload> map) {
        List<MapEntry> entries = new ArrayList<>(map.size());
        for (Map.Entry<String, Payload> e : map.entrySet()) {
            entries.add(new MapEntry(utf8(e.getKey(), "metadata key"), e.getValue()));
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a.key, b.key));
        return entries;
    }

    private static void type(ByteSink s, DataType t, int depth) {
        if (depth > MAX_DEPTH) {
            throw tooDeep("data type (Array) nesting");
        }
        switch (t) {
            case ScalarType st -> s.u8(st.tag());
            case DataType.ArrayType a -> {
                s.u8(DataType.ArrayType.TAG);
                s.u32(a.length());
                type(s, a.element(), depth + 1);
            }
            case DataType.OpaqueType o -> {
                s.u8(DataType.OpaqueType.TAG);
                s.u32(o.extensionId());
                s.payload(o.payload());
            }
        }
    }

    // ---- node tree ----------------------------------------------------------------------------------------------

    private void nodeList(List<Node> list, int depth) {
        if (!list.isEmpty() && depth > MAX_DEPTH) {
            throw tooDeep("node nesting");
        }
        nodes.u32(list.size());
        for (Node n : list) {
            node(n, depth);
        }
    }

    private void node(Node n, int depth) {
        nodes.u8(n.tag());
        switch (n) {
            case Node.Let l -> {
                ident(nodes, l.name(), "Let variable name");
                root(l.value());
            }
            case Node.Assign a -> {
                ident(nodes, a.name(), "Assign variable name");
                root(a.value());
            }
            case Node.Store s -> {
                ident(nodes, s.buffer(), "Store buffer name");
                root(s.index());
                root(s.value());
            }
            case Node.If i -> {
                root(i.cond());
                nodeList(i.then(), depth + 1);
                nodeList(i.otherwise(), depth + 1);
            }
            case Node.For f -> {
                ident(nodes, f.var(), "For variable name");
                root(f.start());
                root(f.end());
                nodeList(f.body(), depth + 1);
            }
            case Node.Loop l -> nodeList(l.body(), depth + 1);
            case Node.Block b -> nodeList(b.body(), depth + 1);
            case Node.Barrier b -> { }
            case Node.Return r -> { }
            case Node.IndirectDispatch d -> {
                ident(nodes, d.buffer(), "IndirectDispatch buffer name");
                nodes.u32(d.offset());
            }
            case Node.AsyncLoad a -> { }
            case Node.AsyncWait w -> { }
            case Node.Opaque o -> {
                nodes.u32(o.extensionId());
                nodes.payload(o.payload());
            }
        }
    }

    /** Emits an expression tree into the arena and writes its root index into the node tree. */
    private void root(Expr e) {
        nodes.u32(expr(e, 1));
    }

    // ---- expression arena (post-order) --------------------------------------------------------------------------

    /** Emits {@code e} after its children and returns its arena index. */
    private int expr(Expr e, int depth) {
        if (depth > MAX_DEPTH) {
            throw tooDeep("expression nesting");
        }
        int d = depth + 1;
        switch (e) {
            case Expr.LitU32 l -> {
                arena.u8(l.tag());
                arena.u32(l.value());
            }
            case Expr.LitI32 l -> {
                arena.u8(l.tag());
                arena.u32(l.value());
            }
            case Expr.LitF32 l -> {
                arena.u8(l.tag());
                arena.u32(l.bits());
            }
            case Expr.LitBool l -> {
                arena.u8(l.tag());
                arena.u8(l.value() ? 1 : 0);
            }
            case Expr.Var v -> {
                arena.u8(v.tag());
                ident(arena, v.name(), "Var name");
            }
            case Expr.Load l -> {
                int index = expr(l.index(), d);
                arena.u8(l.tag());
                ident(arena, l.buffer(), "Load buffer name");
                arena.u32(index);
            }
            case Expr.BufLen b -> {
                arena.u8(b.tag());
                ident(arena, b.buffer(), "BufLen buffer name");
            }
            case Expr.InvocationId i -> axis(i.tag(), i.axis());
            case Expr.WorkgroupId w -> axis(w.tag(), w.axis());
            case Expr.LocalId l -> axis(l.tag(), l.axis());
            case Expr.BinOp b -> {
                int left = expr(b.left(), d);
                int right = expr(b.right(), d);
                arena.u8(b.tag());
                arena.u8(b.op().tag());
                arena.u32(left);
                arena.u32(right);
            }
            case Expr.UnOp u -> {
                int operand = expr(u.operand(), d);
                arena.u8(u.tag());
                arena.u8(u.op().tag());
                arena.u32(operand);
            }
            case Expr.Call c -> {
                int[] args = new int[c.args().size()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = expr(c.args().get(i), d);
                }
                arena.u8(c.tag());
                ident(arena, c.opId(), "Call op id");
                arena.u32(args.length);
                for (int a : args) {
                    arena.u32(a);
                }
            }
            case Expr.Select s -> {
                int cond = expr(s.cond(), d);
                int a = expr(s.ifTrue(), d);
                int b = expr(s.ifFalse(), d);
                arena.u8(s.tag());
                arena.u32(cond);
                arena.u32(a);
                arena.u32(b);
            }
            case Expr.Cast c -> {
                int value = expr(c.value(), d);
                arena.u8(c.tag());
                type(arena, c.type(), 1);
                arena.u32(value);
            }
            case Expr.Fma f -> {
                int a = expr(f.a(), d);
                int b = expr(f.b(), d);
                int c = expr(f.c(), d);
                arena.u8(f.tag());
                arena.u32(a);
                arena.u32(b);
                arena.u32(c);
            }
            case Expr.Atomic a -> {
                int index = expr(a.index(), d);
                int expected = a.expected() == null ? -1 : expr(a.expected(), d);
                int value = expr(a.value(), d);
                arena.u8(a.tag());
                arena.u8(a.op().tag());
                ident(arena, a.buffer(), "Atomic buffer name");
                arena.u32(index);
                arena.u8(a.expected() == null ? 0 : 1);
                if (a.expected() != null) {
                    arena.u32(expected);
                }
                arena.u32(value);
            }
            case Expr.Opaque o -> {
                arena.u8(o.tag());
                arena.u32(o.extensionId());
                arena.payload(o.payload());
            }
        }
        return arenaCount++;
    }

    private void axis(int tag, int axis) {
        if ((axis & ~0xFF) != 0) {
            throw invalid("axis " + axis + " does not fit in u8", "use axis 0 (x), 1 (y) or 2 (z)");
        }
        arena.u8(tag);
        arena.u8(axis);
    }

    // ---- identifiers --------------------------------------------------------------------------------------------

    private static void ident(ByteSink s, String text, String what) {
        byte[] b = utf8(text, what);
        s.u32(b.length);
        s.bytes(b);
    }

    /** The UTF-8 bytes of an identifier; refuses NUL and unpaired surrogates (which have no UTF-8 form). */
    private static byte[] utf8(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw invalid(what + " " + quote(text) + " contains a NUL character at index " + i,
                        "remove NUL characters from identifiers");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(what + " " + quote(text) + " has an unpaired surrogate at index " + i
                        + " and has no UTF-8 form", "use valid Unicode text in identifiers");
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().limit(64).forEach(cp -> {
            if (cp < 0x20 || Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append(text.codePointCount(0, text.length()) > 64 ? "...\"" : "\"").toString();
    }

    private static Vir0FormatException tooDeep(String what) {
        return invalid(what + " is deeper than " + MAX_DEPTH + " levels",
                "flatten the program (for example bind sub-expressions to variables with Let)");
    }

    private static Vir0FormatException invalid(String problem, String fix) {
        return new Vir0FormatException(-1, "cannot encode program: " + problem, fix);
    }
}
