package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.ptx.PtxEmitter;
import dev.vyre.cuda.ptx.PtxKernel;
import dev.vyre.cuda.ptx.PtxTarget;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.testing.F32Samples;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fdlibm functions of the transcendental operators, run by the PTX simulator in a kernel from
 * {@code PtxEmitter.emitKernel} (one thread per input, all 13 operators per thread), against the reference
 * interpreter bit for bit (two NaNs compare equal): the edge cases of {@link F32Samples} and random bit patterns.
 * The simulator executes the f64 instructions with Java's IEEE double arithmetic, so this checks the port's
 * operations, order, constants and control flow, independent of any GPU.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SimFdlibmTest {
    static final List<UnaryOp> OPS = List.of(UnaryOp.SIN, UnaryOp.COS, UnaryOp.TAN, UnaryOp.ASIN, UnaryOp.ACOS,
            UnaryOp.ATAN, UnaryOp.SINH, UnaryOp.COSH, UnaryOp.TANH, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LOG2,
            UnaryOp.EXP2);
    static final int GROUP = 64;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT;

    /** {@code out<k>[i] = OPS[k](a[i])}. */
    static Program program() {
        List<BufferDecl> buffers = new ArrayList<>();
        buffers.add(BufferDecl.of("a", 0, BufferAccess.READ_ONLY, ScalarType.F32, 0, false));
        List<Node> body = new ArrayList<>();
        body.add(new Node.Let("i", Expr.gid(0)));
        for (int k = 0; k < OPS.size(); k++) {
            buffers.add(BufferDecl.of("out" + k, k + 1, BufferAccess.WRITE_ONLY, ScalarType.F32, 0, true));
            body.add(new Node.Store("out" + k, Expr.var("i"), Expr.un(OPS.get(k), Expr.load("a", Expr.var("i")))));
        }
        return Program.of(Program.WorkgroupSize.of(GROUP), buffers, body);
    }

    /** {@code inputs} padded with zeros to whole workgroups (so that no access is out of bounds). */
    static int[] padded(int[] inputs) {
        return java.util.Arrays.copyOf(inputs, (inputs.length + GROUP - 1) / GROUP * GROUP);
    }

    /** Runs the emitted kernel on the simulator over {@code inputs}: the outputs per operator. */
    private static int[][] simulate(PtxKernel kernel, Program p, int[] inputs) {
        PtxSim sim = new PtxSim(kernel.ptx());
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MemorySegment> memory = new LinkedHashMap<>();
            for (BufferDecl b : p.buffers()) {
                MemorySegment s = arena.allocate(4L * inputs.length, 8);
                memory.put(b.name(), s);
                sim.map(s);
            }
            MemorySegment.copy(inputs, 0, memory.get("a"), WORD, 0, inputs.length);
            MemorySegment counters = arena.allocate(PtxKernel.OOB_COUNTER_BYTES, 8);
            sim.map(counters);
            List<Long> params = new ArrayList<>();
            for (PtxKernel.Param param : kernel.params()) {
                params.add(switch (param.kind()) {
                    case BUFFER_POINTER -> memory.get(param.buffer()).address();
                    case ELEMENT_COUNT -> (long) inputs.length;
                    case OOB_COUNTERS -> counters.address();
                });
            }
            long[] values = params.stream().mapToLong(Long::longValue).toArray();
            int groups = (inputs.length + GROUP - 1) / GROUP;
            for (int g = 0; g < groups; g++) {
                for (int t = 0; t < GROUP; t++) {
                    PtxSim.Thread thread = sim.new Thread(g, GROUP, t, values);
                    thread.run(false);
                    assertTrue(thread.exited());
                }
            }
            assertEquals(0L, counters.get(ValueLayout.JAVA_LONG, 0), "no out-of-bounds access");
            int[][] out = new int[OPS.size()][];
            for (int k = 0; k < OPS.size(); k++) {
                out[k] = memory.get("out" + k).toArray(WORD);
            }
            return out;
        }
    }

    /** The reference interpreter's outputs per operator. */
    static int[][] reference(Program p, int[] inputs) {
        try (Arena arena = Arena.ofShared()) {
            Map<String, MemorySegment> memory = new LinkedHashMap<>();
            for (BufferDecl b : p.buffers()) {
                memory.put(b.name(), arena.allocate(4L * inputs.length, 8));
            }
            MemorySegment.copy(inputs, 0, memory.get("a"), WORD, 0, inputs.length);
            new ReferenceInterpreter().run(p, Dispatch.of((inputs.length + GROUP - 1) / GROUP), memory);
            int[][] out = new int[OPS.size()][];
            for (int k = 0; k < OPS.size(); k++) {
                out[k] = memory.get("out" + k).toArray(WORD);
            }
            return out;
        }
    }

    static boolean sameF32(int a, int b) {
        return a == b || Float.isNaN(Float.intBitsToFloat(a)) && Float.isNaN(Float.intBitsToFloat(b));
    }

    /** The first differences per operator, or an empty string. */
    static String mismatches(int[] inputs, int[][] expected, int[][] actual) {
        StringBuilder report = new StringBuilder();
        for (int k = 0; k < OPS.size(); k++) {
            int count = 0;
            for (int i = 0; i < inputs.length; i++) {
                if (!sameF32(expected[k][i], actual[k][i])) {
                    if (count++ < 3) {
                        report.append(String.format("%s(%s = 0x%08X): expected 0x%08X (%s), got 0x%08X (%s)%n",
                                OPS.get(k), Float.intBitsToFloat(inputs[i]), inputs[i], expected[k][i],
                                Float.intBitsToFloat(expected[k][i]), actual[k][i],
                                Float.intBitsToFloat(actual[k][i])));
                    }
                }
            }
            if (count > 0) {
                report.append(OPS.get(k)).append(": ").append(count).append(" of ").append(inputs.length)
                        .append(" differ\n");
            }
        }
        return report.toString();
    }

    @Test
    void everyOperatorMatchesTheReferenceOnEdgeCasesAndRandomInputs() {
        Program p = program();
        PtxKernel kernel = PtxEmitter.emitKernel(p, "fdlibm", PtxTarget.SM_90);
        int[] inputs = padded(F32Samples.edgeCasesAndRandom(20_260_124L, 3_000));
        assertTrue(inputs.length > 3_000 + 1_500, "the edge cases: " + (inputs.length - 3_000));
        String report = mismatches(inputs, reference(p, inputs), simulate(kernel, p, inputs));
        assertTrue(report.isEmpty(), report);
    }

    /** {@code args[dest] = (U32) ((op(x) + 2) * scale)}. */
    private static Node scaledInto(int dest, UnaryOp op, Expr x, float scale) {
        return new Node.Store(HandlerTable.ARGS, Expr.u32(dest), new Expr.Cast(ScalarType.U32, Expr.bin(
                BinaryOp.MUL, Expr.bin(BinaryOp.ADD, Expr.un(op, x), Expr.f32(2f)), Expr.f32(scale))));
    }

    /** {@code (F32) args[i] * scale}. */
    private static Expr argAsF32(int i, float scale) {
        return Expr.bin(BinaryOp.MUL, new Expr.Cast(ScalarType.F32, HandlerPrograms.arg(i)), Expr.f32(scale));
    }

    @Test
    void fusedHandlersCallTheFunctionsOnceDefinedInTheMegakernel() {
        // every operator, on arguments scaled into the ranges of the medium and the large reduction, exp's
        // over- and underflow, log's domain; two handlers share the trigonometric function
        Program trig = HandlerPrograms.handler(List.of(
                scaledInto(2, UnaryOp.SIN, argAsF32(0, 1e-4f), 1e8f),
                scaledInto(3, UnaryOp.COS, argAsF32(1, 1e25f), 1e8f),
                scaledInto(4, UnaryOp.TAN, argAsF32(2, 1e-9f), 1e6f),
                scaledInto(5, UnaryOp.ASIN, argAsF32(3, 2.5e-10f), 1e8f),
                scaledInto(6, UnaryOp.ACOS, argAsF32(4, 4e-10f), 1e8f),
                scaledInto(7, UnaryOp.ATAN, argAsF32(5, 1e-6f), 1e8f)));
        Program exp = HandlerPrograms.handler(List.of(
                scaledInto(2, UnaryOp.EXP, argAsF32(0, 3e-8f), 1e-30f),
                scaledInto(3, UnaryOp.LOG, argAsF32(1, 1e-3f), 1e7f),
                scaledInto(4, UnaryOp.LOG2, argAsF32(2, 1f), 1e6f),
                scaledInto(5, UnaryOp.EXP2, argAsF32(3, 4e-8f), 1e-30f),
                scaledInto(6, UnaryOp.SINH, argAsF32(4, 3e-8f), 1e-30f),
                scaledInto(7, UnaryOp.COSH, argAsF32(5, 3e-8f), 1e-30f),
                scaledInto(8, UnaryOp.TANH, argAsF32(6, 1e-8f), 1e8f),
                scaledInto(9, UnaryOp.SIN, argAsF32(7, 1e20f), 1e8f)));
        SlotStream stream = HandlerStream.random(41, 240, List.of(trig, exp), 100_000, 64);
        String ptx = MegakernelPtx.generate(new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 64, 2048)
                .withHandlers(HandlerTable.of(Map.of(0x300, trig, 0x301, exp))));
        assertEquals(1, ptx.split(java.util.regex.Pattern.quote(".func (.param .f64 r) vyre_fdlibm_trig("),
                -1).length - 1, "one definition of the trigonometric function");
        SimHandlersTest.assertSameRun(stream, WorkerShape.THREAD, 4, "fdlibm handlers");
    }

    @Test
    void largeArgumentsTakeTheFullReduction() {
        // every 70,487th pattern of magnitude 2^20 and above, both signs: __kernel_rem_pio2 (and its recomputation)
        Program p = program();
        PtxKernel kernel = PtxEmitter.emitKernel(p, "fdlibm", PtxTarget.SM_90);
        List<Integer> large = new ArrayList<>();
        for (long b = 0x4980_0000L; b < 0x7F80_0000L; b += 0x1_0000 + 0x1357) {
            large.add((int) b);
            large.add((int) b | 0x8000_0000);
        }
        int[] inputs = padded(large.stream().mapToInt(Integer::intValue).toArray());
        String report = mismatches(inputs, reference(p, inputs), simulate(kernel, p, inputs));
        assertTrue(report.isEmpty(), report);
    }
}
