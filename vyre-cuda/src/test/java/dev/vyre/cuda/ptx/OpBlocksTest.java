package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import org.junit.jupiter.api.Test;

/**
 * {@link OpBlocks}: the emitter's operator sequences as self-contained blocks (their results are checked against
 * the reference by the megakernel interpreter's parity tests, which run every operator through them).
 */
class OpBlocksTest {
    @Test
    void blocksAreScopedWithTheirOwnRegistersAndLabels() {
        OpBlocks b = new OpBlocks("vo");
        String first = b.binary(BinaryOp.MOD, ScalarType.F32, ScalarType.F32, "%d", "%a", "%b");
        String second = b.binary(BinaryOp.MOD, ScalarType.F32, ScalarType.F32, "%d", "%a", "%b");
        assertTrue(first.strip().startsWith("{") && first.strip().endsWith("}"), first);
        assertTrue(first.contains("%vo0_") && second.contains("%vo1_"), "registers are numbered per block");
        assertTrue(first.contains("$vo0_L") && second.contains("$vo1_L"), "labels are numbered per block");
        assertFalse(second.contains("%vo0_"), "the second block uses no register of the first");
        assertTrue(first.contains("mov.b32 %d, "), "the result is moved to the destination word");
    }

    @Test
    void boolOperandsBecomePredicatesAndBoolResultsWords() {
        String and = new OpBlocks("x").binary(BinaryOp.AND, ScalarType.BOOL, ScalarType.BOOL, "%d", "%a", "%b");
        assertTrue(and.contains("setp.ne.u32 %x0_p0, %a, 0"), and);
        assertTrue(and.contains("selp.b32 %d, 1, 0, "), and);
    }

    @Test
    void waveOperatorsAreRefused() {
        OpBlocks b = new OpBlocks("vo");
        assertThrows(PtxEmitException.class, () -> b.binary(BinaryOp.SHUFFLE, ScalarType.U32, ScalarType.U32, "%d",
                "%a", "%b"));
        assertThrows(PtxEmitException.class, () -> new OpBlocks("9bad"));
    }

    @Test
    void transcendentalsCallTheFdlibmFunctionsOnTheWidenedOperandAndRoundOnce() {
        OpBlocks b = new OpBlocks("vo");
        for (UnaryOp op : FdlibmPtx.OPERATORS) {
            String block = b.unary(op, ScalarType.F32, "%d", "%a");
            String name = FdlibmPtx.funcName(op);
            assertTrue(block.contains("cvt.f64.f32 ") && block.contains(", %a;"), block);
            assertTrue(block.contains("call (") && block.contains("), " + name + ", ("), block);
            assertTrue(block.contains("cvt.rn.f32.f64 "), block);
            assertTrue(block.trim().endsWith("}") && block.contains("mov.b32 %d, "), block);
            assertTrue(FdlibmPtx.definitions(java.util.Set.of(op)).contains(".func (.param .f64 r) " + name + "("),
                    op + ": its definition defines " + name);
        }
        assertEquals(13, FdlibmPtx.OPERATORS.size());
    }
}
