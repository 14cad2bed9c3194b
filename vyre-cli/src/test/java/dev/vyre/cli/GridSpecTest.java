package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.interp.Dispatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GridSpecTest {

    @Test
    void parsesOneToThreeAxes() {
        assertEquals(new Dispatch(7, 1, 1), GridSpec.parse("7"));
        assertEquals(new Dispatch(8, 4, 1), GridSpec.parse("8,4"));
        assertEquals(new Dispatch(2, 3, 4), GridSpec.parse("2, 3, 4"));
        assertEquals(new Dispatch(-1, 1, 1), GridSpec.parse("4294967295"), "u32 max is the bit pattern -1");
        assertEquals("[4294967295,1,1]", GridSpec.format(GridSpec.parse("4294967295")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "4294967296", "1,2,3,4", "x", "", "1,,2"})
    void rejectsBadGrids(String text) {
        CliException e = assertThrows(CliException.class, () -> GridSpec.parse(text));
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void defaultGridCoversTheLargestBuffer() {
        Program p = Program.of(new Program.WorkgroupSize(8, 2, 1), List.of(
                BufferDecl.of("a", 0, BufferAccess.READ_ONLY, ScalarType.U32, 0, false),
                BufferDecl.of("b", 1, BufferAccess.READ_WRITE, ScalarType.BYTES, 33, true)), List.of());
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MemorySegment> bound = new LinkedHashMap<>();
            bound.put("a", arena.allocate(4 * 40));
            bound.put("b", arena.allocate(100));
            // b shows 33 elements, a 40: ceil(40 / 16) workgroups
            assertEquals(new Dispatch(3, 1, 1), GridSpec.defaultFor(p, bound));
            bound.put("a", arena.allocate(0));
            assertEquals(new Dispatch(3, 1, 1), GridSpec.defaultFor(p, bound));
            bound.put("b", arena.allocate(0));
            assertEquals(new Dispatch(1, 1, 1), GridSpec.defaultFor(p, bound), "at least one workgroup");
        }
    }
}
