package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.TestPrograms.INTERPRETER;
import static dev.vyre.ir.interp.TestPrograms.bind;
import static dev.vyre.ir.interp.TestPrograms.input;
import static dev.vyre.ir.interp.TestPrograms.output;
import static dev.vyre.ir.interp.TestPrograms.program;
import static dev.vyre.ir.interp.TestPrograms.read;
import static dev.vyre.ir.interp.TestPrograms.scratch;
import static dev.vyre.ir.interp.TestPrograms.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad bindings, grids and unvalidated programs fail with InterpreterException and a Fix, never a raw crash. */
class BindingErrorsTest {
    /** {@code out[0] = in[0]}: in is ReadOnly F32, out ReadWrite U32 with {@code outCount} declared. */
    private static Program copy(int outCount) {
        return program(1, List.of(input("in", 0, F32),
                        BufferDecl.of("out", 1, BufferAccess.READ_WRITE, U32, outCount, true)),
                new Node.Store("out", Expr.u32(0), new Expr.Cast(U32, Expr.load("in", Expr.u32(0)))));
    }

    private static InterpreterException fails(Program p, Dispatch grid, Map<String, MemorySegment> buffers,
                                              String... fragments) {
        InterpreterException e = assertThrows(InterpreterException.class, () -> INTERPRETER.run(p, grid, buffers));
        assertTrue(e.getMessage().contains(". Fix: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void aMissingBufferIsNamed() {
        fails(copy(0), Dispatch.of(1), bind("in", words(0)), "'out'", "not bound");
        Map<String, MemorySegment> withNull = new HashMap<>();
        withNull.put("in", words(0));
        withNull.put("out", null);
        fails(copy(0), Dispatch.of(1), withNull, "'out'", "not bound");
    }

    @Test
    void aSegmentSmallerThanTheDeclaredCountIsRefused() {
        fails(copy(4), Dispatch.of(1), bind("in", words(0), "out", words(1, 2, 3)), "'out'", "declares 4 elements",
                "holds 3");
    }

    @Test
    void aByteSizeThatIsNotWholeElementsIsRefused() {
        MemorySegment six = Arena.ofAuto().allocate(6);
        fails(copy(0), Dispatch.of(1), bind("in", six, "out", words(0)), "'in'", "6 bytes", "4-byte element");
    }

    @ParameterizedTest
    @EnumSource(value = BufferAccess.class, names = {"READ_WRITE", "WRITE_ONLY"})
    void aReadOnlySegmentForAWritableBufferIsRefused(BufferAccess access) {
        Program p = program(1, List.of(BufferDecl.of("out", 0, access, U32, 0, true)),
                new Node.Store("out", Expr.u32(0), Expr.u32(1)));
        fails(p, Dispatch.of(1), bind("out", words(0).asReadOnly()), "'out'", "read-only segment");
    }

    @Test
    void aReadOnlySegmentForAReadOnlyBufferIsFine() {
        MemorySegment out = words(0);
        INTERPRETER.run(copy(0), Dispatch.of(1), bind("in", words(Values.f(3.0f)).asReadOnly(), "out", out));
        assertArrayEquals(new int[] {3}, read(out));
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {0, 1, 2})
    void aGridWithAZeroAxisIsRefused(int axis) {
        Dispatch grid = new Dispatch(axis == 0 ? 0 : 2, axis == 1 ? 0 : 2, axis == 2 ? 0 : 2);
        fails(copy(0), grid, bind("in", words(0), "out", words(0)), "0 workgroups on axis " + "xyz".charAt(axis));
    }

    @Test
    void bindingAWorkgroupBufferIsRefused() {
        Program p = program(1, List.of(scratch("s", 0, U32, 4)), new Node.Store("s", Expr.u32(0), Expr.u32(1)));
        fails(p, Dispatch.of(1), bind("s", words(0, 0, 0, 0)), "Workgroup buffer 's'");
    }

    @Test
    void bindingAnUndeclaredNameIsRefused() {
        fails(copy(0), Dispatch.of(1), bind("in", words(0), "out", words(0), "typo", words(0)), "'typo'",
                "declared: in, out");
    }

    @Test
    void aNonExecutableElementTypeIsRefused() {
        Program p = program(1, List.of(output("wide", 0, ScalarType.U64)));
        fails(p, Dispatch.of(1), bind("wide", words(0, 0)), "'wide'", "U64");
        Program arrays = program(1, List.of(output("arr", 0, new DataType.ArrayType(2, U32))));
        fails(arrays, Dispatch.of(1), bind("arr", words(0, 0)), "'arr'");
    }

    @Test
    void badWorkgroupSizesAreRefused() {
        Program zero = Program.of(new Program.WorkgroupSize(4, 0, 1), List.of(), List.of());
        fails(zero, Dispatch.of(1), Map.of(), "axis y");
        Program big = Program.of(new Program.WorkgroupSize(64, 32, 1), List.of(), List.of());
        fails(big, Dispatch.of(1), Map.of(), "2048 invocations");
        Program wrapped = Program.of(new Program.WorkgroupSize(-1, 2, 1), List.of(), List.of());
        fails(wrapped, Dispatch.of(1), Map.of(), "more than 1024");
    }

    @Test
    void oversizedWorkgroupBuffersAreRefused() {
        Program p = program(1, List.of(scratch("s", 0, U32, -1)));
        fails(p, Dispatch.of(1), Map.of(), "'s'", "bytes per workgroup");
    }

    /** Programs the validator would refuse: the interpreter reports them, naming the node. */
    @Test
    void unvalidatedProgramsFailWithInterpreterException() {
        Map<String, MemorySegment> out = bind("out", words(0, 0));
        List<BufferDecl> decls = List.of(output("out", 0, U32), input("ro", 1, U32));
        Map<String, MemorySegment> both = bind("out", words(0, 0), "ro", words(0));
        Node[][] bad = {
            {new Node.Store("out", Expr.u32(0), Expr.var("nope"))},
            {new Node.Store("missing", Expr.u32(0), Expr.u32(1))},
            {new Node.Store("out", Expr.u32(0), new Expr.Call("op.x", List.of()))},
            {new Node.Opaque(7, Payload.of((byte) 1))},
            {new Node.Store("ro", Expr.u32(0), Expr.u32(1))},
            {new Node.Store("out", Expr.u32(0), Expr.add(Expr.u32(1), Expr.f32(1.0f)))},
            {new Node.Store("out", Expr.u32(0), Expr.f32(1.0f))},
            {new Node.Store("out", Expr.f32(0.0f), Expr.u32(1))},
            {new Node.Store("out", Expr.u32(0), new Expr.InvocationId(3))},
            {new Node.Store("out", Expr.u32(0), new Expr.BinOp(BinaryOp.WAVE_REDUCE, Expr.u32(1), Expr.u32(6)))},
            {new Node.Let("x", Expr.u32(1)), new Node.Store("out", Expr.u32(0),
                    new Expr.BinOp(BinaryOp.WAVE_REDUCE, Expr.u32(1), Expr.var("x")))},
            {new Node.Let("a", new Expr.Atomic(AtomicOp.ADD, "ro", Expr.u32(0), null, Expr.u32(1)))},
            {new Node.Let("a", new Expr.Atomic(AtomicOp.COMPARE_EXCHANGE, "out", Expr.u32(0), null, Expr.u32(1)))},
            {new Node.For("i", Expr.u32(0), Expr.i32(3), List.of())},
            {new Node.For("i", Expr.u32(0), Expr.u32(3), List.of(new Node.Assign("i", Expr.u32(1))))},
            {new Node.If(Expr.u32(1), List.of(), List.of())},
            {new Node.Store("out", Expr.u32(0), new Expr.Cast(ScalarType.BYTES, Expr.u32(1)))},
            {new Node.Store("out", Expr.u32(0), new Expr.UnOp(UnaryOp.SQRT, Expr.u32(4)))},
        };
        for (Node[] body : bad) {
            Program p = program(1, decls, body);
            fails(p, Dispatch.of(1), both, "cannot run body[", "Fix: validate the program");
        }
        fails(program(1, List.of(output("out", 0, U32)), new Node.Store("out", Expr.u32(0),
                new Expr.Opaque(9, Payload.EMPTY))), Dispatch.of(1), out, "extension 9");
    }

    @Test
    void deeplyNestedProgramsRunOrFailCleanly() {
        // a 2,000-deep expression runs; a 1,000,000-deep one cannot fit the stack and is reported, quickly
        for (int depth : new int[] {2_000, 1_000_000}) {
            Expr e = Expr.u32(0);
            for (int k = 0; k < depth; k++) {
                e = Expr.add(e, Expr.u32(1));
            }
            Program p = program(1, List.of(output("out", 0, U32)), new Node.Store("out", Expr.u32(0), e));
            MemorySegment out = words(0);
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    INTERPRETER.run(p, Dispatch.of(1), bind("out", out));
                    assertArrayEquals(new int[] {depth}, read(out));
                } catch (InterpreterException tooDeep) {
                    assertTrue(depth > 2_000 && tooDeep.getMessage().contains("too deeply"), tooDeep.getMessage());
                }
            });
        }
    }
}
