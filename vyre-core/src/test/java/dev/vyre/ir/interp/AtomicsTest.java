package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.I32;
import static dev.vyre.ir.ScalarType.U32;
import static dev.vyre.ir.interp.TestPrograms.bind;
import static dev.vyre.ir.interp.TestPrograms.input;
import static dev.vyre.ir.interp.TestPrograms.output;
import static dev.vyre.ir.interp.TestPrograms.program;
import static dev.vyre.ir.interp.TestPrograms.read;
import static dev.vyre.ir.interp.TestPrograms.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every atomic operator on U32 and I32 buffers, out of bounds, and from concurrent invocations and threads. */
class AtomicsTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (AtomicOp op : AtomicOp.values()) {
            out.add(Arguments.of(op, U32));
            out.add(Arguments.of(op, I32));
        }
        return out.stream();
    }

    /** {@code res[i] = Atomic(op, mem, i, exp[i]?, val[i])} over every element. */
    private static Program atomicProgram(AtomicOp op, ScalarType t) {
        Expr i = Expr.var("i");
        Expr expected = op.needsExpected() ? Expr.load("exp", i) : null;
        return program(64, List.of(output("mem", 0, t), input("exp", 1, t), input("val", 2, t),
                        output("res", 3, t)),
                new Node.Let("i", Expr.gid(0)),
                new Node.If(Expr.lt(i, new Expr.BufLen("res")), List.of(new Node.Store("res", i,
                        new Expr.Atomic(op, "mem", i, expected, Expr.load("val", i)))), List.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void atomicMatchesOracle(AtomicOp op, ScalarType t) {
        Props.forAll("Atomic " + op + " " + t, 6, (c, rnd) -> {
            int n = c == 0 ? Values.INT_EDGES.length * Values.INT_EDGES.length : 640;
            int[][] pairs = c == 0 ? Values.edgePairs(t, t)
                    : new int[][] {Values.random(t, rnd, n), Values.random(t, rnd, n)};
            int[] old = pairs[0];
            int[] val = pairs[1];
            int[] exp = new int[n];
            for (int k = 0; k < n; k++) { // compare-exchange: half the cases expect the right value
                exp[k] = rnd.nextBoolean() ? old[k] : Values.next(t, rnd);
            }
            MemorySegment mem = words(old);
            MemorySegment res = words(new int[n]);
            RunResult r = TestPrograms.INTERPRETER.run(atomicProgram(op, t), Dispatch.of((n + 63) / 64),
                    bind("mem", mem, "exp", words(exp), "val", words(val), "res", res));
            int[] after = read(mem);
            assertArrayEquals(old, read(res), "atomics return the previous value");
            for (int k = 0; k < n; k++) {
                int want = Oracle.atomicStore(op, t, old[k], exp[k], val[k]);
                assertEquals(want, after[k], op + " " + t + " old " + Values.show(t, old[k]) + " expected "
                        + Values.show(t, exp[k]) + " value " + Values.show(t, val[k]));
                assertEquals(want, Ops.atomic(op, t, old[k], exp[k], val[k]));
            }
            assertEquals(0, r.outOfBoundsStores());
        });
    }

    @Test
    void outOfBoundsAtomicReturnsZeroWritesNothingAndIsCounted() {
        Program p = program(1, List.of(output("mem", 0, I32), output("res", 1, I32)),
                new Node.Store("res", Expr.u32(0), new Expr.Atomic(AtomicOp.EXCHANGE, "mem", Expr.u32(2), null,
                        Expr.i32(9))),
                new Node.Store("res", Expr.u32(1), new Expr.Atomic(AtomicOp.ADD, "mem", Expr.i32(-1), null,
                        Expr.i32(9))));
        MemorySegment mem = words(5, 6);
        MemorySegment res = words(-1, -1);
        RunResult r = TestPrograms.INTERPRETER.run(p, Dispatch.of(1), bind("mem", mem, "res", res));
        assertArrayEquals(new int[] {5, 6}, read(mem));
        assertArrayEquals(new int[] {0, 0}, read(res));
        assertEquals(2, r.outOfBoundsStores());
        assertEquals(0, r.outOfBoundsLoads());
    }

    /**
     * A histogram by atomic add from the concurrent invocations of a program with a Barrier (so that they run
     * on their own threads), equal to Java's count; {@code misaligned} binds the histogram at an odd address.
     */
    @ParameterizedTest(name = "misaligned={0}")
    @ValueSource(booleans = {false, true})
    void concurrentHistogramMatchesJavaCount(boolean misaligned) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Props.forAll("histogram", 3, (c, rnd) -> {
            int groups = 4;
            int size = 256;
            int bins = 7;
            int[] data = new int[groups * size];
            int[] want = new int[bins];
            for (int k = 0; k < data.length; k++) {
                data[k] = rnd.nextInt(0, 1000);
                want[data[k] % bins]++;
            }
            MemorySegment hist = misaligned
                    ? Arena.ofAuto().allocate(bins * 4L + 1, 4).asSlice(1, bins * 4L) : words(new int[bins]);
            Expr bin = Expr.bin(BinaryOp.MOD, Expr.load("data", Expr.gid(0)), Expr.u32(bins));
            Program p = program(size, List.of(input("data", 0, U32), output("hist", 1, U32)),
                    new Node.Barrier(),
                    new Node.Let("old", new Expr.Atomic(AtomicOp.ADD, "hist", bin, null, Expr.u32(1))));
            TestPrograms.INTERPRETER.run(p, Dispatch.of(groups), bind("data", words(data), "hist", hist));
            assertArrayEquals(want, read(hist));
        }));
    }

    @Test
    void concurrentMaxAndLruUpdateKeepTheLargestValue() {
        int size = 512;
        int[] values = new SplittableRandom(7).ints(size).toArray();
        int maxSigned = Integer.MIN_VALUE;
        long maxUnsigned = 0;
        for (int v : values) {
            maxSigned = Math.max(maxSigned, v);
            maxUnsigned = Math.max(maxUnsigned, Integer.toUnsignedLong(v));
        }
        Expr v = Expr.load("v", Expr.gid(0));
        Program p = program(size, List.of(input("v", 0, I32), output("m", 1, I32), output("lru", 2, I32)),
                new Node.Barrier(),
                new Node.Let("a", new Expr.Atomic(AtomicOp.MAX, "m", Expr.u32(0), null, v)),
                new Node.Let("b", new Expr.Atomic(AtomicOp.LRU_UPDATE, "lru", Expr.u32(0), null, v)));
        MemorySegment m = words(Integer.MIN_VALUE);
        MemorySegment lru = words(0);
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> TestPrograms.INTERPRETER.run(p, Dispatch.of(1), bind("v", words(values), "m", m, "lru", lru)));
        assertEquals(maxSigned, read(m)[0]);
        assertEquals((int) maxUnsigned, read(lru)[0]);
    }

    /** The CPU backend's case: platform threads sharing one bound buffer, aligned or not. */
    @ParameterizedTest(name = "misaligned={0}")
    @ValueSource(booleans = {false, true})
    void boundBufferAtomicsAreAtomicAcrossThreads(boolean misaligned) throws InterruptedException {
        MemorySegment seg = misaligned ? MemorySegment.ofArray(new byte[8]) : words(0, 0);
        BoundBuffer b = new BoundBuffer(U32, 2, seg, false);
        int threads = 4;
        int perThread = 20_000;
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                for (int k = 0; k < perThread; k++) {
                    b.atomic(AtomicOp.ADD, 0, 0, 1);
                    b.atomic(AtomicOp.FETCH_NAND, 1, 0, -1); // ~(old & -1) = ~old: toggles every bit
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(threads * perThread, b.get(0));
        assertEquals(0, b.get(1), "an even number of toggles, none lost");
    }
}
