package dev.vyre.ir.check;

import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static dev.vyre.ir.check.ProgramFixtures.assertValid;
import static dev.vyre.ir.check.ProgramFixtures.buffer;
import static dev.vyre.ir.check.ProgramFixtures.let;
import static dev.vyre.ir.check.ProgramFixtures.literal;
import static dev.vyre.ir.check.ProgramFixtures.program;
import static dev.vyre.ir.check.ProgramFixtures.store;
import static dev.vyre.ir.check.ProgramFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.DataType;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every operator against every combination of operand types. The allowed combinations are transcribed here from
 * the tables of docs/VIR0-SEMANTICS.md (in the doc's own words: operator names and type lists), independently
 * of the validator's tables; every combination the doc allows must validate with the documented result type,
 * every other one must be rejected at the offending operand.
 */
class OperatorTableTest {
    private static final List<ScalarType> VALUE_TYPES = List.of(ScalarType.U32, ScalarType.I32, ScalarType.F32,
            ScalarType.BOOL);

    /** A row of the binary table. {@code result}: "same", "l", "Bool", "U32" or "absdiff". */
    private record BinaryRow(String ops, boolean sameType, String left, String right, String result) {
    }

    private static final List<BinaryRow> BINARY_TABLE = List.of(
            new BinaryRow("Add Sub Mul", true, "U32 I32 F32", null, "same"),
            new BinaryRow("WrappingAdd WrappingSub", true, "U32 I32", null, "same"),
            new BinaryRow("Div Mod", true, "U32 I32 F32", null, "same"),
            new BinaryRow("BitAnd BitOr BitXor", true, "U32 I32 Bool", null, "same"),
            new BinaryRow("Shl Shr", false, "U32 I32", "U32 I32", "l"),
            new BinaryRow("RotateLeft RotateRight", false, "U32 I32", "U32 I32", "l"),
            new BinaryRow("Eq Ne", true, "U32 I32 F32 Bool", null, "Bool"),
            new BinaryRow("Lt Gt Le Ge", true, "U32 I32 F32", null, "Bool"),
            new BinaryRow("And Or", true, "Bool", null, "Bool"),
            new BinaryRow("AbsDiff", true, "U32 I32 F32", null, "absdiff"),
            new BinaryRow("Min Max", true, "U32 I32 F32", null, "same"),
            new BinaryRow("SaturatingAdd SaturatingSub SaturatingMul", true, "U32 I32", null, "same"),
            new BinaryRow("MulHigh", true, "U32 I32", null, "same"),
            new BinaryRow("Shuffle WaveBroadcast", false, "U32 I32 F32 Bool", "U32", "l"),
            new BinaryRow("Ballot", false, "Bool", "U32", "U32"));

    /** A row of the unary table. {@code result}: "same" or a type name. */
    private record UnaryRow(String ops, String operand, String result) {
    }

    private static final List<UnaryRow> UNARY_TABLE = List.of(
            new UnaryRow("Negate", "U32 I32 F32", "same"),
            new UnaryRow("BitNot", "U32 I32", "same"),
            new UnaryRow("LogicalNot", "Bool", "Bool"),
            new UnaryRow("Popcount Clz Ctz", "U32 I32", "U32"),
            new UnaryRow("ReverseBits", "U32 I32", "same"),
            new UnaryRow("Abs", "U32 I32 F32", "same"),
            new UnaryRow("Sign", "U32 I32 F32", "same"),
            new UnaryRow("Sqrt Floor Ceil Round Trunc Reciprocal InverseSqrt", "F32", "F32"),
            new UnaryRow("Cos Sin Tan Acos Asin Atan Tanh Sinh Cosh Exp Log Log2 Exp2", "F32", "F32"),
            new UnaryRow("IsNan IsInf IsFinite", "F32", "Bool"),
            new UnaryRow("Unpack8Low Unpack8High", "U32", "U32"),
            new UnaryRow("Unpack4Low Unpack4High", "U32", "U32"));

    /** {@code WrappingAdd -> WRAPPING_ADD}, {@code Unpack8Low -> UNPACK8_LOW}. */
    private static String enumName(String docName) {
        return docName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static ScalarType type(String docName) {
        return docName.equals("Bool") ? ScalarType.BOOL : ScalarType.valueOf(docName);
    }

    private static Set<ScalarType> types(String list) {
        return Arrays.stream(list.split(" ")).map(OperatorTableTest::type)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(ScalarType.class)));
    }

    private static <E extends Enum<E>, R> Map<E, R> byOp(Class<E> type, Map<String, R> rowsByOpList) {
        Map<E, R> map = new EnumMap<>(type);
        rowsByOpList.forEach((ops, row) -> {
            for (String op : ops.split(" ")) {
                assertTrue(map.put(Enum.valueOf(type, enumName(op)), row) == null, "listed twice: " + op);
            }
        });
        return map;
    }

    private static Map<BinaryOp, BinaryRow> binaryRows() {
        Map<String, BinaryRow> rows = new LinkedHashMap<>();
        BINARY_TABLE.forEach(r -> rows.put(r.ops(), r));
        return byOp(BinaryOp.class, rows);
    }

    /** The documented result of {@code l op r}, or null when the table does not allow it. */
    private static ScalarType expectedBinary(BinaryRow row, ScalarType l, ScalarType r) {
        Set<ScalarType> left = types(row.left());
        Set<ScalarType> right = row.sameType() ? left : types(row.right());
        if (!left.contains(l) || !right.contains(r) || row.sameType() && l != r) {
            return null;
        }
        return switch (row.result()) {
            case "same", "l" -> l;
            case "absdiff" -> l == ScalarType.F32 ? ScalarType.F32 : ScalarType.U32;
            default -> type(row.result());
        };
    }

    private static List<String> paths(Program p) {
        return Validator.check(p).stream().map(Problem::path).toList();
    }

    private static Program binaryProgram(BinaryOp op, ScalarType l, Expr right) {
        return program(let("a", literal(l)), let("b", right), let("z", new Expr.BinOp(op, var("a"), var("b"))));
    }

    @Test
    void everyBinaryOperatorAgainstEveryPairOfTypes() {
        Map<BinaryOp, BinaryRow> rows = binaryRows();
        int allowed = 0;
        for (BinaryOp op : BinaryOp.values()) {
            if (op == BinaryOp.WAVE_REDUCE) {
                continue;
            }
            BinaryRow row = rows.get(op);
            assertTrue(row != null, "the doc table has no row for " + op);
            for (ScalarType l : VALUE_TYPES) {
                for (ScalarType r : VALUE_TYPES) {
                    Program p = binaryProgram(op, l, literal(r));
                    Expr e = new Expr.BinOp(op, var("a"), var("b"));
                    Map<String, ScalarType> vars = Map.of("a", l, "b", r);
                    ScalarType expected = expectedBinary(row, l, r);
                    String what = op + "(" + l + ", " + r + ")";
                    if (expected != null) {
                        allowed++;
                        assertEquals(List.of(), paths(p), what);
                        assertEquals(expected, new TypeChecker(p).typeOf(e, vars), what);
                        continue;
                    }
                    List<String> want = new ArrayList<>();
                    Set<ScalarType> left = types(row.left());
                    if (!left.contains(l)) {
                        want.add("body[2].Let.value.BinOp.left");
                    }
                    if (row.sameType() ? left.contains(l) : !types(row.right()).contains(r)) {
                        want.add("body[2].Let.value.BinOp.right");
                    }
                    assertEquals(want, paths(p), what);
                    assertThrows(ValidationException.class, () -> new TypeChecker(p).typeOf(e, vars), what);
                }
            }
        }
        assertEquals(allowed, countAllowedPairs(rows), "every allowed pair was tried");
    }

    private static int countAllowedPairs(Map<BinaryOp, BinaryRow> rows) {
        int n = 0;
        for (Map.Entry<BinaryOp, BinaryRow> e : rows.entrySet()) {
            Set<ScalarType> left = types(e.getValue().left());
            n += e.getValue().sameType() ? left.size() : left.size() * types(e.getValue().right()).size();
        }
        return n;
    }

    @Test
    void waveReduceTakesASelectorLiteral() {
        // WaveReduce | l: U32, I32, F32; r: U32 literal 0..5 | type of l | ... 3..5 integers only
        Set<ScalarType> left = types("U32 I32 F32");
        for (ScalarType l : VALUE_TYPES) {
            for (int k : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 31, -1}) {
                Program p = binaryProgram(BinaryOp.WAVE_REDUCE, l, u32(0));
                Program direct = program(let("a", literal(l)),
                        let("z", new Expr.BinOp(BinaryOp.WAVE_REDUCE, var("a"), u32(k))));
                boolean kOk = k >= 0 && k <= 5 && (k < 3 || l != ScalarType.F32);
                String what = "WaveReduce(" + l + ", " + k + ")";
                List<String> want = new ArrayList<>();
                if (!left.contains(l)) {
                    want.add("body[1].Let.value.BinOp.left");
                }
                if (!(k >= 0 && k <= 5) || k >= 3 && l == ScalarType.F32) {
                    want.add("body[1].Let.value.BinOp.right");
                }
                assertEquals(want, paths(direct), what);
                if (left.contains(l) && kOk) {
                    assertEquals(l, new TypeChecker(direct).typeOf(new Expr.BinOp(BinaryOp.WAVE_REDUCE, var("a"),
                            u32(k)), Map.of("a", l)), what);
                }
                assertTrue(paths(p).contains("body[2].Let.value.BinOp.right"), "a variable is not a literal");
            }
        }
    }

    @Test
    void everyUnaryOperatorAgainstEveryType() {
        Map<String, UnaryRow> byList = new LinkedHashMap<>();
        UNARY_TABLE.forEach(r -> byList.put(r.ops(), r));
        Map<UnaryOp, UnaryRow> rows = byOp(UnaryOp.class, byList);
        for (UnaryOp op : UnaryOp.values()) {
            UnaryRow row = rows.get(op);
            assertTrue(row != null, "the doc table has no row for " + op);
            for (ScalarType t : VALUE_TYPES) {
                Program p = program(let("a", literal(t)), let("z", new Expr.UnOp(op, var("a"))));
                String what = op + "(" + t + ")";
                if (types(row.operand()).contains(t)) {
                    assertEquals(List.of(), paths(p), what);
                    ScalarType expected = row.result().equals("same") ? t : type(row.result());
                    assertEquals(expected, new TypeChecker(p).typeOf(new Expr.UnOp(op, var("a")), Map.of("a", t)), what);
                } else {
                    assertEquals(List.of("body[1].Let.value.UnOp.operand"), paths(p), what);
                }
            }
        }
    }

    @Test
    void castBetweenTheFourValueTypesOnly() {
        List<DataType> targets = new ArrayList<>(Arrays.asList(ScalarType.values()));
        targets.add(new DataType.ArrayType(2, ScalarType.U32));
        targets.add(new DataType.OpaqueType(0x80, Payload.EMPTY));
        Set<DataType> castable = new HashSet<>(types("U32 I32 F32 Bool"));
        for (DataType target : targets) {
            for (ScalarType source : VALUE_TYPES) {
                Program p = program(let("a", literal(source)), let("z", new Expr.Cast(target, var("a"))));
                String what = "Cast(" + target + ", " + source + ")";
                if (castable.contains(target)) {
                    assertEquals(List.of(), paths(p), what);
                    assertEquals(target, new TypeChecker(p).typeOf(new Expr.Cast(target, var("a")),
                            Map.of("a", source)), what);
                } else {
                    assertEquals(List.of("body[1].Let.value.Cast.type"), paths(p), what);
                }
            }
        }
    }

    @Test
    void selectNeedsBoolConditionAndEqualBranches() {
        for (ScalarType c : VALUE_TYPES) {
            for (ScalarType a : VALUE_TYPES) {
                for (ScalarType b : VALUE_TYPES) {
                    Program p = program(let("z", new Expr.Select(literal(c), literal(a), literal(b))));
                    List<String> want = new ArrayList<>();
                    if (c != ScalarType.BOOL) {
                        want.add("body[0].Let.value.Select.cond");
                    }
                    if (a != b) {
                        want.add("body[0].Let.value.Select.ifFalse");
                    }
                    assertEquals(want, paths(p), "Select(" + c + ", " + a + ", " + b + ")");
                }
            }
        }
    }

    @Test
    void fmaIsF32Only() {
        for (ScalarType a : VALUE_TYPES) {
            for (ScalarType b : VALUE_TYPES) {
                for (ScalarType c : VALUE_TYPES) {
                    Program p = program(let("z", new Expr.Fma(literal(a), literal(b), literal(c))));
                    List<String> want = new ArrayList<>();
                    String[] names = {"a", "b", "c"};
                    ScalarType[] ts = {a, b, c};
                    for (int i = 0; i < 3; i++) {
                        if (ts[i] != ScalarType.F32) {
                            want.add("body[0].Let.value.Fma." + names[i]);
                        }
                    }
                    assertEquals(want, paths(p), "Fma(" + a + ", " + b + ", " + c + ")");
                }
            }
        }
    }

    @Test
    void everyAtomicOnEveryBufferKind() {
        // Atomics work on U32 or I32 buffers that may be stored to (not ReadOnly, not Uniform); value and
        // expected have the element type; expected is present exactly for the two compare-exchange forms.
        Set<AtomicOp> withExpected = EnumSet.of(AtomicOp.valueOf(enumName("CompareExchange")),
                AtomicOp.valueOf(enumName("CompareExchangeWeak")));
        Set<BufferAccess> storable = EnumSet.of(BufferAccess.READ_WRITE, BufferAccess.WORKGROUP, BufferAccess.WRITE_ONLY);
        Set<ScalarType> atomicElements = types("U32 I32");
        List<ScalarType> elements = List.of(ScalarType.U32, ScalarType.I32, ScalarType.F32, ScalarType.BOOL,
                ScalarType.BYTES);
        int valid = 0;
        for (AtomicOp op : AtomicOp.values()) {
            for (ScalarType element : elements) {
                for (BufferAccess access : BufferAccess.values()) {
                    for (boolean hasExpected : new boolean[] {false, true}) {
                        for (ScalarType value : VALUE_TYPES) {
                            Expr atomic = new Expr.Atomic(op, "b", u32(0), hasExpected ? literal(value) : null,
                                    literal(value));
                            Program p = program(with(buffer("b", 2, access, element)), let("z", atomic));
                            Set<String> want = new HashSet<>();
                            boolean elementOk = atomicElements.contains(element);
                            if (!elementOk || !storable.contains(access)) {
                                want.add("body[0].Let.value.Atomic.buffer");
                            }
                            if (hasExpected != withExpected.contains(op) || hasExpected && elementOk && value != element) {
                                want.add("body[0].Let.value.Atomic.expected");
                            }
                            if (elementOk && value != element) {
                                want.add("body[0].Let.value.Atomic.value");
                            }
                            String what = op + " on " + access + " " + element + " buffer, expected " + hasExpected
                                    + ", value " + value;
                            assertEquals(want, new HashSet<>(paths(p)), what);
                            if (want.isEmpty()) {
                                valid++;
                                assertEquals(element, new TypeChecker(p).typeOf(atomic, Map.of()), what);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(AtomicOp.values().length * 2 * 3, valid);
    }

    @Test
    void loadsAndStoresOfEveryElementType() {
        // Bytes loads zero-extend to U32 and stores take U32; the other element types load and store themselves.
        Map<ScalarType, ScalarType> valueOf = Map.of(ScalarType.U32, ScalarType.U32, ScalarType.I32, ScalarType.I32,
                ScalarType.F32, ScalarType.F32, ScalarType.BOOL, ScalarType.BOOL, ScalarType.BYTES, ScalarType.U32);
        for (ScalarType element : valueOf.keySet()) {
            for (ScalarType index : VALUE_TYPES) {
                Program load = program(with(buffer("b", 2, BufferAccess.READ_ONLY, element)),
                        let("z", new Expr.Load("b", literal(index))));
                boolean indexOk = index == ScalarType.U32 || index == ScalarType.I32;
                assertEquals(indexOk ? List.of() : List.of("body[0].Let.value.Load.index"), paths(load));
                if (indexOk) {
                    assertEquals(valueOf.get(element), new TypeChecker(load).typeOf(new Expr.Load("b", literal(index)),
                            Map.of()));
                }
            }
            for (ScalarType value : VALUE_TYPES) {
                Program p = program(with(buffer("b", 2, BufferAccess.WRITE_ONLY, element)),
                        store("b", u32(0), literal(value)));
                assertEquals(value == valueOf.get(element) ? List.of() : List.of("body[0].Store.value"), paths(p),
                        "Store " + value + " into " + element);
            }
        }
    }

    @Test
    void builtInValuesAreU32() {
        Program p = program();
        TypeChecker types = new TypeChecker(p);
        for (Expr e : List.of(new Expr.InvocationId(0), new Expr.WorkgroupId(1), new Expr.LocalId(2),
                new Expr.BufLen("input"))) {
            assertEquals(ScalarType.U32, types.typeOf(e, Map.of()), e.toString());
        }
        assertValid(program(store("out", new Expr.LocalId(2), new Expr.BufLen("out"))));
        assertFalse(paths(program(store("out", u32(0), new Expr.BufLen("nope")))).isEmpty());
    }
}
