package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.testing.F32Samples;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmInterpreter;
import dev.vyre.vm.VmLowering;
import dev.vyre.vm.VmLoweringException;
import dev.vyre.vm.VmOp;
import dev.vyre.vm.VmResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs one program three ways over identical random inputs and asserts that they agree: the device interpreter
 * (VM_EXEC on a {@link VmRig}: the simulator or the GPU), the Java bytecode interpreter ({@link VmInterpreter}:
 * same buffers, same STEPS and out-of-bounds counts) and the reference interpreter (same buffers; F32 NaNs equal,
 * as docs/VIR0-SEMANTICS.md allows). Optionally a fourth, the fused kernel, through {@code fused}.
 */
final class VmParity {
    static final long REFERENCE_BUDGET = 50_000_000L;
    static final int DEVICE_BUDGET = 50_000_000;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED;
    /** The transcendentals' edge cases ({@link F32Samples}: NaNs, infinities, subnormals, huge arguments). */
    private static final int[] F32_EDGES = F32Samples.edgeCases();

    /** Opcodes of every program that ran, for the coverage assertion. */
    final Set<VmOp> covered = EnumSet.noneOf(VmOp.class);
    int programs;
    /** Programs the lowering refuses (a Barrier in a workgroup of more than 32 invocations), not run. */
    int refused;

    /** The buffers of one run: per declared buffer (null for Workgroup), the initial bytes. */
    record Inputs(List<BufferDecl> decls, List<byte[]> initial) {
    }

    /**
     * Checks {@code program} on {@code grid}, every count-0 buffer {@code elements} long; {@code fused} (or null)
     * gets the inputs and the reference's outputs to compare its own run with.
     */
    void check(VmRig rig, String name, Program program, Dispatch grid, int elements, SplittableRandom rnd,
               Consumer<FusedCheck> fused) {
        VmImage image;
        try {
            image = VmLowering.lower(program);
        } catch (VmLoweringException e) {
            refused++;
            return;
        }
        Inputs inputs = inputs(program, elements, rnd);
        try (Arena arena = Arena.ofShared()) {
            Map<String, MemorySegment> reference = new LinkedHashMap<>();
            List<MemorySegment> java = new ArrayList<>();
            List<MemorySegment> device = new ArrayList<>();
            for (int i = 0; i < inputs.decls().size(); i++) {
                BufferDecl d = inputs.decls().get(i);
                byte[] bytes = inputs.initial().get(i);
                if (bytes == null) {
                    java.add(null);
                    device.add(null);
                    continue;
                }
                reference.put(d.name(), copy(arena.allocate(Math.max(4, bytes.length), 4), bytes));
                java.add(copy(arena.allocate(Math.max(4, bytes.length), 4), bytes));
                device.add(copy(rig.buffer(bytes.length), bytes));
            }
            RunResult expected = new ReferenceInterpreter(REFERENCE_BUDGET).run(program, grid, reference);
            VmResult vm = VmInterpreter.run(image, VmInterpreter.bind(image, java), grid.x(), grid.y(), grid.z(),
                    DEVICE_BUDGET);
            assertEquals(VmResult.Status.DONE, vm.status(), () -> name + ": Java VM " + vm);
            int program0 = rig.program(0, image);
            int set = rig.bufferSet(0, image, device);
            SlotOutcome got = rig.exec(0, program0, set, grid.x(), grid.y(), grid.z(), DEVICE_BUDGET);
            assertTrue(got.isDone(), () -> name + ": device VM_EXEC " + got + "\n" + image.disassemble());
            assertEquals(vm.steps(), Integer.toUnsignedLong(got.arg(VmExecAbi.STEPS)), name + ": STEPS");
            assertEquals(vm.outOfBoundsLoads(), got.arg(VmExecAbi.OOB_LOADS), name + ": OOB_LOADS");
            assertEquals(vm.outOfBoundsStores(), got.arg(VmExecAbi.OOB_STORES), name + ": OOB_STORES");
            assertEquals(expected.outOfBoundsLoads(), vm.outOfBoundsLoads(), name + ": reference OOB loads");
            assertEquals(expected.outOfBoundsStores(), vm.outOfBoundsStores(), name + ": reference OOB stores");
            for (int i = 0; i < inputs.decls().size(); i++) {
                BufferDecl d = inputs.decls().get(i);
                if (device.get(i) == null) {
                    continue;
                }
                same(name + " device vs reference", d, reference.get(d.name()), device.get(i), image);
                same(name + " Java VM vs reference", d, reference.get(d.name()), java.get(i), image);
            }
            if (fused != null) {
                Map<String, MemorySegment> kept = new LinkedHashMap<>();
                reference.forEach((buffer, seg) -> kept.put(buffer, MemorySegment.ofArray(seg.toArray(
                        ValueLayout.JAVA_BYTE))));
                fused.accept(new FusedCheck(name, program, grid, inputs, kept));
            }
            for (int pc = 0; pc < image.instructionCount(); pc++) {
                covered.add(image.op(pc));
            }
            programs++;
        }
    }

    /** What a fused-kernel check gets: the program, its inputs and the reference's final buffers (heap copies). */
    record FusedCheck(String name, Program program, Dispatch grid, Inputs inputs,
                      Map<String, MemorySegment> expected) {
    }

    /**
     * Random initial bytes for every non-Workgroup buffer, F32 ones with an edge case of the transcendental operators
     * in every other element; WriteOnly ones start zeroed (as the reference's).
     */
    static Inputs inputs(Program program, int elements, SplittableRandom rnd) {
        List<BufferDecl> decls = program.buffers();
        List<byte[]> initial = new ArrayList<>();
        for (BufferDecl d : decls) {
            if (d.access() == BufferAccess.WORKGROUP) {
                initial.add(null);
                continue;
            }
            ScalarType t = (ScalarType) d.elementType();
            long count = d.count() > 0 ? Integer.toUnsignedLong(d.count()) : elements;
            byte[] bytes = new byte[(int) (count * t.byteSize())];
            if (d.access() != BufferAccess.WRITE_ONLY) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) rnd.nextInt();
                }
                if (t == ScalarType.F32) {
                    for (int i = 0; i < bytes.length; i += 8) { // every other element an edge case
                        int bits = F32_EDGES[rnd.nextInt(F32_EDGES.length)];
                        for (int k = 0; k < 4; k++) {
                            bytes[i + k] = (byte) (bits >>> 8 * k);
                        }
                    }
                }
                if (t == ScalarType.BOOL) {
                    for (int i = 0; i < bytes.length; i += 4) {
                        bytes[i] = (byte) (bytes[i] & 1);
                        bytes[i + 1] = 0;
                        bytes[i + 2] = 0;
                        bytes[i + 3] = 0;
                    }
                }
            }
            initial.add(bytes);
        }
        return new Inputs(decls, initial);
    }

    static MemorySegment copy(MemorySegment target, byte[] bytes) {
        MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return target;
    }

    /** Equal bytes, with any two F32 NaNs equal. */
    static void same(String what, BufferDecl d, MemorySegment expected, MemorySegment actual, Object context) {
        boolean f32 = d.elementType() == ScalarType.F32;
        long bytes = Math.min(expected.byteSize(), actual.byteSize());
        for (long at = 0; at < bytes; at += 4) {
            if (at + 4 > bytes) {
                for (long i = at; i < bytes; i++) {
                    assertEquals(expected.get(ValueLayout.JAVA_BYTE, i), actual.get(ValueLayout.JAVA_BYTE, i),
                            what + ": buffer " + d.name() + " byte " + i);
                }
                return;
            }
            int e = expected.get(WORD, at);
            int a = actual.get(WORD, at);
            if (e != a && !(f32 && Float.isNaN(Float.intBitsToFloat(e)) && Float.isNaN(Float.intBitsToFloat(a)))) {
                fail(what + ": buffer " + d.name() + " (" + d.elementType() + ") word " + at / 4 + ": expected 0x"
                        + Integer.toHexString(e) + ", got 0x" + Integer.toHexString(a) + "\n" + context);
            }
        }
    }
}
