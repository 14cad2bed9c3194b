package dev.vyre.cuda.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaProbe;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.Dim3;
import dev.vyre.ir.Program;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.testing.F32Samples;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every transcendental operator on GPU 0, in a kernel from {@code emitKernel} ({@code out[i] = op(a[i])}), over a
 * large sample of f32 inputs: the edge cases of {@link F32Samples} and every {@code stride}-th bit pattern (a
 * different low-bit offset per operator), compared bit for bit (two NaNs equal) with {@code StrictMath} on the host
 * ({@code (float) StrictMath.f((double) x)}, Log2 and Exp2 as docs/VIR0-SEMANTICS.md defines them, computed with
 * parallel streams). Mismatches are reported per operator, then the test fails if there were any. It also prints
 * the kernel time per operator (launch to synchronize, one 2^24-element chunk at a time).
 *
 * <p>{@code -Dvyre.fdlibm.stride=S} (a power of two, default 256, so 2^24 patterns per operator; 1 covers all 2^32
 * patterns in 256 chunks per operator, minutes of host time). Skipped, with the probe's reason, without a GPU.
 */
@Tag("gpu")
class FdlibmGpuTest {
    private static final int STRIDE = Integer.getInteger("vyre.fdlibm.stride", 256);
    private static final int CHUNK = 1 << 24;
    private static final int GROUP = 256;
    private static final int REPORTED = 5;
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT;
    private static final double LN2 = StrictMath.log(2.0);

    /** {@code (float) StrictMath.f((double) x)}, the reference's definition, as raw f32 bits. */
    static int expected(UnaryOp op, int bits) {
        double x = Float.intBitsToFloat(bits);
        double r = switch (op) {
            case SIN -> StrictMath.sin(x);
            case COS -> StrictMath.cos(x);
            case TAN -> StrictMath.tan(x);
            case ASIN -> StrictMath.asin(x);
            case ACOS -> StrictMath.acos(x);
            case ATAN -> StrictMath.atan(x);
            case SINH -> StrictMath.sinh(x);
            case COSH -> StrictMath.cosh(x);
            case TANH -> StrictMath.tanh(x);
            case EXP -> StrictMath.exp(x);
            case LOG -> StrictMath.log(x);
            case LOG2 -> StrictMath.log(x) / LN2;
            case EXP2 -> StrictMath.pow(2.0, x);
            default -> throw new IllegalArgumentException(op.name());
        };
        return Float.floatToRawIntBits((float) r);
    }

    private static boolean same(int a, int b) {
        return a == b || Float.isNaN(Float.intBitsToFloat(a)) && Float.isNaN(Float.intBitsToFloat(b));
    }

    /** The host oracle is the reference interpreter's definition: checked on the edge cases first. */
    private static void oracleMatchesTheInterpreter(UnaryOp op, Program p, int[] edges) {
        int n = (edges.length + GROUP - 1) / GROUP * GROUP;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocate(4L * n, 4);
            MemorySegment out = arena.allocate(4L * n, 4);
            MemorySegment.copy(edges, 0, a, WORD, 0, edges.length);
            new ReferenceInterpreter().run(p, Dispatch.of(n / GROUP), Map.of("a", a, "out0", out));
            for (int i = 0; i < edges.length; i++) {
                int got = out.getAtIndex(WORD, i);
                int want = expected(op, edges[i]);
                int bits = edges[i];
                assertTrue(same(want, got), () -> op + ": the host oracle differs from the interpreter at 0x"
                        + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyOperatorMatchesStrictMathOnTheDevice() {
        CudaProbe probe = CudaProbe.run();
        Assumptions.assumeTrue(probe.available(), () -> "no usable CUDA GPU, fdlibm GPU test skipped: "
                + probe.reason());
        assertTrue(STRIDE > 0 && Integer.bitCount(STRIDE) == 1, "vyre.fdlibm.stride must be a power of two");
        int[] edges = F32Samples.edgeCases();
        long patterns = (1L << 32) / STRIDE;
        int chunks = (int) Math.max(1, patterns / CHUNK);
        int perChunk = (int) Math.min(patterns, CHUNK);
        StringBuilder report = new StringBuilder();
        long totalMismatches = 0;
        long checked = 0;
        try (CudaContext ctx = CudaContext.open(0); Arena arena = Arena.ofShared()) {
            int capacity = Math.max(perChunk, (edges.length + GROUP - 1) / GROUP * GROUP);
            MemorySegment host = arena.allocate(4L * capacity, 4);
            MemorySegment result = arena.allocate(4L * capacity, 4);
            List<UnaryOp> ops = List.copyOf(LoweringCheck.TRANSCENDENTAL);
            for (int k = 0; k < ops.size(); k++) {
                UnaryOp op = ops.get(k);
                Program p = FdlibmPtxTest.kernel(List.of(op));
                oracleMatchesTheInterpreter(op, p, edges);
                PtxKernel kernel = PtxEmitter.emitKernel(p, "fdlibm_" + op.name().toLowerCase(), PtxTarget.SM_90);
                CudaFunction fn = ctx.loadPtx(kernel.ptx()).function(kernel.entryName());
                int offset = (k * 37) & (STRIDE - 1);
                long mismatches = 0;
                long nanos = 0;
                StringBuilder examples = new StringBuilder();
                try (DeviceBuffer a = ctx.allocate(4L * capacity); DeviceBuffer out = ctx.allocate(4L * capacity);
                     DeviceBuffer oob = ctx.allocate(PtxKernel.OOB_COUNTER_BYTES)) {
                    for (int c = -1; c < chunks; c++) { // chunk -1: the edge cases
                        int[] inputs = c < 0 ? edges : strided(c, perChunk, offset);
                        int n = (inputs.length + GROUP - 1) / GROUP * GROUP;
                        MemorySegment.copy(inputs, 0, host, WORD, 0, inputs.length);
                        host.asSlice(4L * inputs.length, 4L * (n - inputs.length)).fill((byte) 0);
                        a.copyFrom(host.asSlice(0, 4L * n));
                        oob.memsetD32(0);
                        long start = System.nanoTime();
                        fn.launch(Dim3.of(n / GROUP), Dim3.of(GROUP), 0, null, a.ptr(), n, out.ptr(), n, oob.ptr());
                        ctx.synchronize();
                        if (c >= 0) {
                            nanos += System.nanoTime() - start;
                        }
                        MemorySegment got = result.asSlice(0, 4L * n);
                        out.copyTo(got);
                        int[] actual = got.toArray(WORD);
                        long[] bad = IntStream.range(0, inputs.length).parallel()
                                .filter(i -> !same(expected(op, inputs[i]), actual[i])).asLongStream().toArray();
                        mismatches += bad.length;
                        for (int b = 0; b < bad.length && examples.length() < 2000; b++) {
                            int i = (int) bad[b];
                            if (b < REPORTED) {
                                examples.append(String.format("  %s(0x%08X = %s): StrictMath 0x%08X, GPU 0x%08X%n",
                                        op, inputs[i], Float.intBitsToFloat(inputs[i]), expected(op, inputs[i]),
                                        actual[i]));
                            }
                        }
                        checked += inputs.length;
                    }
                }
                totalMismatches += mismatches;
                long elements = (long) chunks * perChunk;
                String line = String.format("%-5s %d of %d inputs differ; kernel %.1f ms for %d inputs (%.2f ns each)"
                        + "%n", op, mismatches, elements + edges.length, nanos / 1e6, elements,
                        (double) nanos / elements) + examples;
                System.out.print("fdlibm on the GPU, stride " + STRIDE + ": " + line); // progress, one per operator
                report.append(line);
            }
        }
        System.out.println("fdlibm on the GPU, stride " + STRIDE + ", " + checked + " evaluations:\n" + report);
        assertEquals(0, totalMismatches, report.toString());
    }

    /** Chunk {@code c}: the patterns {@code (c * count + i) * STRIDE + offset}. */
    private static int[] strided(int c, int count, int offset) {
        int[] bits = new int[count];
        Arrays.parallelSetAll(bits, i -> (int) (((long) c * count + i) * STRIDE + offset));
        return bits;
    }
}
