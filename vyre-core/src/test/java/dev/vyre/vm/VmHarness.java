package dev.vyre.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.InterpreterException;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import dev.vyre.ir.interp.StepBudgetExceededException;
import dev.vyre.testing.F32Samples;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs a program on the reference interpreter (the oracle) and on the VM over identical random inputs (F32
 * buffers: edge cases of the transcendental operators in every other element) and
 * compares: both finish with the same memory (NaN equal to NaN in F32 buffers) and out-of-bounds counts, or both
 * fail on divergent collectives.
 */
final class VmHarness {
    static final long REFERENCE_BUDGET = 50_000_000L;
    static final long VM_BUDGET = 50_000_000L;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** F32 inputs: the transcendentals' edge cases ({@link F32Samples}) in every other element, random bits else. */
    private static final int[] F32_EDGES = F32Samples.edgeCases();

    /** Opcodes of the images that finished on both sides, for coverage assertions. */
    final Set<VmOp> covered = EnumSet.noneOf(VmOp.class);
    int finished;
    int diverged;

    /** What happened; the test fails on any disagreement. */
    enum Outcome { FINISHED, DIVERGED }

    Outcome check(Program program, Dispatch grid, SplittableRandom rnd) {
        VmImage image = VmLowering.lower(program);
        try (Arena arena = Arena.ofShared()) {
            Map<String, MemorySegment> reference = new LinkedHashMap<>();
            List<MemorySegment> vm = new ArrayList<>();
            for (BufferDecl d : program.buffers()) {
                if (d.access() == BufferAccess.WORKGROUP) {
                    vm.add(null);
                    continue;
                }
                ScalarType t = (ScalarType) d.elementType();
                long count = d.count() > 0 ? Integer.toUnsignedLong(d.count()) + rnd.nextInt(3) : 1 + rnd.nextInt(40);
                MemorySegment a = arena.allocate(count * t.byteSize(), 4);
                if (d.access() != BufferAccess.WRITE_ONLY) {
                    for (long i = 0; i < a.byteSize(); i++) {
                        a.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
                    }
                    if (t == ScalarType.F32) {
                        for (long i = 0; i < count; i += 2) { // every other element an edge case
                            a.set(WORD, i * 4, F32_EDGES[rnd.nextInt(F32_EDGES.length)]);
                        }
                    }
                }
                MemorySegment b = arena.allocate(a.byteSize(), 4);
                b.copyFrom(a);
                reference.put(d.name(), a);
                vm.add(b);
            }
            RunResult expected = null;
            InterpreterException failure = null;
            try {
                expected = new ReferenceInterpreter(REFERENCE_BUDGET).run(program, grid, reference);
            } catch (StepBudgetExceededException e) {
                fail("the generated program ran out of the reference's budget: " + e.getMessage());
            } catch (InterpreterException e) {
                failure = e;
            }
            VmResult got = VmInterpreter.run(image, VmInterpreter.bind(image, vm), grid.x(), grid.y(), grid.z(),
                    VM_BUDGET);
            if (failure != null) {
                assertTrue(failure.getMessage().contains("divergent collectives"), failure.getMessage());
                assertEquals(VmResult.Status.DIVERGENT, got.status(), "the reference failed with " + failure.getMessage()
                        + "\n" + image.disassemble());
                diverged++;
                return Outcome.DIVERGED;
            }
            assertEquals(VmResult.Status.DONE, got.status(), () -> "VM: " + got + "\n" + image.disassemble());
            int slot = 0;
            for (BufferDecl d : program.buffers()) {
                if (d.access() != BufferAccess.WORKGROUP) {
                    assertSame(d, reference.get(d.name()), vm.get(slot), image);
                }
                slot++;
            }
            assertEquals(expected.outOfBoundsLoads(), got.outOfBoundsLoads(), "out-of-bounds loads");
            assertEquals(expected.outOfBoundsStores(), got.outOfBoundsStores(), "out-of-bounds stores");
            for (int pc = 0; pc < image.instructionCount(); pc++) {
                covered.add(image.op(pc));
            }
            finished++;
            return Outcome.FINISHED;
        }
    }

    private static void assertSame(BufferDecl d, MemorySegment expected, MemorySegment actual, VmImage image) {
        boolean f32 = d.elementType() == ScalarType.F32;
        for (long at = 0; at + 4 <= expected.byteSize() || at < expected.byteSize(); at += 4) {
            if (at + 4 > expected.byteSize()) {
                for (long i = at; i < expected.byteSize(); i++) {
                    assertEquals(expected.get(ValueLayout.JAVA_BYTE, i), actual.get(ValueLayout.JAVA_BYTE, i),
                            "buffer " + d.name() + " byte " + i);
                }
                return;
            }
            int e = expected.get(WORD, at);
            int a = actual.get(WORD, at);
            if (e != a && !(f32 && Float.isNaN(Float.intBitsToFloat(e)) && Float.isNaN(Float.intBitsToFloat(a)))) {
                fail("buffer " + d.name() + " (" + d.elementType() + ") word " + at / 4 + ": reference 0x"
                        + Integer.toHexString(e) + ", VM 0x" + Integer.toHexString(a) + "\n" + image.disassemble());
            }
        }
    }
}
