package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.ScalarType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BuffersTest {
    private static final ValueLayout.OfInt LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment words(Arena arena, int... words) {
        MemorySegment s = arena.allocate(words.length * 4L);
        for (int i = 0; i < words.length; i++) {
            s.setAtIndex(LE, i, words[i]);
        }
        return s;
    }

    private static BufferDecl decl(ScalarType t, int count) {
        return BufferDecl.of("b", 0, BufferAccess.READ_WRITE, t, count, true);
    }

    @Test
    void elementsAreFormattedByType() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = words(arena, -1, 0, 0x3FC00000, 0x7FC00000);
            assertEquals("b: U32[4] = 4294967295, 0, 1069547520, 2143289344", Buffers.format(decl(ScalarType.U32, 0), s, 10));
            assertEquals("b: I32[4] = -1, 0, 1069547520, 2143289344", Buffers.format(decl(ScalarType.I32, 0), s, 10));
            assertEquals("b: F32[4] = NaN, 0.0, 1.5, NaN", Buffers.format(decl(ScalarType.F32, 0), s, 10));
            assertEquals("b: BOOL[4] = true, false, true, true",
                    Buffers.format(decl(ScalarType.BOOL, 0), s, 10));
            assertEquals("b: BYTES[16] = 255, 255, 255, 255, 0, ... (11 more)",
                    Buffers.format(decl(ScalarType.BYTES, 0), s, 5));
        }
    }

    @Test
    void theProgramSeesTheDeclaredCountOnly() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = words(arena, 1, 2, 3, 4, 5);
            assertEquals(3, Buffers.visibleElements(decl(ScalarType.U32, 3), s));
            assertEquals(5, Buffers.visibleElements(decl(ScalarType.U32, 0), s));
            assertEquals("b: U32[3] = 1, 2, 3", Buffers.format(decl(ScalarType.U32, 3), s, 32));
            assertEquals("b: U32[5] = ... (5 more)", Buffers.format(decl(ScalarType.U32, 0), s, 0));
            assertEquals("b: U32[0] = (empty)", Buffers.format(decl(ScalarType.U32, 0), arena.allocate(0), 4));
        }
    }
}
