package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.codec.ProgramPrinter;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command end to end on real VIR0 files: needs vyre-core's codec, validator, printer and reference
 * interpreter.
 */
class Vir0EndToEndTest {
    @TempDir
    Path dir;

    private static void assertOk(CliRun r) {
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    private static void assertExplainedFailure(CliRun r, String startsWith) {
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().startsWith("vyre: " + startsWith), r::toString);
        assertTrue(r.err().contains("Fix: "), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    /** The output line of buffer y for the expected values, formatted independently of the CLI. */
    private static String yLine(float[] y) {
        StringJoiner j = new StringJoiner(", ");
        for (float v : y) {
            j.add(Float.toString(v));
        }
        return "y: F32[" + y.length + "] = " + j;
    }

    private Path example(int n, float a) {
        Path file = dir.resolve("saxpy.vir0");
        assertOk(CliRun.of("vir0", "example", file.toString(), "--n", Integer.toString(n), "--a", Float.toString(a)));
        return file;
    }

    @Test
    void exampleValidatesDumpsAndRuns() throws IOException {
        Path file = example(8, 2f);
        Program written = Vir0Decoder.decode(Files.readAllBytes(file));
        assertEquals(SaxpyProgram.build(8, 2f), written);

        CliRun validate = CliRun.of("vir0", "validate", file.toString());
        assertOk(validate);
        assertTrue(validate.out().contains("valid (2 buffer(s)"), validate::toString);

        CliRun dump = CliRun.of("vir0", "dump", file.toString());
        assertOk(dump);
        assertEquals(ProgramPrinter.print(written).strip(), dump.out().strip());

        float[] y = new float[8];
        for (int i = 0; i < 8; i++) {
            y[i] = Math.fma(2f, i + 1, 10f);
        }
        CliRun run = CliRun.of("vir0", "run", file.toString(), "--buffer", "x=f32:1,2,3,4,5,6,7,8",
                "--buffer", "y=f32:10,10,10,10,10,10,10,10");
        assertOk(run);
        assertTrue(run.out().contains("grid [1,1,1] x workgroup [256,1,1] = 256 invocations"), run::toString);
        assertTrue(run.out().contains("out-of-bounds loads 0, out-of-bounds stores 0"), run::toString);
        assertTrue(run.out().contains(yLine(y) + "\n"), run::toString);
        assertFalse(run.out().contains("x: F32"), "x is not an output buffer");
    }

    @Test
    void cpuInterpretedRunsTheBytecodeThroughVmExecSlotsAndMatchesTheReference() {
        Path file = example(8, 2f);
        float[] y = new float[8];
        for (int i = 0; i < 8; i++) {
            y[i] = Math.fma(2f, i + 1, 10f);
        }
        CliRun run = CliRun.of("vir0", "run", file.toString(), "--backend", "cpu-interpreted", "--grid", "3",
                "--buffer", "x=f32:1,2,3,4,5,6,7,8", "--buffer", "y=f32:10,10,10,10,10,10,10,10");
        assertOk(run);
        assertTrue(run.out().contains("ran on cpu-interpreted in"), run::toString);
        assertTrue(run.out().contains("over 3 VM_EXEC slots, out-of-bounds loads 0, out-of-bounds stores 0"),
                run::toString);
        assertTrue(run.out().contains(yLine(y) + "\n"), run::toString);
    }

    /** The 13 transcendental operators, in the order of {@link #transcendentals}'s output elements. */
    static final UnaryOp[] TRANSCENDENTALS = {UnaryOp.COS, UnaryOp.SIN, UnaryOp.TAN, UnaryOp.ACOS, UnaryOp.ASIN,
        UnaryOp.ATAN, UnaryOp.TANH, UnaryOp.SINH, UnaryOp.COSH, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.LOG2,
        UnaryOp.EXP2};

    /** A file of {@code out[k] = TRANSCENDENTALS[k](x[k])} (one invocation), with the input argument for x. */
    static Path transcendentals(Path dir) throws IOException {
        BufferDecl x = BufferDecl.of("x", 0, BufferAccess.READ_ONLY, ScalarType.F32, TRANSCENDENTALS.length, false);
        BufferDecl out = BufferDecl.of("out", 1, BufferAccess.READ_WRITE, ScalarType.F32, TRANSCENDENTALS.length, true);
        List<Node> body = new ArrayList<>();
        for (int k = 0; k < TRANSCENDENTALS.length; k++) {
            body.add(new Node.Store("out", Expr.u32(k), Expr.un(TRANSCENDENTALS[k], Expr.load("x", Expr.u32(k)))));
        }
        Path file = dir.resolve("transcendentals.vir0");
        Files.write(file, Vir0Encoder.encode(Program.of(Program.WorkgroupSize.of(1), List.of(x, out), body)));
        return file;
    }

    /** The --buffer argument for x: 0.5 for every operator (each one's domain holds it). */
    static final String TRANSCENDENTAL_INPUT = "x=f32:" + String.join(",", java.util.Collections.nCopies(
            TRANSCENDENTALS.length, "0.5"));

    /** The output line of out: {@code (float) StrictMath.f(0.5)} per operator, computed here. */
    static String transcendentalLine() {
        double v = 0.5;
        double[] strict = {StrictMath.cos(v), StrictMath.sin(v), StrictMath.tan(v), StrictMath.acos(v),
            StrictMath.asin(v), StrictMath.atan(v), StrictMath.tanh(v), StrictMath.sinh(v), StrictMath.cosh(v),
            StrictMath.exp(v), StrictMath.log(v), StrictMath.log(v) / StrictMath.log(2.0), StrictMath.pow(2.0, v)};
        StringJoiner j = new StringJoiner(", ");
        for (double d : strict) {
            j.add(Float.toString((float) d));
        }
        return "out: F32[" + strict.length + "] = " + j;
    }

    @Test
    void theVmRunsTheTranscendentalOperators() throws IOException {
        Path file = transcendentals(dir);
        for (String backend : List.of("cpu", "cpu-interpreted")) {
            CliRun run = CliRun.of("vir0", "run", file.toString(), "--backend", backend, "--buffer",
                    TRANSCENDENTAL_INPUT);
            assertOk(run);
            assertTrue(run.out().contains(transcendentalLine() + "\n"), run::toString);
        }
    }

    @Test
    void theVmExplainsWhatItRefusesAndRunawayPrograms() throws IOException {
        BufferDecl out = BufferDecl.of("out", 0, BufferAccess.READ_WRITE, ScalarType.F32, 4, true);
        Path wide = dir.resolve("wide-barrier.vir0");
        Files.write(wide, Vir0Encoder.encode(Program.of(Program.WorkgroupSize.of(64), List.of(out), List.of(
                new Node.Barrier(), new Node.Store("out", Expr.u32(0), Expr.f32(1))))));
        assertExplainedFailure(CliRun.of("vir0", "run", wide.toString(), "--backend", "cpu-interpreted"),
                "the VM cannot run this program");
        // the reference interpreter runs it (its invocations on threads of their own, over the CLI's buffers)
        CliRun reference = CliRun.of("vir0", "run", wide.toString());
        assertOk(reference);
        assertTrue(reference.out().contains("out"), reference::toString);
        Path loop = dir.resolve("loop.vir0");
        Files.write(loop, Vir0Encoder.encode(Program.of(Program.WorkgroupSize.of(1), List.of(out), List.of(
                new Node.Loop(List.of(new Node.Store("out", Expr.u32(0), Expr.f32(1))))))));
        assertExplainedFailure(CliRun.of("vir0", "run", loop.toString(), "--backend", "cpu-interpreted",
                "--step-budget", "10000"), "a VM_EXEC slot ran out of its budget of 10000 steps");
    }

    @Test
    void buffersNotGivenAreZeroFilled() {
        Path file = example(4, 3f);
        CliRun run = CliRun.of("vir0", "run", file.toString(), "--buffer", "x=f32:1,2,3,4");
        assertOk(run);
        assertTrue(run.out().contains(yLine(new float[] {3f, 6f, 9f, 12f})), run::toString);
    }

    @Test
    void explicitGridRunsOnlyThoseWorkgroupsAndFilesFeedBuffers() throws IOException {
        int n = 300;
        Path file = example(n, -0.5f);
        float[] x = new float[n];
        float[] y = new float[n];
        ByteBuffer xb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer yb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.75f - 17f;
            y[i] = 1000f / (i + 1);
            xb.putFloat(x[i]);
            yb.putFloat(y[i]);
        }
        Files.write(dir.resolve("x.bin"), xb.array());
        Files.write(dir.resolve("y.bin"), yb.array());
        float[] expected = y.clone();
        for (int i = 0; i < 256; i++) { // one workgroup of 256 invocations: the rest of y is untouched
            expected[i] = Math.fma(-0.5f, x[i], y[i]);
        }
        CliRun run = CliRun.of("vir0", "run", file.toString(), "--grid", "1", "--max-elements", "1000",
                "--buffer", "x=file:" + dir.resolve("x.bin"), "--buffer", "y=file:" + dir.resolve("y.bin"));
        assertOk(run);
        assertTrue(run.out().contains(yLine(expected) + "\n"), run::toString);

        CliRun truncated = CliRun.of("vir0", "run", file.toString(), "--max-elements", "2",
                "--buffer", "x=file:" + dir.resolve("x.bin"));
        assertOk(truncated);
        assertTrue(truncated.out().contains("y: F32[300] = " + Math.fma(-0.5f, x[0], 0f) + ", "
                + Math.fma(-0.5f, x[1], 0f) + ", ... (298 more)"), truncated::toString);
    }

    @Test
    void bindingMistakesAreExplained() {
        Path file = example(4, 1f);
        assertExplainedFailure(CliRun.of("vir0", "run", file.toString(), "--buffer", "x=u32:1,2,3,4"),
                "--buffer x gives u32 values");
        assertExplainedFailure(CliRun.of("vir0", "run", file.toString(), "--buffer", "x=f32:1,2"),
                "--buffer x has 2 elements");
        assertExplainedFailure(CliRun.of("vir0", "run", file.toString(), "--buffer", "z=f32:1"),
                "--buffer z: the program declares no buffer named 'z'");
    }

    @Test
    void malformedFilesAreExplainedWithTheFileName() throws IOException {
        Path garbage = dir.resolve("garbage.vir0");
        Files.write(garbage, "this is not VIR0 at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (String cmd : List.of("validate", "dump", "run")) {
            assertExplainedFailure(CliRun.of("vir0", cmd, garbage.toString()), garbage + ": ");
        }
        byte[] good = Vir0Encoder.encode(SaxpyProgram.build(8, 2f));
        Path truncated = dir.resolve("truncated.vir0");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        assertExplainedFailure(CliRun.of("vir0", "validate", truncated.toString()), truncated + ": ");
        Path empty = dir.resolve("empty.vir0");
        Files.write(empty, new byte[0]);
        assertExplainedFailure(CliRun.of("vir0", "run", empty.toString()), empty + ": ");
    }

    @Test
    void invalidProgramsListTheirProblems() throws IOException {
        // stores into a ReadOnly buffer: decodes fine, fails validation
        Program bad = Program.of(Program.WorkgroupSize.of(64),
                List.of(BufferDecl.of("ro", 0, BufferAccess.READ_ONLY, ScalarType.U32, 4, true)),
                List.of(new Node.Store("ro", Expr.u32(0), Expr.u32(1))));
        Path file = dir.resolve("bad.vir0");
        Files.write(file, Vir0Encoder.encode(bad));
        CliRun validate = CliRun.of("vir0", "validate", file.toString());
        assertExplainedFailure(validate, file + " is not a valid program: ");
        assertTrue(validate.err().contains("\n  body[0]"), validate::toString);
        assertEquals("", validate.out());
        assertExplainedFailure(CliRun.of("vir0", "run", file.toString()), file + ": program is invalid");
    }

    @Test
    void exampleRefusesAnEmptyProgramAndUnwritablePaths() {
        assertExplainedFailure(CliRun.of("vir0", "example", dir.resolve("e.vir0").toString(), "--n", "0"),
                "saxpy needs at least one element");
        assertExplainedFailure(CliRun.of("vir0", "example", dir.resolve("no/such/dir/e.vir0").toString()),
                "cannot write");
    }

    @Test
    void demoChecksTheInterpreterAgainstJava() {
        CliRun demo = CliRun.of("demo", "--n", "3000");
        assertOk(demo);
        assertTrue(demo.out().contains("Backend   "), "starts with the info report");
        assertTrue(demo.out().contains("decoded back to the same program"), demo::toString);
        assertTrue(demo.out().contains("demo OK: all 3000 elements of y equal plain Java"), demo::toString);
    }

    @Test
    void writtenExampleIsByteIdenticalToTheEncoderOutput() throws IOException {
        Path file = example(8, 2f);
        assertArrayEquals(Vir0Encoder.encode(SaxpyProgram.build(8, 2f)), Files.readAllBytes(file));
    }
}
