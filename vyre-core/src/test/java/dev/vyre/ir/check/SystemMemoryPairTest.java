package dev.vyre.ir.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.SystemMemory;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.RunResult;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The system-memory pair load ({@link SystemMemory#loadPair}) and the DEVICE mode bit: the node round-trips, the
 * validator checks its buffer and variables, the reference interpreter reads the two elements (both 0, counted,
 * out of bounds).
 */
class SystemMemoryPairTest {
    private static final BufferDecl HOST = BufferDecl.of("host", 0, BufferAccess.READ_WRITE, ScalarType.U32, 0, true);
    private static final BufferDecl FLOATS = BufferDecl.of("floats", 1, BufferAccess.READ_WRITE, ScalarType.F32, 0,
            true);

    private static Program program(List<Node> body) {
        return new Program(0, null, Program.WorkgroupSize.of(1), List.of(HOST, FLOATS), new TreeMap<>(),
                List.of(SystemMemory.declareModes(List.of(new SystemMemory.Mapped("host", SystemMemory.ACQUIRE
                        | SystemMemory.DEVICE), SystemMemory.Mapped.relaxed("floats")))), body);
    }

    /** lo, hi = host[index], host[index + 1]; then host[4] = lo, host[5] = hi. */
    private static List<Node> copyPair(int index) {
        return List.of(new Node.Let("lo", new Expr.LitU32(7)), new Node.Let("hi", new Expr.LitU32(7)),
                SystemMemory.loadPair("host", index, "lo", "hi"),
                new Node.Store("host", new Expr.LitU32(4), new Expr.Var("lo")),
                new Node.Store("host", new Expr.LitU32(5), new Expr.Var("hi")));
    }

    @Test
    void thePairLoadIsValidRoundTripsAndRuns() {
        Program p = program(copyPair(2));
        assertEquals(List.of(), Validator.check(p));
        assertEquals(p, Vir0Decoder.decode(Vir0Encoder.encode(p)));
        SystemMemory.Mapped device = SystemMemory.modes(p).orElseThrow().getFirst();
        assertTrue(device.acquire() && device.device() && !device.release());
        assertEquals(new SystemMemory.Op.LoadPair("host", 2, "lo", "hi"),
                SystemMemory.parse((Node.Opaque) p.body().get(2)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(6 * 4, 8);
            host.setAtIndex(ValueLayout.JAVA_INT, 2, 0x8000_0001);
            host.setAtIndex(ValueLayout.JAVA_INT, 3, 42);
            RunResult r = new ReferenceInterpreter().run(p, Dispatch.of(1), Map.of("host", host,
                    "floats", arena.allocate(4, 4)));
            assertEquals(0x8000_0001, host.getAtIndex(ValueLayout.JAVA_INT, 4), "the low element");
            assertEquals(42, host.getAtIndex(ValueLayout.JAVA_INT, 5), "the high element");
            assertEquals(0, r.outOfBoundsLoads());
        }
    }

    @Test
    void aPairPastTheEndReadsZerosAndIsCounted() {
        // index 4 of a 5-element buffer: its second element is out of bounds, so neither is read
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(5 * 4, 8);
            host.setAtIndex(ValueLayout.JAVA_INT, 4, 99);
            Program p = program(List.of(new Node.Let("lo", new Expr.LitU32(7)), new Node.Let("hi",
                            new Expr.LitU32(7)), SystemMemory.loadPair("host", 4, "lo", "hi"),
                    new Node.Store("host", new Expr.LitU32(0), new Expr.Var("lo")),
                    new Node.Store("host", new Expr.LitU32(1), new Expr.Var("hi"))));
            RunResult r = new ReferenceInterpreter().run(p, Dispatch.of(1), Map.of("host", host,
                    "floats", arena.allocate(4, 4)));
            assertEquals(0, host.getAtIndex(ValueLayout.JAVA_INT, 0));
            assertEquals(0, host.getAtIndex(ValueLayout.JAVA_INT, 1));
            assertEquals(1, r.outOfBoundsLoads());
        }
    }

    @Test
    void badPairLoadsAreReported() {
        String undeclaredBuffer = problems(List.of(new Node.Let("a", new Expr.LitU32(0)),
                new Node.Let("b", new Expr.LitU32(0)), SystemMemory.loadPair("nope", 0, "a", "b")));
        assertTrue(undeclaredBuffer.contains("pair load of undeclared buffer 'nope'"), undeclaredBuffer);
        String floats = problems(List.of(new Node.Let("a", new Expr.LitU32(0)),
                new Node.Let("b", new Expr.LitU32(0)), SystemMemory.loadPair("floats", 0, "a", "b")));
        assertTrue(floats.contains("it reads two U32 elements"), floats);
        String undeclaredVariable = problems(List.of(new Node.Let("a", new Expr.LitU32(0)),
                SystemMemory.loadPair("host", 0, "a", "b")));
        assertTrue(undeclaredVariable.contains("undeclared variable 'b'"), undeclaredVariable);
        String typed = problems(List.of(new Node.Let("a", new Expr.LitU32(0)), new Node.Let("f", Expr.f32(1f)),
                SystemMemory.loadPair("host", 0, "a", "f")));
        assertTrue(typed.contains("pair load into variable 'f' of type F32"), typed);
        String twice = problems(List.of(new Node.Let("a", new Expr.LitU32(0)),
                SystemMemory.loadPair("host", 0, "a", "a")));
        assertTrue(twice.contains("into variable 'a' twice"), twice);
        String loopVariable = problems(List.of(new Node.Let("a", new Expr.LitU32(0)), new Node.For("i",
                new Expr.LitU32(0), new Expr.LitU32(1), List.of(SystemMemory.loadPair("host", 0, "a", "i")))));
        assertTrue(loopVariable.contains("For loop variable 'i'"), loopVariable);
        String odd = problems(List.of(new Node.Let("a", new Expr.LitU32(0)), new Node.Let("b", new Expr.LitU32(0)),
                SystemMemory.loadPair("host", 1, "a", "b")));
        assertTrue(odd.contains("reads from odd element 1"), odd);
        String trailing = problems(List.of(new Node.Opaque(SystemMemory.LOAD_PAIR, Payload.of((byte) 1, (byte) 0,
                (byte) 0, (byte) 0, (byte) 'h'))));
        assertTrue(trailing.contains("pair-load payload lacks the u32 element index"), trailing);
        assertThrows(SystemMemory.MalformedException.class, () -> new SystemMemory.Mapped("host", 8));
    }

    private static String problems(List<Node> body) {
        return Validator.check(program(body)).toString();
    }
}
