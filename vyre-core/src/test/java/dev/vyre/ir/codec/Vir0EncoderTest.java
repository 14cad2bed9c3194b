package dev.vyre.ir.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What the encoder refuses, and that its limits are exactly the decoder's. */
class Vir0EncoderTest {
    private static final Program.WorkgroupSize WG = new Program.WorkgroupSize(1, 1, 1);

    private static Program body(Node... nodes) {
        return Program.of(WG, List.of(), List.of(nodes));
    }

    private static void refused(Program p, String fragment) {
        Vir0FormatException e = assertThrows(Vir0FormatException.class, () -> Vir0Encoder.encode(p));
        assertEquals(-1, e.offset());
        assertTrue(e.getMessage().startsWith("VIR0: cannot encode program: "), e::getMessage);
        assertTrue(e.getMessage().contains(fragment) && e.getMessage().contains(". Fix: "), e::getMessage);
    }

    private static void roundTrips(Program p) {
        byte[] bytes = Vir0Encoder.encode(p);
        assertEquals(p, Vir0Decoder.decode(bytes));
        assertArrayEquals(bytes, Vir0Encoder.encode(Vir0Decoder.decode(bytes)));
    }

    @Test
    void fieldsThatDoNotFitTheirWireWidthAreRefused() {
        refused(new Program(0x10000, null, WG, List.of(), new TreeMap<>(), List.of(), List.of()), "flags 0x10000");
        refused(new Program(-1, null, WG, List.of(), new TreeMap<>(), List.of(), List.of()), "do not fit in u16");
        refused(body(new Node.Let("a", new Expr.InvocationId(256))), "axis 256 does not fit in u8");
        refused(body(new Node.Let("a", new Expr.WorkgroupId(-1))), "axis -1");
        refused(body(new Node.Let("a", new Expr.LocalId(1 << 20))), "does not fit in u8");
        for (int d : new int[] {0x00, 0x7F, 0x100, -1}) {
            refused(new Program(0, null, WG, List.of(), new TreeMap<>(), List.of(new MetadataExtension(d, Payload.EMPTY)),
                    List.of()), "outside 0x80..0xFF");
        }
        roundTrips(body(new Node.Let("a", new Expr.InvocationId(255))));
    }

    @Test
    void identifiersWithoutAUtf8FormOrWithNulAreRefused() {
        refused(body(new Node.Let("a\0b", Expr.u32(0))), "Let variable name \"a\\u0000b\" contains a NUL");
        refused(Program.of(WG, List.of(BufferDecl.of("\0", 0, BufferAccess.READ_ONLY, ScalarType.U32, 1, false)),
                List.of()), "buffer name");
        refused(body(new Node.Let("x", new Expr.Var("\uD800"))), "Var name \"\\ud800\" has an unpaired surrogate");
        refused(body(new Node.Store("a\uDC00", Expr.u32(0), Expr.u32(0))), "unpaired surrogate at index 1");
        refused(body(new Node.Store("b\uD83D", Expr.u32(0), Expr.u32(0))), "unpaired surrogate at index 1");
        TreeMap<String, Payload> map = new TreeMap<>();
        map.put("k\0", Payload.EMPTY);
        refused(new Program(0, null, WG, List.of(), map, List.of(), List.of()), "metadata key");
        refused(new Program(0, "\uDFFF", WG, List.of(), new TreeMap<>(), List.of(), List.of()), "entry op id");
        roundTrips(body(new Node.Let("\uD83D\uDE00", Expr.u32(0))));
    }

    /** {@code depth} nested Blocks around a Barrier: the Barrier sits at node depth {@code depth}. */
    private static Program nodesDeep(int depth) {
        Node n = new Node.Barrier();
        for (int i = 1; i < depth; i++) {
            n = new Node.Block(List.of(n));
        }
        return body(n);
    }

    /** An expression of height {@code height}: LogicalNot applied height-1 times to a literal. */
    private static Program exprDeep(int height) {
        Expr e = Expr.bool(true);
        for (int i = 1; i < height; i++) {
            e = new Expr.UnOp(UnaryOp.LOGICAL_NOT, e);
        }
        return body(new Node.Let("x", e));
    }

    private static DataType typeDeep(int depth) {
        DataType t = ScalarType.U32;
        for (int i = 1; i < depth; i++) {
            t = new DataType.ArrayType(i, t);
        }
        return t;
    }

    @Test
    void nestingLimitsAreTheDecodersLimits() {
        int max = Vir0Format.MAX_DEPTH;
        roundTrips(nodesDeep(max));
        refused(nodesDeep(max + 1), "node nesting is deeper than 256 levels");
        roundTrips(exprDeep(max));
        refused(exprDeep(max + 1), "expression nesting is deeper than 256 levels");
        roundTrips(Program.of(WG, List.of(new BufferDecl("b", 0, BufferAccess.READ_ONLY, typeDeep(max), 1, false, null, 0)),
                List.of()));
        refused(Program.of(WG, List.of(new BufferDecl("b", 0, BufferAccess.READ_ONLY, typeDeep(max + 1), 1, false, null,
                0)), List.of()), "data type (Array) nesting is deeper than 256 levels");
        roundTrips(body(new Node.Let("c", new Expr.Cast(typeDeep(max), Expr.u32(1)))));
        refused(body(new Node.Let("c", new Expr.Cast(typeDeep(max + 1), Expr.u32(1)))), "data type (Array) nesting");
    }

    /** A node at the deepest level may still hold an empty list: only nodes count towards the limit. */
    @Test
    void emptyNestedListsDoNotCountTowardsTheNodeLimit() {
        Node n = new Node.Loop(List.of());
        for (int i = 1; i < Vir0Format.MAX_DEPTH; i++) {
            n = new Node.Block(List.of(n));
        }
        roundTrips(body(n));
    }

    @Test
    void tagConstantsMatchTheIrRecords() {
        Expr u = Expr.u32(0);
        int[][] pairs = {
                {Vir0Format.NODE_LET, new Node.Let("a", u).tag()}, {Vir0Format.NODE_ASSIGN, new Node.Assign("a", u).tag()},
                {Vir0Format.NODE_STORE, new Node.Store("a", u, u).tag()},
                {Vir0Format.NODE_IF, new Node.If(u, List.of(), List.of()).tag()},
                {Vir0Format.NODE_FOR, new Node.For("i", u, u, List.of()).tag()},
                {Vir0Format.NODE_LOOP, new Node.Loop(List.of()).tag()}, {Vir0Format.NODE_BLOCK, new Node.Block(List.of()).tag()},
                {Vir0Format.NODE_BARRIER, new Node.Barrier().tag()}, {Vir0Format.NODE_RETURN, new Node.Return().tag()},
                {Vir0Format.NODE_INDIRECT_DISPATCH, new Node.IndirectDispatch("b", 0).tag()},
                {Vir0Format.NODE_ASYNC_LOAD, new Node.AsyncLoad().tag()}, {Vir0Format.NODE_ASYNC_WAIT, new Node.AsyncWait().tag()},
                {Vir0Format.NODE_OPAQUE, new Node.Opaque(0, Payload.EMPTY).tag()},
                {Vir0Format.EXPR_LIT_U32, u.tag()}, {Vir0Format.EXPR_LIT_I32, Expr.i32(0).tag()},
                {Vir0Format.EXPR_LIT_F32, Expr.f32(0).tag()}, {Vir0Format.EXPR_LIT_BOOL, Expr.bool(true).tag()},
                {Vir0Format.EXPR_VAR, Expr.var("a").tag()}, {Vir0Format.EXPR_LOAD, Expr.load("b", u).tag()},
                {Vir0Format.EXPR_BUF_LEN, new Expr.BufLen("b").tag()}, {Vir0Format.EXPR_INVOCATION_ID, Expr.gid(0).tag()},
                {Vir0Format.EXPR_WORKGROUP_ID, new Expr.WorkgroupId(0).tag()},
                {Vir0Format.EXPR_LOCAL_ID, new Expr.LocalId(0).tag()}, {Vir0Format.EXPR_BIN_OP, Expr.add(u, u).tag()},
                {Vir0Format.EXPR_UN_OP, new Expr.UnOp(UnaryOp.ABS, u).tag()},
                {Vir0Format.EXPR_CALL, new Expr.Call("f", List.of()).tag()},
                {Vir0Format.EXPR_SELECT, new Expr.Select(u, u, u).tag()},
                {Vir0Format.EXPR_CAST, new Expr.Cast(ScalarType.U32, u).tag()},
                {Vir0Format.EXPR_FMA, new Expr.Fma(u, u, u).tag()},
                {Vir0Format.EXPR_ATOMIC, new Expr.Atomic(dev.vyre.ir.AtomicOp.ADD, "b", u, null, u).tag()},
                {Vir0Format.EXPR_OPAQUE, new Expr.Opaque(0, Payload.EMPTY).tag()}};
        for (int[] p : pairs) {
            assertEquals(p[0], p[1]);
        }
    }
}
