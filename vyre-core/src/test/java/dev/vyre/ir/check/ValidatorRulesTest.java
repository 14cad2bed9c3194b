package dev.vyre.ir.check;

import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.bin;
import static dev.vyre.ir.Expr.bool;
import static dev.vyre.ir.Expr.f32;
import static dev.vyre.ir.Expr.gid;
import static dev.vyre.ir.Expr.i32;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.check.ProgramFixtures.INPUT;
import static dev.vyre.ir.check.ProgramFixtures.OUT;
import static dev.vyre.ir.check.ProgramFixtures.assertOnly;
import static dev.vyre.ir.check.ProgramFixtures.assertValid;
import static dev.vyre.ir.check.ProgramFixtures.assign;
import static dev.vyre.ir.check.ProgramFixtures.block;
import static dev.vyre.ir.check.ProgramFixtures.buffer;
import static dev.vyre.ir.check.ProgramFixtures.forLoop;
import static dev.vyre.ir.check.ProgramFixtures.ifThen;
import static dev.vyre.ir.check.ProgramFixtures.let;
import static dev.vyre.ir.check.ProgramFixtures.program;
import static dev.vyre.ir.check.ProgramFixtures.store;
import static dev.vyre.ir.check.ProgramFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rule of docs/VIR0-SEMANTICS.md: a program breaking it yields exactly the expected problem. */
class ValidatorRulesTest {

    private static Program sized(int x, int y, int z) {
        return Program.of(new Program.WorkgroupSize(x, y, z), List.of(OUT), List.of());
    }

    @Nested
    class ProgramShape {
        @Test
        void workgroupAxisZero() {
            assertOnly(sized(64, 0, 1), "workgroupSize.y", "y is 0");
        }

        @Test
        void workgroupProductOverLimit() {
            assertOnly(sized(64, 32, 1), "workgroupSize", "64 x 32 x 1", "2048", "1024");
        }

        @Test
        void workgroupProductOfHugeUnsignedAxes() {
            assertOnly(sized(-1, -1, -1), "workgroupSize", "4294967295 x 4294967295 x 4294967295");
        }

        @Test
        void workgroupAtTheLimitIsValid() {
            assertValid(sized(32, 32, 1));
            assertValid(sized(1, 1, 1024));
        }

        @Test
        void bufferNameEmpty() {
            assertOnly(program(with(buffer("", 2, BufferAccess.READ_WRITE, ScalarType.U32))),
                    "buffers[2].name", "empty buffer name");
        }

        @Test
        void bufferNameWithNul() {
            assertOnly(program(with(buffer("a\0b", 2, BufferAccess.READ_WRITE, ScalarType.U32))),
                    "buffers[2].name", "'a\\0b'", "NUL");
        }

        @Test
        void bufferNameDuplicate() {
            assertOnly(program(with(buffer("input", 2, BufferAccess.READ_WRITE, ScalarType.F32))),
                    "buffers[2].name", "'input'", "twice", "buffers[0]");
        }

        @Test
        void bindingDuplicate() {
            assertOnly(program(with(buffer("extra", 1, BufferAccess.READ_WRITE, ScalarType.U32))),
                    "buffers[2].binding", "binding 1", "'extra'", "'out'");
        }

        @Test
        void workgroupBufferNeedsCount() {
            BufferDecl scratch = BufferDecl.of("scratch", 2, BufferAccess.WORKGROUP, ScalarType.U32, 0, false);
            assertOnly(program(with(scratch)), "buffers[2].count", "Workgroup buffer 'scratch'", "count 0");
        }

        @Test
        void countZeroIsFineForBoundBuffers() {
            assertValid(program(with(buffer("rw", 2, BufferAccess.READ_WRITE, ScalarType.U32),
                    buffer("uni", 3, BufferAccess.UNIFORM, ScalarType.U32),
                    buffer("wo", 4, BufferAccess.WRITE_ONLY, ScalarType.U32))));
        }

        static Stream<DataType> unsupportedElementTypes() {
            return Stream.of(ScalarType.U64, ScalarType.F16, ScalarType.BF16, ScalarType.F64, ScalarType.VEC2_U32,
                    ScalarType.VEC4_U32, ScalarType.TENSOR, new DataType.ArrayType(4, ScalarType.F32),
                    new DataType.ArrayType(2, ScalarType.F16), new DataType.OpaqueType(0x81, Payload.EMPTY));
        }

        @ParameterizedTest
        @MethodSource("unsupportedElementTypes")
        void unsupportedElementTypeIsRefusedWithASupportedOne(DataType type) {
            Problem p = assertOnly(program(with(buffer("wide", 2, BufferAccess.READ_WRITE, type))),
                    "buffers[2].elementType", "'wide'", "cannot run");
            assertTrue(Stream.of("U32", "I32", "F32", "Bool", "Bytes").anyMatch(p.fix()::contains),
                    () -> "fix names no supported type: " + p.fix());
        }

        @Test
        void unsupportedElementTypeDoesNotCascadeIntoUses() {
            BufferDecl wide = buffer("wide", 2, BufferAccess.READ_WRITE, ScalarType.U64);
            assertOnly(program(with(wide), let("x", load("wide", u32(0))), store("wide", u32(0), var("x")),
                    let("y", new Expr.Atomic(AtomicOp.ADD, "wide", u32(0), null, u32(1)))), "buffers[2].elementType");
        }
    }

    @Nested
    class Identifiers {
        @Test
        void letNameEmpty() {
            assertOnly(program(let("", u32(1))), "body[0].Let.name", "empty variable name");
        }

        @Test
        void letNameWithNul() {
            assertOnly(program(let("x\0", u32(1))), "body[0].Let.name", "'x\\0'", "NUL");
        }

        @Test
        void varNameEmpty() {
            assertOnly(program(store("out", u32(0), var(""))), "body[0].Store.value", "empty variable name");
        }

        @Test
        void assignNameWithNul() {
            assertOnly(program(assign("a\0", u32(1))), "body[0].Assign.name", "NUL");
        }

        @Test
        void forVariableEmpty() {
            assertOnly(program(forLoop("", u32(0), u32(4))), "body[0].For.var", "empty variable name");
        }

        @Test
        void bufferReferenceEmpty() {
            assertOnly(program(store("out", u32(0), load("", u32(0)))), "body[0].Store.value.Load.buffer",
                    "empty buffer name");
        }

        @Test
        void callOpIdEmptyIsReportedBesideTheRefusal() {
            List<Problem> problems = Validator.check(program(let("x", new Expr.Call("", List.of()))));
            assertEquals(List.of("body[0].Let.value", "body[0].Let.value.Call.opId"),
                    problems.stream().map(Problem::path).toList());
            assertTrue(problems.get(1).message().contains("empty op id name"), problems.toString());
        }
    }

    @Nested
    class Scopes {
        @Test
        void undeclaredVariable() {
            assertOnly(program(store("out", u32(0), add(var("x"), u32(1)))), "body[0].Store.value.BinOp.left",
                    "undeclared variable 'x'");
        }

        @Test
        void variableEndsWithItsBlock() {
            assertOnly(program(block(let("t", u32(1))), store("out", u32(0), var("t"))), "body[1].Store.value",
                    "undeclared variable 't'");
        }

        @Test
        void variableIsNotVisibleInItsOwnInitializer() {
            assertOnly(program(let("x", var("x"))), "body[0].Let.value", "undeclared variable 'x'");
        }

        @Test
        void assignUndeclared() {
            assertOnly(program(assign("y", u32(1))), "body[0].Assign.name", "undeclared variable 'y'");
        }

        @Test
        void duplicateInOneScope() {
            assertOnly(program(let("x", u32(1)), let("x", u32(2))), "body[1].Let.name", "'x'", "twice",
                    "body[0].Let.name");
        }

        @Test
        void letShadowsOuterLet() {
            assertOnly(program(let("x", u32(1)), block(let("x", u32(2)))), "body[1].Block.body[0].Let.name",
                    "'x'", "shadows", "body[0].Let.name");
        }

        @Test
        void forVariableShadowsOuterLet() {
            assertOnly(program(let("i", u32(1)), forLoop("i", u32(0), u32(4))), "body[1].For.var", "'i'",
                    "shadows");
        }

        @Test
        void letShadowsLoopVariable() {
            assertOnly(program(forLoop("i", u32(0), u32(4), let("i", u32(2)))), "body[0].For.body[0].Let.name",
                    "'i'", "shadows", "body[0].For.var");
        }

        @Test
        void assignLoopVariable() {
            assertOnly(program(forLoop("i", u32(0), u32(4), assign("i", u32(9)))), "body[0].For.body[0].Assign.name",
                    "For loop variable 'i'");
        }

        @Test
        void siblingScopesMayReuseNames() {
            assertValid(program(block(let("t", u32(1))), block(let("t", f32(1))),
                    new Node.If(bool(true), List.of(let("t", i32(1))), List.of(let("t", bool(false)))),
                    forLoop("t", u32(0), u32(3)), let("t", u32(5)), assign("t", u32(6))));
        }

        @Test
        void loopVariableOfOneForIsFreeAfterIt() {
            assertValid(program(forLoop("i", u32(0), u32(4)), forLoop("i", i32(0), i32(4),
                    store("out", var("i"), u32(1)))));
        }
    }

    @Nested
    class UndeclaredBuffers {
        @Test
        void loadFrom() {
            Problem p = assertOnly(program(let("x", load("nope", u32(0)))), "body[0].Let.value.Load.buffer",
                    "Load from undeclared buffer 'nope'");
            assertTrue(p.fix().contains("'input'"), p.fix());
        }

        @Test
        void storeTo() {
            assertOnly(program(store("nope", u32(0), u32(1))), "body[0].Store.buffer",
                    "Store to undeclared buffer 'nope'");
        }

        @Test
        void bufLen() {
            assertOnly(program(let("n", new Expr.BufLen("nope"))), "body[0].Let.value.BufLen.buffer",
                    "BufLen of undeclared buffer 'nope'");
        }

        @Test
        void atomic() {
            assertOnly(program(let("n", new Expr.Atomic(AtomicOp.ADD, "nope", u32(0), null, u32(1)))),
                    "body[0].Let.value.Atomic.buffer", "Atomic Add on undeclared buffer 'nope'");
        }

        @Test
        void indirectDispatch() {
            assertOnly(program(new Node.IndirectDispatch("nope", 0)), "body[0].IndirectDispatch.buffer",
                    "IndirectDispatch from undeclared buffer 'nope'");
        }

        @Test
        void indirectDispatchOnDeclaredBuffer() {
            assertValid(program(new Node.IndirectDispatch("out", 3)));
        }
    }

    @Nested
    class Stores {
        @Test
        void storeToReadOnly() {
            assertOnly(program(store("input", u32(0), u32(1))), "body[0].Store.buffer",
                    "Store to read-only buffer 'input'");
        }

        @Test
        void storeToUniform() {
            assertOnly(program(with(buffer("params", 2, BufferAccess.UNIFORM, ScalarType.U32)),
                    store("params", u32(0), u32(1))), "body[0].Store.buffer", "Store to uniform buffer 'params'");
        }

        @Test
        void storeToWriteOnlyAndWorkgroupAndLoadFromThem() {
            assertValid(program(with(buffer("wo", 2, BufferAccess.WRITE_ONLY, ScalarType.F32),
                            buffer("scratch", 3, BufferAccess.WORKGROUP, ScalarType.I32)),
                    store("wo", u32(0), f32(2)), store("scratch", i32(1), i32(3)),
                    let("a", load("wo", u32(0))), let("b", load("scratch", u32(1))),
                    store("wo", u32(1), var("a")), store("scratch", u32(2), var("b"))));
        }

        @Test
        void storedValueMustHaveTheElementType() {
            assertOnly(program(store("out", u32(0), i32(1))), "body[0].Store.value", "I32", "'out'", "U32");
        }

        @Test
        void bytesBuffersLoadAndStoreU32() {
            BufferDecl bytes = buffer("bytes", 2, BufferAccess.READ_WRITE, ScalarType.BYTES);
            assertValid(program(with(bytes), store("bytes", u32(0), add(load("bytes", u32(1)), u32(1)))));
            assertOnly(program(with(bytes), store("bytes", u32(0), i32(1))), "body[0].Store.value", "Bytes",
                    "'bytes'", "I32");
        }

        @Test
        void boolBuffersLoadAndStoreBool() {
            BufferDecl flags = buffer("flags", 2, BufferAccess.READ_WRITE, ScalarType.BOOL);
            assertValid(program(with(flags), ifThen(load("flags", u32(0)), store("flags", u32(1), bool(false)))));
        }

        @ParameterizedTest
        @EnumSource(value = ScalarType.class, names = {"F32", "BOOL"})
        void storeIndexMustBeInteger(ScalarType indexType) {
            assertOnly(program(store("out", ProgramFixtures.literal(indexType), u32(1))), "body[0].Store.index",
                    "Store index", indexType == ScalarType.F32 ? "F32" : "Bool");
        }

        @Test
        void loadIndexMustBeInteger() {
            assertOnly(program(let("x", load("input", f32(0)))), "body[0].Let.value.Load.index", "Load index is F32");
        }

        @Test
        void signedIndicesAreFine() {
            assertValid(program(store("out", i32(-1), load("input", i32(2)))));
        }
    }

    @Nested
    class ControlFlow {
        @Test
        void ifConditionMustBeBool() {
            assertOnly(program(ifThen(u32(1))), "body[0].If.cond", "If condition is U32", "Bool");
        }

        @Test
        void forStartNotInteger() {
            assertOnly(program(forLoop("i", f32(0), u32(4))), "body[0].For.start", "For start is F32");
        }

        @Test
        void forEndNotInteger() {
            assertOnly(program(forLoop("i", u32(0), bool(true))), "body[0].For.end", "For end is Bool");
        }

        @Test
        void forBoundsOfDifferentTypes() {
            assertOnly(program(forLoop("i", u32(0), i32(4))), "body[0].For.end", "I32", "start is U32");
        }

        @Test
        void loopVariableTakesTheBoundsType() {
            assertValid(program(forLoop("i", i32(-4), i32(4), store("out", u32(0),
                    new Expr.Cast(ScalarType.U32, bin(BinaryOp.ADD, var("i"), i32(1)))))));
            assertOnly(program(forLoop("i", i32(-4), i32(4), store("out", u32(0), var("i")))),
                    "body[0].For.body[0].Store.value", "I32");
        }

        @Test
        void loopVariableOfBadBoundsIsUnknownNotCascading() {
            Program p = program(forLoop("i", f32(0), bool(true), store("out", var("i"), var("i")), ifThen(var("i"))));
            assertEquals(List.of("body[0].For.start", "body[0].For.end"),
                    Validator.check(p).stream().map(Problem::path).toList());
        }

        @ParameterizedTest
        @ValueSource(ints = {3, -1, 255})
        void badAxes(int axis) {
            assertOnly(program(store("out", new Expr.InvocationId(axis), u32(1))),
                    "body[0].Store.index.InvocationId.axis", "InvocationId axis " + axis);
            assertOnly(program(store("out", new Expr.WorkgroupId(axis), u32(1))),
                    "body[0].Store.index.WorkgroupId.axis", "WorkgroupId axis " + axis);
            assertOnly(program(store("out", new Expr.LocalId(axis), u32(1))),
                    "body[0].Store.index.LocalId.axis", "LocalId axis " + axis);
        }

        @Test
        void goodAxes() {
            assertValid(program(store("out", add(add(gid(0), new Expr.WorkgroupId(1)), new Expr.LocalId(2)),
                    new Expr.BufLen("input"))));
        }
    }

    @Nested
    class Expressions {
        @Test
        void binaryOperandTypeMismatchPointsAtTheOperand() {
            assertOnly(program(let("a", u32(1)), let("b", u32(2)),
                            new Node.If(bool(true), List.of(store("out", u32(0), bin(BinaryOp.ADD, f32(1), var("b")))),
                                    List.of())),
                    "body[2].If.then[0].Store.value.BinOp.right", "Add", "left is F32, right is U32");
            assertOnly(program(let("a", u32(1)), let("b", u32(2)),
                            new Node.If(bool(true), List.of(store("out", u32(0), bin(BinaryOp.ADD, bool(true), var("b")))),
                                    List.of())),
                    "body[2].If.then[0].Store.value.BinOp.left", "Add", "left is Bool");
        }

        @Test
        void unaryOperandType() {
            assertOnly(program(let("x", new Expr.UnOp(UnaryOp.SQRT, u32(4)))), "body[0].Let.value.UnOp.operand",
                    "Sqrt", "F32", "operand is U32");
        }

        @Test
        void waveReduceSelectorMustBeALiteral() {
            assertOnly(program(let("k", u32(0)), let("r", bin(BinaryOp.WAVE_REDUCE, u32(1), var("k")))),
                    "body[1].Let.value.BinOp.right", "WaveReduce", "literal", "Var");
        }

        @ParameterizedTest
        @ValueSource(ints = {6, 255, -1})
        void waveReduceSelectorOutOfRange(int selector) {
            assertOnly(program(let("r", bin(BinaryOp.WAVE_REDUCE, u32(1), u32(selector)))),
                    "body[0].Let.value.BinOp.right", "WaveReduce", Integer.toUnsignedString(selector));
        }

        @ParameterizedTest
        @ValueSource(ints = {3, 4, 5})
        void waveReduceBitwiseSelectorsAreForIntegers(int selector) {
            assertOnly(program(let("r", bin(BinaryOp.WAVE_REDUCE, f32(1), u32(selector)))),
                    "body[0].Let.value.BinOp.right", "WaveReduce " + selector, "integers", "F32");
            assertValid(program(let("r", bin(BinaryOp.WAVE_REDUCE, i32(1), u32(selector)))));
        }

        @Test
        void selectConditionMustBeBool() {
            assertOnly(program(let("s", new Expr.Select(u32(1), u32(2), u32(3)))), "body[0].Let.value.Select.cond",
                    "Select condition is U32");
        }

        @Test
        void selectBranchesMustAgree() {
            assertOnly(program(let("s", new Expr.Select(bool(true), u32(2), f32(3)))),
                    "body[0].Let.value.Select.ifFalse", "ifTrue is U32, ifFalse is F32");
        }

        @Test
        void fmaIsF32Only() {
            assertOnly(program(let("f", new Expr.Fma(f32(1), i32(2), f32(3)))), "body[0].Let.value.Fma.b",
                    "Fma operand b is I32");
        }

        @Test
        void castToUnsupportedType() {
            assertOnly(program(let("c", new Expr.Cast(ScalarType.BYTES, u32(1)))), "body[0].Let.value.Cast.type",
                    "Cast to Bytes");
            assertOnly(program(let("c", new Expr.Cast(ScalarType.F64, u32(1)))), "body[0].Let.value.Cast.type",
                    "Cast to F64");
        }

        @Test
        void callIsRefusedNamingTheOp() {
            assertOnly(program(let("c", new Expr.Call("vyre.hash", List.of(u32(1))))), "body[0].Let.value",
                    "Call of op 'vyre.hash'", "cannot run");
        }

        @Test
        void callArgumentsAreStillChecked() {
            List<Problem> problems = Validator.check(program(let("c", new Expr.Call("f", List.of(u32(1), var("z"))))));
            assertEquals(List.of("body[0].Let.value", "body[0].Let.value.Call.args[1]"),
                    problems.stream().map(Problem::path).toList());
        }

        @Test
        void opaqueExpressionIsRefusedNamingTheExtension() {
            assertOnly(program(let("o", new Expr.Opaque(0x9A, Payload.of((byte) 1)))), "body[0].Let.value",
                    "Opaque expression", "0x9A");
        }

        @Test
        void opaqueNodeIsRefusedNamingTheExtension() {
            assertOnly(program(block(new Node.Opaque(0x85, Payload.EMPTY))), "body[0].Block.body[0]",
                    "Opaque node", "0x85");
        }

        @Test
        void assignMustKeepTheVariableType() {
            assertOnly(program(let("x", u32(1)), assign("x", i32(2))), "body[1].Assign.value", "I32", "'x'", "U32");
        }
    }

    @Nested
    class Atomics {
        private static Expr atomic(AtomicOp op, String buffer, Expr expected, Expr value) {
            return new Expr.Atomic(op, buffer, u32(0), expected, value);
        }

        @Test
        void onReadOnlyBuffer() {
            assertOnly(program(let("a", atomic(AtomicOp.ADD, "input", null, u32(1)))),
                    "body[0].Let.value.Atomic.buffer", "Atomic Add on read-only buffer 'input'");
        }

        @Test
        void onUniformBuffer() {
            assertOnly(program(with(buffer("u", 2, BufferAccess.UNIFORM, ScalarType.I32)),
                            let("a", atomic(AtomicOp.MAX, "u", null, i32(1)))),
                    "body[0].Let.value.Atomic.buffer", "Atomic Max on uniform buffer 'u'");
        }

        @ParameterizedTest
        @EnumSource(value = ScalarType.class, names = {"F32", "BOOL", "BYTES"})
        void onNonIntegerBuffer(ScalarType element) {
            assertOnly(program(with(buffer("b", 2, BufferAccess.READ_WRITE, element)),
                            let("a", atomic(AtomicOp.EXCHANGE, "b", null, u32(1)))),
                    "body[0].Let.value.Atomic.buffer", "Atomic Exchange", "'b'", "U32 or I32");
        }

        @Test
        void compareExchangeNeedsExpected() {
            assertOnly(program(let("a", atomic(AtomicOp.COMPARE_EXCHANGE, "out", null, u32(1)))),
                    "body[0].Let.value.Atomic.expected", "CompareExchange needs an expected value");
        }

        @Test
        void otherAtomicsTakeNoExpected() {
            assertOnly(program(let("a", atomic(AtomicOp.FETCH_NAND, "out", u32(0), u32(1)))),
                    "body[0].Let.value.Atomic.expected", "FetchNand takes no expected value");
        }

        @Test
        void valueMustHaveTheElementType() {
            assertOnly(program(let("a", atomic(AtomicOp.ADD, "out", null, i32(1)))), "body[0].Let.value.Atomic.value",
                    "value is I32", "'out'", "U32");
        }

        @Test
        void expectedMustHaveTheElementType() {
            assertOnly(program(let("a", atomic(AtomicOp.COMPARE_EXCHANGE_WEAK, "out", f32(0), u32(1)))),
                    "body[0].Let.value.Atomic.expected", "expected value is F32", "U32");
        }

        @Test
        void indexMustBeInteger() {
            assertOnly(program(let("a", new Expr.Atomic(AtomicOp.OR, "out", bool(true), null, u32(1)))),
                    "body[0].Let.value.Atomic.index", "index is Bool");
        }

        @Test
        void resultIsThePreviousValueOfTheElementType() {
            BufferDecl counters = buffer("counters", 2, BufferAccess.WORKGROUP, ScalarType.I32);
            assertValid(program(with(counters), let("old", atomic(AtomicOp.MIN, "counters", null, i32(-1))),
                    store("counters", u32(1), var("old"))));
            assertOnly(program(with(counters), let("old", atomic(AtomicOp.MIN, "counters", null, i32(-1))),
                    store("out", u32(1), var("old"))), "body[1].Store.value", "I32");
        }
    }

    @Nested
    class Reporting {
        @Test
        void everyProblemIsReportedInProgramOrder() {
            Program p = Program.of(new Program.WorkgroupSize(0, 1, 1), List.of(INPUT, OUT), List.of(
                    store("input", f32(0), u32(1)),
                    let("x", var("nope")),
                    ifThen(u32(3), assign("y", u32(1))),
                    forLoop("i", u32(0), u32(2), assign("i", u32(1)))));
            List<String> paths = Validator.check(p).stream().map(Problem::path).toList();
            assertEquals(List.of("workgroupSize.x", "body[0].Store.buffer", "body[0].Store.index", "body[1].Let.value",
                    "body[2].If.cond", "body[2].If.then[0].Assign.name", "body[3].For.body[0].Assign.name"), paths);
        }

        @Test
        void operandProblemsPrecedeProblemsInsideTheOperand() {
            Program p = program(let("x", add(bin(BinaryOp.LT, bool(true), bool(false)), u32(1))));
            List<String> paths = Validator.check(p).stream().map(Problem::path).toList();
            assertEquals(List.of("body[0].Let.value.BinOp.left", "body[0].Let.value.BinOp.left.BinOp.left"), paths);
        }

        @Test
        void illTypedLetDoesNotCascade() {
            assertOnly(program(let("x", add(u32(1), bool(true))), store("out", u32(0), var("x")), ifThen(var("x")),
                    assign("x", f32(1)), let("y", bin(BinaryOp.MUL, var("x"), var("x")))),
                    "body[0].Let.value.BinOp.right");
        }

        @Test
        void badRightOperandMakesTheResultUnknown() {
            Program p = program(let("s", bin(BinaryOp.SHL, u32(1), f32(2))), ifThen(var("s")),
                    let("w", bin(BinaryOp.WAVE_REDUCE, u32(1), u32(9))), ifThen(var("w")));
            assertEquals(List.of("body[0].Let.value.BinOp.right", "body[2].Let.value.BinOp.right"),
                    Validator.check(p).stream().map(Problem::path).toList());
        }

        @Test
        void comparisonWithBadOperandsIsStillBool() {
            assertOnly(program(ifThen(bin(BinaryOp.LT, bool(true), bool(false)))), "body[0].If.cond.BinOp.left",
                    "Lt");
        }

        @Test
        void unknownTypesSilenceDependentChecks() {
            Program p = program(let("x", var("a")), let("y", new Expr.UnOp(UnaryOp.NEGATE, var("x"))),
                    let("z", new Expr.Select(var("y"), var("x"), var("y"))), let("w", new Expr.Fma(var("z"), f32(1), var("y"))));
            assertEquals(List.of("body[0].Let.value"), Validator.check(p).stream().map(Problem::path).toList());
        }

        @Test
        void validProgramHasNoProblems() {
            assertTrue(Validator.check(program(store("out", gid(0), load("input", gid(0))))).isEmpty());
            assertEquals(List.of(), Validator.check(program()));
        }
    }
}
