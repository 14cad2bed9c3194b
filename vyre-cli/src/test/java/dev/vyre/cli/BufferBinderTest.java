package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufferBinderTest {

    private static Program program(BufferDecl... decls) {
        return Program.of(Program.WorkgroupSize.of(64), List.of(decls), List.of());
    }

    private static final Program PROGRAM = program(
            BufferDecl.of("in", 0, BufferAccess.READ_ONLY, ScalarType.U32, 4, false),
            BufferDecl.of("scratch", 1, BufferAccess.WORKGROUP, ScalarType.F32, 64, false),
            BufferDecl.of("out", 2, BufferAccess.READ_WRITE, ScalarType.F32, 3, true),
            BufferDecl.of("sized", 3, BufferAccess.WRITE_ONLY, ScalarType.BYTES, 0, true));

    private static Map<String, MemorySegment> bind(Program p, Arena arena, String... args) {
        return BufferBinder.bind(p, java.util.Arrays.stream(args).map(BufferArg::parse).toList(), arena);
    }

    private static CliException fails(Program p, String... args) {
        try (Arena arena = Arena.ofConfined()) {
            CliException e = assertThrows(CliException.class, () -> bind(p, arena, args));
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
            return e;
        }
    }

    @Test
    void givenBuffersGetTheirBytesOthersAreZeroFilledAndWorkgroupIsNotBound() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MemorySegment> b = bind(PROGRAM, arena, "sized=bytes:7,8,9", "in=u32:5,6,7,8");
            assertEquals(List.of("in", "out", "sized"), List.copyOf(b.keySet()), "declaration order, no Workgroup");
            assertArrayEquals(new int[] {5, 6, 7, 8}, b.get("in").toArray(ValueLayout.JAVA_INT_UNALIGNED));
            assertEquals(3 * 4, b.get("out").byteSize());
            assertArrayEquals(new byte[12], b.get("out").toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new byte[] {7, 8, 9}, b.get("sized").toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void moreElementsThanDeclaredAreAllowed() {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MemorySegment> b = bind(PROGRAM, arena, "in=u32:1,2,3,4,5,6", "sized=zeros:5");
            assertEquals(24, b.get("in").byteSize());
            assertEquals(5, b.get("sized").byteSize());
        }
    }

    @Test
    void fileSourceIsReadVerbatim(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("out.bin");
        byte[] bytes = new byte[16];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 17);
        }
        Files.write(f, bytes);
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MemorySegment> b = bind(PROGRAM, arena, "out=file:" + f, "sized=zeros:1");
            assertArrayEquals(bytes, b.get("out").toArray(ValueLayout.JAVA_BYTE));
        }
        assertTrue(fails(PROGRAM, "out=file:" + dir.resolve("missing.bin"), "sized=zeros:1").problem()
                .contains("missing.bin"));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(fails(PROGRAM, "sized=zeros:1", "nope=u32:1").problem().contains("in, scratch, out, sized"));
        assertTrue(fails(PROGRAM, "sized=zeros:1", "scratch=zeros:256").problem().contains("Workgroup"));
        assertTrue(fails(PROGRAM, "sized=zeros:1", "in=u32:1,2,3,4", "in=u32:1,2,3,4").problem().contains("twice"));
        CliException type = fails(PROGRAM, "sized=zeros:1", "out=u32:1,2,3");
        assertTrue(type.problem().contains("u32") && type.problem().contains("F32"), type.problem());
        assertTrue(type.fix().contains("out=f32:"), type.fix());
        CliException few = fails(PROGRAM, "sized=zeros:1", "in=u32:1,2");
        assertTrue(few.problem().contains("2 elements") && few.problem().contains("declares 4"), few.problem());
        assertTrue(fails(PROGRAM, "sized=zeros:1", "out=zeros:13").problem().contains("13 bytes"));
        CliException unsized = fails(PROGRAM);
        assertTrue(unsized.problem().contains("sized") && unsized.fix().contains("sized=zeros:"), unsized.fix());
    }

    @Test
    void typesTheCommandCannotBindAreRefused() {
        Program arrays = program(new BufferDecl("arr", 0, BufferAccess.READ_WRITE,
                new DataType.ArrayType(4, ScalarType.U32), 2, true, null, 0));
        assertTrue(fails(arrays).problem().contains("Array[4] of U32"));
        Program wide = program(BufferDecl.of("w", 0, BufferAccess.READ_WRITE, ScalarType.U64, 2, true));
        assertTrue(fails(wide).problem().contains("U64"));
    }

    @Test
    void hugeDeclaredCountsAreRefusedBeforeAllocating() {
        Program huge = program(BufferDecl.of("h", 0, BufferAccess.READ_WRITE, ScalarType.U32, -1, true));
        assertTrue(fails(huge).problem().contains("4294967295 elements"));
    }
}
