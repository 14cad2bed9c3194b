package dev.vyre.ir.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Exact bytes of small programs, computed by hand from docs/VIR0-FORMAT.md (not by the encoder). */
class Vir0GoldenTest {

    private static byte[] hex(String... lines) {
        return HexFormat.of().parseHex(String.join("", lines).replace(" ", ""));
    }

    private static void assertGolden(Program program, byte[] expected) {
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(Vir0Encoder.encode(program)));
        assertEquals(program, Vir0Decoder.decode(expected));
    }

    /** {@code out[gid.x] = 1u + 2u} with workgroup size [64,1,1]. */
    static Program tiny() {
        return Program.of(new Program.WorkgroupSize(64, 1, 1),
                List.of(BufferDecl.of("out", 0, BufferAccess.READ_WRITE, ScalarType.U32, 4, true)),
                List.of(new Node.Store("out", new Expr.InvocationId(0),
                        new Expr.BinOp(BinaryOp.ADD, new Expr.LitU32(1), new Expr.LitU32(2)))));
    }

    static final byte[] TINY = hex(
            "56495230", "01", "0000", "25000000",                // "VIR0", version 1, flags 0, metadata_len 37
            "01 40000000 01000000 01000000",                       // workgroup size [64, 1, 1]
            "02 03000000 6f7574 00000000 01 00 04000000 01 00 00000000", // buffer "out" b0 RW U32 x4 output
            "01000000",                                            // 1 top-level node
            "02 03000000 6f7574 00000000 03000000",                // Store "out" [#0] = #3
            "04000000",                                            // 4 arena entries, post-order
            "07 00",                                               // #0 InvocationId(x)
            "00 01000000",                                         // #1 LitU32 1
            "00 02000000",                                         // #2 LitU32 2
            "0a 01 01000000 02000000");                            // #3 BinOp Add #1 #2

    @Test
    void tinyProgram() {
        assertGolden(tiny(), TINY);
    }

    /** Every metadata field kind, map keys out of order in the source, If/else, Atomic with expected, NaN bits. */
    static Program rich() {
        TreeMap<String, Payload> map = new TreeMap<>();
        map.put("z", Payload.of((byte) 1));
        map.put("a", Payload.EMPTY);
        return new Program(0x0102, "main", new Program.WorkgroupSize(8, 2, 1),
                List.of(new BufferDecl("in", 3, BufferAccess.READ_ONLY, ScalarType.F32, 0, false,
                        new BufferDecl.ByteRange(4, 12), 0xA5)),
                map,
                List.of(new MetadataExtension(0x90, Payload.of((byte) 0xDE, (byte) 0xAD))),
                List.of(new Node.Let("x", new Expr.Cast(new DataType.ArrayType(2, ScalarType.I32),
                                new Expr.Opaque(7, Payload.of((byte) 0xEE)))),
                        new Node.If(new Expr.UnOp(UnaryOp.LOGICAL_NOT, new Expr.Var("x")),
                                List.of(new Node.Return()),
                                List.of(new Node.Let("y", new Expr.Atomic(AtomicOp.COMPARE_EXCHANGE, "in",
                                        new Expr.LitU32(5), new Expr.LitI32(-1), new Expr.LitF32(0x7FC00001)))))));
    }

    static final byte[] RICH = hex(
            "56495230", "01", "0201", "51000000",                  // flags 0x0102, metadata_len 81
            "00 04000000 6d61696e",                                 // entry op "main"                 (9)
            "01 08000000 02000000 01000000",                        // workgroup size [8, 2, 1]        (13)
            "02 02000000 696e 03000000 00 02 00000000 00",          // buffer "in" b3 RO F32 count 0 not output
            "01 04000000 0c000000 a5000000",                        //   range [4, 12), hints 0xA5     (31)
            "03 01000000 61 00000000",                              // map "a" = (empty)               (10)
            "03 01000000 7a 01000000 01",                           // map "z" = 01                    (11)
            "90 02000000 dead",                                     // extension 0x90 = DE AD          (7)
            "02000000",                                             // 2 top-level nodes
            "00 01000000 78 01000000",                              // Let x = #1
            "03 03000000",                                          // If #3
            "01000000 08",                                          //   then: Return
            "01000000 00 01000000 79 07000000",                     //   else: Let y = #7
            "08000000",                                             // 8 arena entries
            "80 07000000 01000000 ee",                              // #0 Opaque ext 7, payload EE
            "0e 0b 02000000 01 00000000",                           // #1 Cast<Array(2, I32)> #0
            "04 01000000 78",                                       // #2 Var x
            "0b 03 02000000",                                       // #3 UnOp LogicalNot #2
            "00 05000000",                                          // #4 LitU32 5
            "01 ffffffff",                                          // #5 LitI32 -1
            "02 0100c07f",                                          // #6 LitF32 bits 0x7FC00001
            "10 08 02000000 696e 04000000 01 05000000 06000000");   // #7 Atomic CmpXchg "in"[#4] exp #5 val #6

    @Test
    void richProgram() {
        assertGolden(rich(), RICH);
    }

    @Test
    void emptyProgram() {
        Program empty = Program.of(new Program.WorkgroupSize(1, 1, 1), List.of(), List.of());
        assertGolden(empty, hex("56495230 01 0000 0d000000", "01 01000000 01000000 01000000", "00000000",
                "00000000"));
        assertArrayEquals(Wire.minimal(), Vir0Encoder.encode(empty));
    }
}
