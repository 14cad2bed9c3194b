package dev.vyre.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The execution model of docs/VM-BYTECODE.md: steps, budget, divergence, waves, split grids. */
class VmExecutionModelTest {
    private static final BufferDecl OUT = BufferDecl.of("out", 0, BufferAccess.READ_WRITE, ScalarType.U32, 0, true);

    private static int[] run(Program p, int elements, int gx, long first, long count, long budget, VmResult[] result) {
        VmImage image = VmLowering.lower(p);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(elements * 4L, 4);
            result[0] = VmInterpreter.run(image, VmInterpreter.bind(image, List.of(out)), gx, 1, 1, first, count,
                    budget);
            return out.toArray(ValueLayout.JAVA_INT);
        }
    }

    private static Program storeGid(int workgroup) {
        return Program.of(Program.WorkgroupSize.of(workgroup), List.of(OUT),
                List.of(new Node.Store("out", Expr.gid(0), Expr.add(Expr.gid(0), Expr.u32(100)))));
    }

    @Test
    void aStepIsOneIssuePerWaveWhateverTheLaneCount() {
        // gid (index), gid, const, add, store, ret = 6 instructions, each issued once per wave
        VmResult[] r = new VmResult[1];
        int[] out = run(storeGid(32), 96, 3, 0, 3, 1_000, r);
        assertEquals(VmResult.Status.DONE, r[0].status());
        assertEquals(6 * 3, r[0].steps());
        for (int i = 0; i < 96; i++) {
            assertEquals(i + 100, out[i]);
        }
        run(storeGid(64), 128, 2, 0, 2, 1_000, r);
        assertEquals(6 * 2 * 2, r[0].steps(), "two waves per workgroup");
    }

    @Test
    void aRunOfExactlyTheBudgetFinishesAndOneStepLessFaults() {
        VmResult[] r = new VmResult[1];
        run(storeGid(8), 8, 1, 0, 1, 6, r);
        assertEquals(VmResult.Status.DONE, r[0].status());
        int[] out = run(storeGid(8), 8, 1, 0, 1, 4, r);
        assertEquals(VmResult.Status.STEP_BUDGET, r[0].status());
        assertEquals(4, r[0].steps());
        assertEquals(0, out[0], "the store (step 5) never ran");
    }

    @Test
    void aLoopWithoutReturnFaultsOnTheBudget() {
        Program forever = Program.of(Program.WorkgroupSize.of(4), List.of(OUT), List.of(new Node.Loop(List.of(
                new Node.Store("out", Expr.gid(0), Expr.u32(1))))));
        VmResult[] r = new VmResult[1];
        int[] out = run(forever, 4, 1, 0, 1, 1_000_000, r);
        assertEquals(VmResult.Status.STEP_BUDGET, r[0].status());
        assertEquals(1_000_000, r[0].steps());
        assertArrayEquals(new int[] {1, 1, 1, 1}, out, "the stores before the fault stay");
    }

    @Test
    void aSplitGridWritesWhatTheWholeGridWrites() {
        VmResult[] r = new VmResult[1];
        int[] whole = run(storeGid(16), 160, 10, 0, 10, 1_000, r);
        VmImage image = VmLowering.lower(storeGid(16));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(160 * 4L, 4);
            var bound = VmInterpreter.bind(image, List.of(out));
            long steps = 0;
            for (long first : new long[] {0, 3, 7}) {
                long count = first == 0 ? 3 : first == 3 ? 4 : 3;
                steps += VmInterpreter.run(image, bound, 10, 1, 1, first, count, 1_000).steps();
            }
            assertArrayEquals(whole, out.toArray(ValueLayout.JAVA_INT));
            assertEquals(r[0].steps(), steps);
        }
    }

    @Test
    void divergentCollectivesFaultWithTheLowestParkedPc() {
        // even lanes: Shuffle; odd lanes: a Barrier; neither can complete
        Expr even = Expr.bin(BinaryOp.EQ, Expr.bin(BinaryOp.MOD, Expr.gid(0), Expr.u32(2)), Expr.u32(0));
        Program p = Program.of(Program.WorkgroupSize.of(4), List.of(OUT), List.of(new Node.If(even,
                List.of(new Node.Store("out", Expr.gid(0), Expr.bin(BinaryOp.SHUFFLE, Expr.u32(7), Expr.u32(0)))),
                List.of(new Node.Barrier()))));
        VmImage image = VmLowering.lower(p);
        VmResult[] r = new VmResult[1];
        run(p, 4, 1, 0, 1, 1_000, r);
        assertEquals(VmResult.Status.DIVERGENT, r[0].status());
        int shufflePc = -1;
        for (int pc = 0; pc < image.instructionCount(); pc++) {
            if (image.op(pc) == VmOp.SHUFFLE) {
                shufflePc = pc;
            }
        }
        assertEquals(shufflePc, r[0].pc());
    }

    @Test
    void wavesOfALargeWorkgroupReduceSeparately() {
        Program p = Program.of(Program.WorkgroupSize.of(80), List.of(OUT), List.of(new Node.Store("out",
                Expr.gid(0), Expr.bin(BinaryOp.WAVE_REDUCE, Expr.u32(1), Expr.u32(0)))));
        VmResult[] r = new VmResult[1];
        int[] out = run(p, 80, 1, 0, 1, 1_000, r);
        int[] expected = new int[80];
        Arrays.fill(expected, 0, 64, 32);
        Arrays.fill(expected, 64, 80, 16);
        assertArrayEquals(expected, out);
    }

    @Test
    void badRunArgumentsAreRefusedBeforeAnythingRuns() {
        VmImage image = VmLowering.lower(storeGid(4));
        try (Arena arena = Arena.ofConfined()) {
            var bound = VmInterpreter.bind(image, List.of(arena.allocate(16, 4)));
            assertThrows(VmBindingException.class, () -> VmInterpreter.run(image, bound, 0, 1, 1, 0, 1, 10));
            assertThrows(VmBindingException.class, () -> VmInterpreter.run(image, bound, 2, 1, 1, 1, 2, 10));
            assertThrows(VmBindingException.class, () -> VmInterpreter.run(image, bound, 2, 1, 1, 0, 1, 0));
            VmBindingException e = assertThrows(VmBindingException.class,
                    () -> VmInterpreter.bind(image, List.of(arena.allocate(6, 4))));
            assertEquals(true, e.getMessage().contains("Fix:"));
        }
    }
}
