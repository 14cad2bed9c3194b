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
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VIR0 conformance points 1 to 4 on hand-built bytes: version rejection, extensions surfaced and kept verbatim,
 * canonical form enforced, and every malformed field reported at its byte offset with a Fix.
 */
class Vir0ConformanceTest {
    /** Offsets for programs built on a lone workgroup-size field: the node tree starts at 24. */
    private static final int NODES = Wire.nodeTreeOffset(13);
    /** With nodes {@code [Let "x" = #r]} (14 bytes after the count), the arena count sits at 38, entry #0 at 42. */
    private static final int ARENA = NODES + 4 + 10;
    private static final int ENTRY0 = ARENA + 4;

    static Vir0FormatException rejected(byte[] input, long offset, String fragment) {
        Vir0FormatException e = assertThrows(Vir0FormatException.class, () -> Vir0Decoder.decode(input));
        assertTrue(e.getMessage().contains(fragment), () -> "expected \"" + fragment + "\" in: " + e.getMessage());
        assertEquals(offset, e.offset(), e::getMessage);
        assertTrue(e.getMessage().contains("at byte " + offset + ":") && e.getMessage().contains(". Fix: "),
                e::getMessage);
        return e;
    }

    private static Program accepted(byte[] input) {
        Program p = Vir0Decoder.decode(input);
        assertArrayEquals(input, Vir0Encoder.encode(p));
        return p;
    }

    /** A program with metadata {@code wg + extra}, no nodes and an empty arena. */
    private static byte[] withMetadata(Wire extra) {
        return Wire.program(0, Wire.workgroup(1, 1, 1).bytes(extra.bytes()), Wire.of().u32(0), Wire.of().u32(0));
    }

    /** {@code Let x = #root} over the given arena entries. */
    private static byte[] letOver(int root, int count, String arenaHex) {
        return Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(1).u8(0x00).ident("x").u32(root),
                Wire.of().u32(count).hex(arenaHex));
    }

    // ---- header -------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 0x7F, 0xFF})
    void otherVersionsAreRejectedWithTheirNumber(int version) {
        byte[] b = Wire.minimal();
        b[4] = (byte) version;
        Vir0VersionException e = assertThrows(Vir0VersionException.class, () -> Vir0Decoder.decode(b));
        assertEquals(version, e.version());
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("unsupported VIR0 version " + version + ";"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void badMagicAndShortHeaders() {
        rejected(new byte[0], 0, "magic");
        rejected("VIR".getBytes(StandardCharsets.US_ASCII), 0, "magic");
        byte[] wrong = Wire.minimal();
        wrong[3] = '1';
        rejected(wrong, 0, "does not start with the magic");
        rejected(Wire.of().hex("56495230 01 00").bytes(), 5, "header flags");
        rejected(Wire.of().hex("56495230 01 0000 0d00").bytes(), 7, "metadata_len");
        rejected(Wire.of().hex("56495230 01 0000 0e000000").bytes(), 7, "metadata_len is 14 but only 0 bytes");
    }

    @Test
    void flagsArePreservedVerbatim() {
        byte[] b = Wire.program(0xBEEF, Wire.workgroup(1, 1, 1), Wire.of().u32(0), Wire.of().u32(0));
        assertEquals(0xBEEF, accepted(b).flags());
    }

    // ---- metadata -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0x04, 0x10, 0x7F})
    void unknownCoreDiscriminantIsAStructuredError(int discriminant) {
        rejected(withMetadata(Wire.of().u8(discriminant)), NODES, "unknown core metadata discriminant 0x"
                + String.format("%02X", discriminant));
    }

    @Test
    void extensionFieldsAreSurfacedInOrderAndKeptVerbatim() {
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        byte[] input = withMetadata(Wire.of()
                .u8(0xC3).u32(256).bytes(every)
                .u8(0x80).u32(0)
                .u8(0xFF).u32(5).hex("68656c6c6f")
                .u8(0xC3).u32(1).u8(0x00));
        Program p = accepted(input);
        assertEquals(List.of(new MetadataExtension(0xC3, Payload.of(every)), new MetadataExtension(0x80, Payload.EMPTY),
                new MetadataExtension(0xFF, Payload.of("hello".getBytes(StandardCharsets.US_ASCII))),
                new MetadataExtension(0xC3, Payload.of((byte) 0))), p.extensions());
    }

    @Test
    void opaqueNodesExpressionsAndTypesAreSurfaced() {
        byte[] input = Wire.program(0, Wire.workgroup(1, 1, 1)
                        .u8(0x02).ident("b").u32(0).u8(1).u8(0x80).u32(0xABCDEF01L).u32(2).hex("0102")
                        .u32(0).u8(0).u8(0).u32(0),
                Wire.of().u32(2).u8(0x80).u32(9).u32(3).hex("aabbcc").u8(0x00).ident("x").u32(0),
                Wire.of().u32(1).u8(0x80).u32(0xFFFFFFFFL).u32(0));
        Program p = accepted(input);
        assertEquals(new DataType.OpaqueType(0xABCDEF01, Payload.of((byte) 1, (byte) 2)), p.buffers().get(0).elementType());
        assertEquals(List.of(new Node.Opaque(9, Payload.of((byte) 0xAA, (byte) 0xBB, (byte) 0xCC)),
                new Node.Let("x", new Expr.Opaque(-1, Payload.EMPTY))), p.body());
    }

    @Test
    void extensionPayloadLongerThanTheSectionIsRejected() {
        byte[] input = Wire.program(0, Wire.workgroup(1, 1, 1).u8(0x80).u32(3).u8(1, 2),
                Wire.of().u32(0), Wire.of().u32(0));
        rejected(input, NODES + 1, "only 2 bytes remain in the metadata section");
    }

    @Test
    void metadataFieldsMustBeInCanonicalOrder() {
        Wire entry = Wire.of().u8(0x00).ident("main");
        Wire buffer = Wire.of().u8(0x02).ident("b").u32(0).u8(1).u8(0).u32(1).u8(0).u8(0).u32(0);
        Wire mapA = Wire.of().u8(0x03).ident("a").u32(0);
        Wire ext = Wire.of().u8(0x80).u32(0);
        accepted(Wire.program(0, Wire.of().bytes(entry.bytes()).bytes(Wire.workgroup(1, 1, 1).bytes())
                .bytes(buffer.bytes()).bytes(mapA.bytes()).bytes(ext.bytes()), Wire.of().u32(0), Wire.of().u32(0)));
        rejected(withMetadata(entry), NODES, "entry op field (0x00) follows a workgroup size field");
        rejected(withMetadata(Wire.workgroup(1, 1, 1)), NODES, "workgroup size field (0x01) appears twice");
        rejected(withMetadata(Wire.of().bytes(mapA.bytes()).bytes(buffer.bytes())), NODES + 10,
                "buffer declaration field (0x02) follows a metadata map entry field");
        rejected(withMetadata(Wire.of().bytes(ext.bytes()).bytes(mapA.bytes())), NODES + 5,
                "metadata map entry field (0x03) follows a extension field");
        rejected(Wire.program(0, entry, Wire.of().u32(0), Wire.of().u32(0)), 20, "no workgroup size field");
    }

    @Test
    void mapKeysMustBeStrictlyAscendingByUtf8Bytes() {
        Wire b = Wire.of().u8(0x03).ident("b").u32(0);
        Wire a = Wire.of().u8(0x03).ident("a").u32(0);
        rejected(withMetadata(Wire.of().bytes(b.bytes()).bytes(a.bytes())), NODES + 10, "is not after the previous key");
        rejected(withMetadata(Wire.of().bytes(a.bytes()).bytes(a.bytes())), NODES + 10, "is repeated");

        // U+FFFD sorts after U+1F600 in UTF-16 (Java's String order) but before it in UTF-8: the wire uses UTF-8.
        TreeMap<String, Payload> map = new TreeMap<>();
        map.put("\uFFFD", Payload.EMPTY);
        map.put("😀", Payload.EMPTY);
        byte[] bytes = Vir0Encoder.encode(new Program(0, null, new Program.WorkgroupSize(1, 1, 1), List.of(), map,
                List.of(), List.of()));
        String hex = HexFormat.of().formatHex(bytes);
        assertTrue(hex.indexOf("efbfbd") < hex.indexOf("f09f9880"), hex);
        Wire replacement = Wire.of().u8(0x03).ident("\uFFFD").u32(0);
        Wire smile = Wire.of().u8(0x03).ident("😀").u32(0);
        assertEquals(map, accepted(withMetadata(Wire.of().bytes(replacement.bytes()).bytes(smile.bytes()))).metadata());
        rejected(withMetadata(Wire.of().bytes(smile.bytes()).bytes(replacement.bytes())), NODES + 13,
                "is not after the previous key");
    }

    @Test
    void bufferFieldsAreChecked() {
        Wire good = Wire.of().u8(0x02).ident("b").u32(7).u8(4).u8(0x0B).u32(3).u8(0x04).u32(9).u8(1).u8(1)
                .u32(0).u32(8).u32(0x55);
        assertEquals(new BufferDecl("b", 7, BufferAccess.WRITE_ONLY, new DataType.ArrayType(3, ScalarType.BYTES), 9, true,
                new BufferDecl.ByteRange(0, 8), 0x55), accepted(withMetadata(good)).buffers().get(0));
        int access = NODES + 1 + 5 + 4;
        rejected(withMetadata(Wire.of().u8(0x02).ident("b").u32(0).u8(5)), access, "unknown access tag 5");
        rejected(withMetadata(Wire.of().u8(0x02).ident("b").u32(0).u8(1).u8(0x0D)), access + 1,
                "unknown buffer element type tag 0x0D");
        rejected(withMetadata(Wire.of().u8(0x02).ident("b").u32(0).u8(1).u8(0x81)), access + 1, "tag 0x81");
        rejected(withMetadata(Wire.of().u8(0x02).ident("b").u32(0).u8(1).u8(0).u32(1).u8(2)), access + 6,
                "buffer output flag must be 0 or 1 but is 2");
        rejected(withMetadata(Wire.of().u8(0x02).ident("b").u32(0).u8(1).u8(0).u32(1).u8(0).u8(7)), access + 7,
                "has_range flag must be 0 or 1 but is 7");
    }

    // ---- identifiers --------------------------------------------------------------------------------------------

    /** Entry op with raw ident bytes: discriminant at 11, length at 12, bytes from 16. */
    private static byte[] entryOp(String identHex) {
        byte[] raw = HexFormat.of().parseHex(identHex.replace(" ", ""));
        return Wire.program(0, Wire.of().u8(0x00).u32(raw.length).bytes(raw).bytes(Wire.workgroup(1, 1, 1).bytes()),
                Wire.of().u32(0), Wire.of().u32(0));
    }

    @Test
    void identifiersAreStrictUtf8WithoutNul() {
        assertEquals("日本😀", accepted(entryOp("e697a5e69cac f09f9880")).entryOp());
        assertEquals("", accepted(entryOp("")).entryOp());
        rejected(entryOp("6100 62"), 17, "contains a NUL byte");
        rejected(entryOp("61 c080"), 17, "not valid UTF-8");       // overlong NUL
        rejected(entryOp("61 eda080"), 17, "not valid UTF-8");     // UTF-16 surrogate D800
        rejected(entryOp("61 e697"), 17, "not valid UTF-8");       // truncated sequence
        rejected(entryOp("61 62 ff"), 18, "not valid UTF-8");      // never valid
        rejected(entryOp("f4908080"), 16, "not valid UTF-8");      // above U+10FFFF
        rejected(entryOp("80"), 16, "not valid UTF-8");            // lone continuation byte
    }

    // ---- node tree ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0x0C, 0x7F, 0x81, 0xFF})
    void unknownNodeTagsAreRejected(int tag) {
        rejected(Wire.program(0, Wire.workgroup(1, 1, 1), Wire.of().u32(1).u8(tag), Wire.of().u32(0)), NODES + 4,
                "unknown node tag 0x" + String.format("%02X", tag));
    }

    @Test
    void nodeReferencesAreCheckedAgainstTheArena() {
        rejected(letOver(5, 1, "03 01"), NODES + 10, "Let value refers to arena entry 5 but the arena has 1 entries");
        rejected(letOver(-1, 1, "03 01"), NODES + 10, "refers to arena entry 4294967295");
        byte[] shared = Wire.program(0, Wire.workgroup(1, 1, 1),
                Wire.of().u32(2).u8(0x00).ident("x").u32(0).u8(0x00).ident("y").u32(0), Wire.of().u32(1).hex("03 01"));
        rejected(shared, NODES + 4 + 10 + 6, "already referenced");
    }

    // ---- expression arena ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0x11, 0x40, 0x7F})
    void reservedExpressionTagsAreRejected(int tag) {
        rejected(letOver(0, 1, String.format("%02x 00", tag)), ENTRY0, "reserved expression tag");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x81, 0xFE})
    void unknownExpressionTagsAreRejected(int tag) {
        rejected(letOver(0, 1, String.format("%02x 00", tag)), ENTRY0, "unknown expression tag");
    }

    @Test
    void unknownOperatorTagsAreRejected() {
        String twoLeaves = "03 01 03 00 ";
        int third = ENTRY0 + 4;
        rejected(letOver(2, 3, twoLeaves + "0a 00 00000000 01000000"), third + 1, "unknown BinOp operator tag 0x00");
        rejected(letOver(2, 3, twoLeaves + "0a 22 00000000 01000000"), third + 1, "unknown BinOp operator tag 0x22");
        rejected(letOver(1, 2, "03 01 0b 25 00000000"), ENTRY0 + 3, "unknown UnOp operator tag 0x25");
        rejected(letOver(1, 2, "03 01 0b 00 00000000"), ENTRY0 + 3, "unknown UnOp operator tag 0x00");
        rejected(letOver(2, 3, "00 00000000 00 00000000 10 0c 01000000 62 00000000 00 01000000"), ENTRY0 + 11,
                "unknown Atomic operator tag 0x0C");
        rejected(letOver(1, 2, "03 01 0e 0d 00000000"), ENTRY0 + 3, "unknown Cast target type tag 0x0D");
    }

    @Test
    void booleanBytesMustBeZeroOrOne() {
        assertEquals(new Expr.LitBool(true), ((Node.Let) accepted(letOver(0, 1, "03 01")).body().get(0)).value());
        rejected(letOver(0, 1, "03 02"), ENTRY0 + 1, "LitBool value must be 0 or 1 but is 2");
        rejected(letOver(2, 3, "00 00000000 00 00000000 10 01 01000000 62 00000000 ff 01000000"), ENTRY0 + 10 + 11,
                "Atomic has_expected flag must be 0 or 1 but is 255");
    }

    @Test
    void arenaMustBeATreeInPostOrder() {
        // #0 LitBool true, #1 UnOp LogicalNot #0: the canonical shape of Let x = !true.
        accepted(letOver(1, 2, "03 01 0b 03 00000000"));
        rejected(letOver(0, 1, "0b 03 00000000"), ENTRY0 + 2, "refers to entry 0, which is not before it");
        rejected(letOver(1, 2, "03 01 0b 03 01000000"), ENTRY0 + 4, "refers to entry 1, which is not before it");
        rejected(letOver(1, 2, "03 01 0a 11 00000000 00000000"), ENTRY0 + 2 + 6, "already referenced");
        rejected(letOver(1, 2, "03 01 03 00"), ENTRY0, "arena entry 0 is never referenced");
        // Valid tree, wrong order: the right operand listed before the left one.
        byte[] swapped = letOver(2, 3, "03 00 03 01 0a 11 01000000 00000000");
        rejected(swapped, ENTRY0 + 1, "non-canonical encoding");
        // Two roots whose entries follow the opposite of program order.
        byte[] reversed = Wire.program(0, Wire.workgroup(1, 1, 1),
                Wire.of().u32(2).u8(0x00).ident("x").u32(1).u8(0x00).ident("y").u32(0),
                Wire.of().u32(2).hex("03 00 03 01"));
        rejected(reversed, NODES + 4 + 6, "non-canonical encoding");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] b = Wire.of().bytes(Wire.minimal()).u8(0).bytes();
        rejected(b, 32, "1 trailing bytes");
    }
}
