package dev.vyre.ir.interp;

import static dev.vyre.ir.ScalarType.BOOL;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.testing.Props;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Barrier and the wave operators: results, live lanes, partial waves, and divergence detection. */
class CollectivesTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final int WAVE = 32;

    private static Expr u(int v) {
        return Expr.u32(v);
    }

    private static Expr v(String name) {
        return Expr.var(name);
    }

    private static Expr lid() {
        return new Expr.LocalId(0);
    }

    private static Node when(Expr cond, Node... then) {
        return new Node.If(cond, List.of(then), List.of());
    }

    private static RunResult run(Program p, int groups, Map<String, MemorySegment> buffers) {
        return assertTimeoutPreemptively(LIMIT, () -> INTERPRETER.run(p, Dispatch.of(groups), buffers));
    }

    @Test
    void aBarrierProgramRunsOnSegmentsConfinedToTheCallersThread() {
        // its invocations run on threads of their own: confined segments are copied in and back (the CLI's case)
        int size = 64;
        Program p = program(size, List.of(input("in", 0, U32), scratch("s", 1, U32, size), output("out", 2, U32)),
                new Node.Let("l", lid()),
                new Node.Store("s", v("l"), Expr.add(Expr.load("in", Expr.gid(0)), u(1))),
                new Node.Barrier(),
                new Node.Store("out", Expr.gid(0), Expr.load("s", Expr.bin(BinaryOp.SUB, u(size - 1), v("l")))));
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment in = arena.allocate(2L * size * 4, 4);
            for (int i = 0; i < 2 * size; i++) {
                in.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i, i * 7);
            }
            MemorySegment out = arena.allocate(2L * size * 4, 4);
            // on this thread (run() would time it on another, which may not touch these segments at all)
            RunResult r = INTERPRETER.run(p, Dispatch.of(2), Map.of("in", in.asReadOnly(), "out", out));
            assertEquals(0, r.outOfBoundsStores());
            for (int i = 0; i < 2 * size; i++) {
                int group = i / size;
                int mirrored = group * size + (size - 1 - i % size);
                assertEquals(mirrored * 7 + 1, out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i), "out " + i);
            }
        }
    }

    @ParameterizedTest(name = "workgroup size {0}")
    @ValueSource(ints = {256, 1024})
    void barrierTreeSumMatchesJavaSum(int size) {
        int log = Integer.numberOfTrailingZeros(size);
        Program p = program(size, List.of(input("in", 0, U32), scratch("s", 1, U32, size), output("out", 2, U32)),
                new Node.Let("l", lid()),
                new Node.Store("s", v("l"), Expr.load("in", Expr.gid(0))),
                new Node.Barrier(),
                new Node.For("k", u(0), u(log), List.of(
                        new Node.Let("stride", Expr.bin(BinaryOp.SHR, u(size / 2), v("k"))),
                        when(Expr.lt(v("l"), v("stride")), new Node.Store("s", v("l"),
                                Expr.add(Expr.load("s", v("l")), Expr.load("s", Expr.add(v("l"), v("stride")))))),
                        new Node.Barrier())),
                when(Expr.bin(BinaryOp.EQ, v("l"), u(0)),
                        new Node.Store("out", new Expr.WorkgroupId(0), Expr.load("s", u(0)))));
        Props.forAll("tree sum " + size, 2, (c, rnd) -> {
            int groups = 3;
            int[] in = rnd.ints(groups * size).toArray();
            MemorySegment out = words(new int[groups]);
            run(p, groups, bind("in", words(in), "out", out));
            int[] want = new int[groups];
            for (int k = 0; k < in.length; k++) {
                want[k / size] += in[k];
            }
            assertArrayEquals(want, read(out));
        });
    }

    @Test
    void barrierMakesEveryWriteOfTheWorkgroupVisible() {
        int size = 100;
        Program p = program(size, List.of(scratch("s", 0, U32, size), output("out", 1, U32)),
                new Node.Store("s", lid(), Expr.mul(Expr.gid(0), u(3))),
                new Node.Barrier(),
                new Node.Store("out", Expr.gid(0), Expr.load("s",
                        Expr.bin(BinaryOp.MOD, Expr.add(lid(), u(1)), u(size)))));
        MemorySegment out = words(new int[2 * size]);
        run(p, 2, bind("out", out));
        int[] got = read(out);
        for (int g = 0; g < 2 * size; g++) {
            int neighbour = (g / size) * size + (g % size + 1) % size;
            assertEquals(3 * neighbour, got[g], "invocation " + g);
        }
    }

    /** Lanes of the workgroup that are live at the wave operators (not returned early, inside the workgroup). */
    private static boolean live(int local, int size, int[] dead, int group) {
        return local < size && dead[group * size + local] == 0;
    }

    @ParameterizedTest(name = "workgroup size {0}")
    @ValueSource(ints = {40, 64, 7})
    void waveOperatorsOverLiveLanesOfPartialWaves(int size) {
        int groups = 2;
        int n = size * groups;
        Expr i = Expr.gid(0);
        Expr value = Expr.load("val", i);
        Expr source = Expr.load("src", i);
        List<Node> body = new ArrayList<>(List.of(
                when(new Expr.Cast(BOOL, Expr.load("dead", i)), new Node.Return()),
                new Node.Store("sh", i, new Expr.BinOp(BinaryOp.SHUFFLE, value, source)),
                // lanes that took part in the Shuffle may finish before the next wave operators
                when(new Expr.Cast(BOOL, Expr.load("late", i)), new Node.Return()),
                new Node.Store("bc", i, new Expr.Cast(U32, new Expr.BinOp(BinaryOp.WAVE_BROADCAST,
                        new Expr.Cast(F32, value), source))),
                new Node.Store("ba", i, new Expr.BinOp(BinaryOp.BALLOT, new Expr.Cast(BOOL, Expr.load("flag", i)),
                        Expr.load("mask", i)))));
        for (int k = 0; k <= 5; k++) {
            Expr slot = Expr.add(Expr.mul(i, u(12)), u(k));
            body.add(new Node.Store("red", slot, new Expr.BinOp(BinaryOp.WAVE_REDUCE, value, u(k))));
            body.add(new Node.Store("red", Expr.add(slot, u(6)), new Expr.Cast(U32,
                    new Expr.BinOp(BinaryOp.WAVE_REDUCE, new Expr.Cast(I32, value), u(k)))));
        }
        Program p = Program.of(Program.WorkgroupSize.of(size), List.of(input("val", 0, U32), input("src", 1, U32),
                input("dead", 2, U32), input("flag", 3, U32), input("mask", 4, U32), output("sh", 5, U32),
                output("bc", 6, U32), output("ba", 7, U32), output("red", 8, U32), input("late", 9, U32)), body);
        Props.forAll("wave ops " + size, 4, (c, rnd) -> {
            int[] val = Values.random(U32, rnd, n);
            int[] src = rnd.ints(n, 0, 80).toArray();
            int[] dead = c == 0 ? new int[n] : rnd.ints(n, 0, 4).map(x -> x == 0 ? 1 : 0).toArray();
            int[] late = c == 0 ? new int[n] : rnd.ints(n, 0, 4).map(x -> x == 0 ? 1 : 0).toArray();
            int[] gone = new int[n]; // returned before the operators after the Shuffle
            for (int k = 0; k < n; k++) {
                gone[k] = dead[k] | late[k];
            }
            int[] flag = rnd.ints(n, 0, 2).toArray();
            int[] mask = Values.random(U32, rnd, n);
            int sentinel = 0x5EAD_5EAD;
            MemorySegment sh = words(filled(n, sentinel));
            MemorySegment bc = words(filled(n, sentinel));
            MemorySegment ba = words(filled(n, sentinel));
            MemorySegment red = words(filled(n * 12, sentinel));
            run(p, groups, bind("val", words(val), "src", words(src), "dead", words(dead), "flag", words(flag),
                    "mask", words(mask), "sh", sh, "bc", bc, "ba", ba, "red", red, "late", words(late)));
            int[] gotSh = read(sh);
            int[] gotBc = read(bc);
            int[] gotBa = read(ba);
            int[] gotRed = read(red);
            for (int g = 0; g < groups; g++) {
                for (int local = 0; local < size; local++) {
                    int id = g * size + local;
                    if (!live(local, size, dead, g)) {
                        assertEquals(sentinel, gotSh[id], "returned invocation " + id + " stores nothing");
                        continue;
                    }
                    int wave = local / WAVE;
                    int from = wave * WAVE + (src[id] & 31);
                    int want = live(from, size, dead, g) ? val[g * size + from] : 0;
                    assertEquals(want, gotSh[id], "Shuffle at " + id);
                    if (!live(local, size, gone, g)) {
                        assertEquals(sentinel, gotBc[id], "returned invocation " + id + " stores nothing");
                        continue;
                    }
                    int wantBc = live(from, size, gone, g)
                            ? Oracle.cast(F32, U32, Oracle.cast(U32, F32, val[g * size + from])) : 0;
                    assertEquals(wantBc, gotBc[id], "WaveBroadcast at " + id);
                    int votes = 0;
                    long sum = 0;
                    long minU = Long.MAX_VALUE;
                    long maxU = Long.MIN_VALUE;
                    int minI = Integer.MAX_VALUE;
                    int maxI = Integer.MIN_VALUE;
                    int and = -1;
                    int or = 0;
                    int xor = 0;
                    for (int lane = 0; lane < WAVE; lane++) {
                        int other = wave * WAVE + lane;
                        if (live(other, size, gone, g)) {
                            int x = val[g * size + other];
                            votes |= flag[g * size + other] << lane;
                            sum += x;
                            minU = Math.min(minU, Integer.toUnsignedLong(x));
                            maxU = Math.max(maxU, Integer.toUnsignedLong(x));
                            minI = Math.min(minI, x);
                            maxI = Math.max(maxI, x);
                            and &= x;
                            or |= x;
                            xor ^= x;
                        }
                    }
                    assertEquals(votes & mask[id], gotBa[id], "Ballot at " + id);
                    int[] wantU = {(int) sum, (int) minU, (int) maxU, and, or, xor};
                    int[] wantI = {(int) sum, minI, maxI, and, or, xor};
                    for (int k = 0; k <= 5; k++) {
                        assertEquals(wantU[k], gotRed[id * 12 + k], "WaveReduce U32 " + k + " at " + id);
                        assertEquals(wantI[k], gotRed[id * 12 + 6 + k], "WaveReduce I32 " + k + " at " + id);
                    }
                }
            }
        });
    }

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    @Test
    void f32WaveReduceIsALeftFoldInLaneOrder() {
        int size = 48; // a full wave and a partial one
        Expr i = Expr.gid(0);
        Program p = program(size, List.of(input("x", 0, F32), output("out", 1, F32)),
                new Node.Store("out", Expr.mul(i, u(3)), new Expr.BinOp(BinaryOp.WAVE_REDUCE, Expr.load("x", i), u(0))),
                new Node.Store("out", Expr.add(Expr.mul(i, u(3)), u(1)),
                        new Expr.BinOp(BinaryOp.WAVE_REDUCE, Expr.load("x", i), u(1))),
                new Node.Store("out", Expr.add(Expr.mul(i, u(3)), u(2)),
                        new Expr.BinOp(BinaryOp.WAVE_REDUCE, Expr.load("x", i), u(2))));
        int[] orderSensitive = {0};
        Props.forAll("f32 wave fold", 20, (c, rnd) -> {
            int[] x = new int[size];
            for (int k = 0; k < size; k++) { // wildly different magnitudes, so that the order of additions matters
                x[k] = rnd.nextInt(10) == 0 ? Values.next(F32, rnd)
                        : Values.f((float) (rnd.nextDouble(-1, 1) * Math.pow(10, rnd.nextInt(-3, 9))));
            }
            MemorySegment out = words(new int[size * 3]);
            run(p, 1, bind("x", words(x), "out", out));
            int[] got = read(out);
            for (int wave = 0; wave * WAVE < size; wave++) {
                int first = wave * WAVE;
                int last = Math.min(size, first + WAVE);
                float sum = Values.fl(x[first]);
                int min = x[first];
                int max = x[first];
                for (int k = first + 1; k < last; k++) {
                    sum = sum + Values.fl(x[k]);
                    min = Oracle.binary(BinaryOp.MIN, F32, min, x[k]);
                    max = Oracle.binary(BinaryOp.MAX, F32, max, x[k]);
                }
                float reversed = Values.fl(x[last - 1]);
                for (int k = last - 2; k >= first; k--) {
                    reversed = reversed + Values.fl(x[k]);
                }
                if (Float.floatToIntBits(reversed) != Float.floatToIntBits(sum)) {
                    orderSensitive[0]++;
                }
                for (int k = first; k < last; k++) {
                    assertTrue(Values.same(F32, true, Values.f(sum), got[3 * k]), "sum at lane " + k);
                    assertEquals(min, got[3 * k + 1], "min at lane " + k);
                    assertEquals(max, got[3 * k + 2], "max at lane " + k);
                }
            }
        });
        assertTrue(orderSensitive[0] > 0, "the inputs never made the order of additions matter");
    }

    @Test
    void waveOperatorsOfDifferentWavesNeedNotMatch() {
        int size = 64;
        Expr i = Expr.gid(0);
        Program p = program(size, List.of(output("out", 0, U32)),
                new Node.If(Expr.lt(lid(), u(32)),
                        List.of(new Node.Store("out", i, new Expr.BinOp(BinaryOp.WAVE_REDUCE, lid(), u(0)))),
                        List.of(new Node.Store("out", i, new Expr.BinOp(BinaryOp.SHUFFLE, lid(), u(0))))));
        MemorySegment out = words(new int[size]);
        run(p, 1, bind("out", out));
        int[] got = read(out);
        for (int k = 0; k < size; k++) {
            assertEquals(k < 32 ? 31 * 32 / 2 : 32, got[k]);
        }
    }

    @Test
    void invocationsThatFinishStopTakingPartInBarriers() {
        // invocation l passes l barriers of one loop, then finishes: valid, the others go on without it
        int size = 70;
        Program p = program(size, List.of(output("out", 0, U32)),
                new Node.For("k", u(0), lid(), List.of(new Node.Barrier(),
                        new Node.Store("out", lid(), Expr.add(Expr.load("out", lid()), u(1))))));
        MemorySegment out = words(new int[size]);
        run(p, 1, bind("out", out));
        int[] got = read(out);
        for (int k = 0; k < size; k++) {
            assertEquals(k, got[k]);
        }
    }

    private static void assertDiverges(Program p, int groups, String... fragments) {
        InterpreterException e = assertThrows(InterpreterException.class,
                () -> run(p, groups, bind("out", words(new int[256]))));
        assertTrue(e.getMessage().contains("divergent collectives"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }

    /** Split inside a wave (40) and along waves (32: each wave agrees, the workgroup does not). */
    @ParameterizedTest(name = "split at {0}")
    @ValueSource(ints = {40, 32})
    void differentBarriersDiverge(int split) {
        assertDiverges(program(64, List.of(output("out", 0, U32)),
                new Node.If(Expr.lt(lid(), u(split)), List.of(new Node.Barrier()), List.of(new Node.Barrier()))),
                1, "body[0].If.then[0] (Barrier)", "body[0].If.else[0] (Barrier)");
    }

    @Test
    void aBarrierAgainstAWaveOperatorDiverges() {
        assertDiverges(program(32, List.of(output("out", 0, U32)),
                new Node.If(Expr.lt(lid(), u(16)), List.of(new Node.Barrier()),
                        List.of(new Node.Store("out", lid(), new Expr.BinOp(BinaryOp.SHUFFLE, lid(), u(3)))))),
                1, "(Barrier)", "(SHUFFLE)");
    }

    @Test
    void differentWaveOperatorsInOneWaveDiverge() {
        assertDiverges(program(32, List.of(output("out", 0, U32)),
                new Node.If(Expr.lt(lid(), u(5)),
                        List.of(new Node.Store("out", lid(), new Expr.BinOp(BinaryOp.WAVE_REDUCE, lid(), u(0)))),
                        List.of(new Node.Store("out", lid(), new Expr.BinOp(BinaryOp.WAVE_REDUCE, lid(), u(0)))))),
                1, "wave");
    }

    @Test
    void finishingEarlyAndThenMeetingAnotherBarrierDiverges() {
        // invocation 0 skips the loop and waits at the second Barrier while the others wait at the first
        assertDiverges(program(8, List.of(output("out", 0, U32)),
                new Node.For("k", u(0), lid(), List.of(new Node.Barrier())),
                new Node.Barrier()), 2, "body[0].For.body[0] (Barrier)", "body[1] (Barrier)");
    }

    @Test
    void divergenceInALaterWorkgroupStillFails() {
        // only workgroup 2 diverges: its invocations disagree on a Barrier depending on the workgroup id
        Expr odd = Expr.bin(BinaryOp.EQ, Expr.bin(BinaryOp.BIT_AND, lid(), u(1)), u(1));
        Expr lateGroup = Expr.bin(BinaryOp.EQ, new Expr.WorkgroupId(0), u(2));
        assertDiverges(program(16, List.of(output("out", 0, U32)),
                new Node.If(Expr.bin(BinaryOp.AND, odd, lateGroup), List.of(new Node.Barrier()),
                        List.of(new Node.Barrier(), new Node.Barrier()))), 4, "workgroup (2, 0, 0)");
    }

    @Test
    void randomDivergentProgramsFailOrFinishButNeverHang() {
        // random nests of Ifs over the local id with Barriers and Shuffles: each run ends, with a result or
        // an InterpreterException
        int[] outcomes = new int[2]; // finished, diverged
        Props.forAll("random collectives", 40, (c, rnd) -> {
            List<Node> body = randomCollectives(rnd, 3);
            Program p = program(1 + rnd.nextInt(96), List.of(output("out", 0, U32)), body.toArray(Node[]::new));
            assertTimeoutPreemptively(LIMIT, () -> {
                try {
                    INTERPRETER.run(p, Dispatch.of(2), bind("out", words(new int[256])));
                    outcomes[0]++;
                } catch (InterpreterException expected) {
                    assertTrue(expected.getMessage().contains("divergent collectives"), expected.getMessage());
                    outcomes[1]++;
                }
            });
        });
        assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "both outcomes occur: " + java.util.Arrays.toString(outcomes));
    }

    private static List<Node> randomCollectives(SplittableRandom rnd, int depth) {
        List<Node> out = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            int pick = rnd.nextInt(depth == 0 ? 3 : 5);
            switch (pick) {
                case 0 -> out.add(new Node.Barrier());
                case 1 -> out.add(new Node.Store("out", lid(),
                        new Expr.BinOp(BinaryOp.SHUFFLE, lid(), u(rnd.nextInt(64)))));
                case 2 -> out.add(new Node.Return());
                default -> out.add(new Node.If(Expr.lt(lid(), u(rnd.nextInt(100))),
                        randomCollectives(rnd, depth - 1), randomCollectives(rnd, depth - 1)));
            }
        }
        return out;
    }

    @Test
    void opsWaveDirectlyHandlesAnEmptyWave() {
        int[] out = filled(WAVE, 9);
        Ops.wave(BinaryOp.WAVE_REDUCE, ScalarType.U32, 0, new int[WAVE], new int[WAVE], out);
        assertArrayEquals(filled(WAVE, 9), out);
    }
}
