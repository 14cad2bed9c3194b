package dev.vyre.cli;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre demo}: the machine report, then a VIR0 program built in code, encoded, decoded, validated and run
 * on the CPU reference interpreter, checked element by element against plain Java.
 */
@Command(name = "demo", description = {"Show vyre info, then run saxpy as VIR0 and check it against Java.",
        "Builds saxpy (y = a*x + y) in code, encodes it to VIR0, decodes and validates it, runs it on the CPU",
        "reference interpreter and compares every element with plain Java."})
final class DemoCommand implements Callable<Integer> {
    /** The saxpy scalar. */
    static final float A = 2.5f;
    private static final long SEED = 0x5EED_5EEDL;
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Spec
    CommandSpec spec;

    @Option(names = "--n", defaultValue = "1048576", paramLabel = "N",
            description = "Elements (one invocation each; default: ${DEFAULT-VALUE}).")
    int n;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SystemReport.gather().toLines().forEach(out::println);
        out.println();

        Program program = SaxpyProgram.build(n, A);
        out.println("demo: " + SaxpyProgram.describe(n, A) + ", workgroup " + SaxpyProgram.WORKGROUP_SIZE
                + ", " + SaxpyProgram.workgroups(n) + " workgroup(s)");
        byte[] vir0 = Vir0Encoder.encode(program);
        Program decoded = Vir0Decoder.decode(vir0);
        if (!decoded.equals(program)) {
            throw new CliException("demo: decoding the " + vir0.length + "-byte VIR0 encoding of saxpy gave a"
                    + " different program", "report this as a vyre codec bug");
        }
        out.println("  encoded to " + vir0.length + " bytes of VIR0, decoded back to the same program");
        Validator.validate(decoded);
        out.println("  validated");

        SplittableRandom rnd = new SplittableRandom(SEED);
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(-1 << 20, 1 << 20) / 1024f;
            y[i] = rnd.nextInt(-1 << 20, 1 << 20) / 4096f;
        }
        float[] expected = SaxpyProgram.expected(A, x, y);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xs = segmentOf(x, arena);
            MemorySegment ys = segmentOf(y, arena);
            long start = System.nanoTime();
            RunResult result = new ReferenceInterpreter()
                    .run(decoded, Dispatch.of(SaxpyProgram.workgroups(n)), Map.of(SaxpyProgram.X, xs, SaxpyProgram.Y, ys));
            double ms = (System.nanoTime() - start) / 1e6;
            out.println("  ran on the CPU reference interpreter in " + String.format(Locale.ROOT, "%.1f", ms)
                    + " ms: " + Vir0RunCommand.summary(result));
            check(expected, ys, result);
        }
        out.println("demo OK: all " + n + " elements of y equal plain Java Math.fma(" + A + "f, x[i], y[i]) bit for"
                + " bit (y[0] = " + expected[0] + ", y[" + (n - 1) + "] = " + expected[n - 1] + ")");
        return 0;
    }

    private static MemorySegment segmentOf(float[] values, Arena arena) {
        MemorySegment s = arena.allocate((long) values.length * Float.BYTES, Long.BYTES);
        for (int i = 0; i < values.length; i++) {
            s.setAtIndex(LE_FLOAT, i, values[i]);
        }
        return s;
    }

    /** Throws unless the run stayed in bounds and every element matches bit for bit. */
    static void check(float[] expected, MemorySegment actual, RunResult result) {
        if (result.outOfBoundsLoads() != 0 || result.outOfBoundsStores() != 0) {
            throw new CliException("demo: saxpy reported " + result.outOfBoundsLoads() + " out-of-bounds loads and "
                    + result.outOfBoundsStores() + " out-of-bounds stores, expected none (every access is guarded)",
                    "report this as a vyre interpreter bug");
        }
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual.getAtIndex(LE_FLOAT, i)) != Float.floatToRawIntBits(expected[i])) {
                mismatches++;
                first = first < 0 ? i : first;
            }
        }
        if (mismatches > 0) {
            throw new CliException("demo: the CPU reference interpreter disagrees with plain Java on " + mismatches
                    + " of " + expected.length + " elements; first y[" + first + "] = "
                    + actual.getAtIndex(LE_FLOAT, first) + ", Java computed " + expected[first],
                    "report this as a vyre interpreter bug");
        }
    }
}
