package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.BOOL;
import static dev.vyre.ir.ScalarType.BYTES;
import static dev.vyre.ir.ScalarType.F32;
import static dev.vyre.ir.ScalarType.I32;
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
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Out-of-bounds accounting, element types in memory, declared counts, Workgroup scratch, IndirectDispatch. */
class MemoryTest {
    private static Expr u(int v) {
        return Expr.u32(v);
    }

    @Test
    void outOfBoundsLoadsReadZeroAndStoresAreDroppedAndCounted() {
        Program p = program(1, List.of(input("f", 0, F32), output("out", 1, U32)),
                new Node.Store("out", u(0), Expr.load("out", u(3))),                       // index == len
                new Node.Store("out", u(1), new Expr.Cast(U32, Expr.load("f", Expr.i32(-1)))), // negative I32
                new Node.Store("out", u(2), Expr.load("out", u(-1))),                      // 2^32 - 1
                new Node.Store("out", Expr.i32(-1), u(5)),
                new Node.Store("out", u(3), u(5)),
                new Node.Store("out", u(0x8000_0000), u(5)));
        MemorySegment out = words(9, 9, 9);
        RunResult r = INTERPRETER.run(p, Dispatch.of(1), bind("f", words(Values.f(2.0f)), "out", out));
        assertArrayEquals(new int[] {0, 0, 0}, read(out));
        assertEquals(3, r.outOfBoundsLoads());
        assertEquals(3, r.outOfBoundsStores());
    }

    @Test
    void negativeI32IndicesAreOutOfBoundsWhateverTheLength() {
        // as U32 bits -1 would be element 2^32 - 1; buffers that long are impractical in a test, so check the
        // index conversion itself
        assertEquals(-1L, CExpr.index(-1, true));
        assertEquals(0xFFFF_FFFFL, CExpr.index(-1, false));
        assertEquals(Integer.MIN_VALUE, CExpr.index(Integer.MIN_VALUE, true));
    }

    @Test
    void outOfBoundsCountsAddUpOverInvocations() {
        // every invocation loads at gid and stores at gid + 1 into a buffer of 10: 90 of 100 loads and 91 stores miss
        Program p = program(25, List.of(output("b", 0, U32)),
                new Node.Store("b", Expr.add(Expr.gid(0), u(1)), Expr.load("b", Expr.gid(0))));
        RunResult r = INTERPRETER.run(p, Dispatch.of(4), bind("b", words(new int[10])));
        assertEquals(90, r.outOfBoundsLoads());
        assertEquals(91, r.outOfBoundsStores());
    }

    @Test
    void bytesLoadZeroExtendedAndStoreTheLowByte() {
        MemorySegment bytes = Arena.ofAuto().allocate(6);
        bytes.copyFrom(MemorySegment.ofArray(new byte[] {(byte) 0xF0, 1, 2, 3, 4, 5}));
        Program p = program(1, List.of(output("b", 0, BYTES), output("out", 1, U32)),
                new Node.Store("out", u(0), Expr.load("b", u(0))),
                new Node.Store("out", u(1), new Expr.BufLen("b")),
                new Node.Store("b", u(2), u(0x1234)));
        MemorySegment out = words(0, 0);
        INTERPRETER.run(p, Dispatch.of(1), bind("b", bytes, "out", out));
        assertArrayEquals(new int[] {0xF0, 6}, read(out));
        assertArrayEquals(new byte[] {(byte) 0xF0, 1, 0x34, 3, 4, 5}, bytes.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void boolWordsLoadNonZeroAsTrueAndStoreZeroOrOne() {
        Program p = program(1, List.of(output("b", 0, BOOL), output("out", 1, U32)),
                new Node.Store("out", u(0), new Expr.Cast(U32, Expr.load("b", u(0)))),
                new Node.Store("out", u(1), new Expr.Cast(U32, Expr.load("b", u(1)))),
                new Node.Store("b", u(2), Expr.load("b", u(0))),
                new Node.Store("b", u(3), Expr.bool(false)));
        MemorySegment b = words(0xFF00, 0, 5, 5);
        MemorySegment out = words(0, 0);
        INTERPRETER.run(p, Dispatch.of(1), bind("b", b, "out", out));
        assertArrayEquals(new int[] {1, 0}, read(out));
        assertArrayEquals(new int[] {0xFF00, 0, 1, 0}, read(b));
    }

    @Test
    void littleEndianWordsInMemory() {
        Program p = program(1, List.of(output("out", 0, U32)), new Node.Store("out", u(0), u(0x0403_0201)));
        MemorySegment out = words(0);
        INTERPRETER.run(p, Dispatch.of(1), bind("out", out));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, out.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void writeOnlyBuffersReadWhatWasWrittenElseZero() {
        Program p = program(1, List.of(BufferDecl.of("w", 0, BufferAccess.WRITE_ONLY, I32, 0, true),
                        output("out", 1, I32)),
                new Node.Store("w", u(1), Expr.i32(-8)),
                new Node.Store("out", u(0), Expr.load("w", u(0))),
                new Node.Store("out", u(1), Expr.load("w", u(1))));
        MemorySegment w = words(77, 77);
        MemorySegment out = words(0, 0);
        INTERPRETER.run(p, Dispatch.of(1), bind("w", w, "out", out));
        assertArrayEquals(new int[] {0, -8}, read(out));
        assertArrayEquals(new int[] {0, -8}, read(w));
    }

    @Test
    void aDeclaredCountLimitsWhatTheProgramSees() {
        Program p = program(1, List.of(BufferDecl.of("b", 0, BufferAccess.READ_WRITE, U32, 2, true),
                        output("out", 1, U32)),
                new Node.Store("out", u(0), new Expr.BufLen("b")),
                new Node.Store("out", u(1), Expr.load("b", u(2))),
                new Node.Store("b", u(2), u(1)),
                new Node.Store("b", u(1), u(1)));
        MemorySegment b = words(7, 7, 7, 7);
        MemorySegment out = words(0, 0);
        RunResult r = INTERPRETER.run(p, Dispatch.of(1), bind("b", b, "out", out));
        assertArrayEquals(new int[] {2, 0}, read(out));
        assertArrayEquals(new int[] {7, 1, 7, 7}, read(b));
        assertEquals(1, r.outOfBoundsLoads());
        assertEquals(1, r.outOfBoundsStores());
    }

    @Test
    void workgroupBuffersStartZeroInEveryWorkgroupAndAreShared() {
        // each invocation adds 1 to s[0]; after the barrier all read it: every workgroup sees its own size
        Program shared = program(8, List.of(scratch("s", 0, U32, 4), output("out", 1, U32)),
                new Node.Let("old", new Expr.Atomic(AtomicOp.ADD, "s", u(0), null, u(1))),
                new Node.Barrier(),
                new Node.Store("out", Expr.gid(0), Expr.add(Expr.load("s", u(0)), Expr.load("s", u(3)))));
        MemorySegment out = words(new int[24]);
        INTERPRETER.run(shared, Dispatch.of(3), bind("out", out));
        assertArrayEquals(new int[] {8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8},
                read(out));
        // sequential run (no collectives): what one workgroup wrote is gone in the next
        Program fresh = program(1, List.of(scratch("s", 0, U32, 1), output("out", 1, U32)),
                new Node.Store("out", Expr.gid(0), Expr.add(Expr.load("s", u(0)), new Expr.BufLen("s"))),
                new Node.Store("s", u(0), u(5)));
        MemorySegment out2 = words(new int[4]);
        INTERPRETER.run(fresh, Dispatch.of(4), bind("out", out2));
        assertArrayEquals(new int[] {1, 1, 1, 1}, read(out2));
    }

    @Test
    void indirectDispatchRecordsFollowUpGridsInOrder() {
        Program p = program(4, List.of(input("args", 0, U32)),
                new Node.If(Expr.bin(BinaryOp.EQ, Expr.gid(0), u(0)),
                        List.of(new Node.IndirectDispatch("args", 0), new Node.IndirectDispatch("args", 1)), List.of()),
                new Node.If(Expr.bin(BinaryOp.EQ, Expr.gid(0), u(3)),
                        List.of(new Node.IndirectDispatch("args", 3)), List.of()),
                new Node.AsyncLoad(),
                new Node.AsyncWait());
        RunResult r = INTERPRETER.run(p, Dispatch.of(1), bind("args", words(2, 3, 4, 9)));
        assertEquals(List.of(new Dispatch(2, 3, 4), new Dispatch(3, 4, 9), new Dispatch(9, 0, 0)),
                r.indirectDispatches());
        assertEquals(2, r.outOfBoundsLoads());
    }
}
