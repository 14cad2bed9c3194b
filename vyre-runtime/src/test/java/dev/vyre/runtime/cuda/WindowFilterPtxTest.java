package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.literal.Factor;
import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.automata.literal.WindowConfirmTable;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.automata.regex.ByteSet;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device prefilter kernel ({@link WindowFilterPtx}) run in the PTX simulator gives exactly the candidates of its
 * CPU model ({@link WindowBitmap#candidates}) on random data, tables, strides and grid sizes; an overflowing list
 * stores {@code capacity} distinct candidates and its cursor counts all; with the device confirm it keeps exactly
 * the windows of {@link WindowConfirmTable#keep}; and the kernel assembles with ptxas.
 */
class WindowFilterPtxTest {
    private static final ValueLayout.OfInt BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Test
    void simulatedKernelFindsTheModelsCandidates() {
        String ptx = WindowFilterPtx.generate(SmTarget.SM_90);
        int[] overflowed = {0};
        Props.forAll("window kernel = model", 40, (c, rnd) -> {
            int n = rnd.nextInt(0, 3000);
            int stride = rnd.nextInt(1, 9);
            int hashBits = rnd.nextInt(WindowBitmap.MIN_HASH_BITS, 14);
            PtxSim sim = new PtxSim(ptx); // a fresh simulator: memory mapped by earlier cases is freed
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = arena.allocate(n + 8, 16);
                for (int i = 0; i < n; i++) {
                    data.set(ValueLayout.JAVA_BYTE, i, (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256)
                            : "ab\n0".charAt(rnd.nextInt(4))));
                }
                long windows = n < 4 ? 0 : (n - 4) / stride + 1;
                // Registered windows: some taken from the data (so they occur), some random.
                int[] keys = new int[rnd.nextInt(1, 40)];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = windows > 0 && rnd.nextBoolean()
                            ? data.get(BE, rnd.nextLong(windows) * stride) : rnd.nextInt();
                }
                WindowBitmap bitmap = WindowBitmap.of(keys, hashBits);
                int[] count = new int[1];
                long[] expected = Arrays.copyOf(bitmap.candidates(data, windows, stride, new long[16], count),
                        count[0]);
                int capacity = rnd.nextInt(4) == 0 ? rnd.nextInt(0, count[0] + 1) : count[0] + rnd.nextInt(5);
                int[] words = bitmap.words();
                MemorySegment bits = arena.allocate((long) words.length * 4, 16);
                MemorySegment.copy(words, 0, bits, ValueLayout.JAVA_INT, 0, words.length);
                MemorySegment out = arena.allocate(Math.max(4, capacity * 4L), 16);
                MemorySegment cursor = arena.allocate(WindowFilterPtx.CURSOR_BYTES, 16);
                sim.map(data);
                sim.map(bits);
                sim.map(out);
                sim.map(cursor);
                launch(sim, rnd, threads -> new long[] {bits.address(), data.address(), windows, stride,
                        32 - hashBits, out.address(), cursor.address(), capacity, threads, 0, 0, 0, 0, 0, 0, n, 0});
                assertEquals(count[0], cursor.get(ValueLayout.JAVA_INT, 0), "every candidate is counted");
                assertEquals(0, cursor.get(ValueLayout.JAVA_INT, WindowFilterPtx.CURSOR_TESTED),
                        "without the confirm nothing is counted as tested");
                int stored = Math.min(capacity, count[0]);
                long[] got = new long[stored];
                for (int i = 0; i < stored; i++) {
                    got[i] = Integer.toUnsignedLong(out.getAtIndex(ValueLayout.JAVA_INT, i));
                }
                Arrays.sort(got);
                if (stored == count[0]) {
                    assertEquals(Arrays.toString(expected), Arrays.toString(got), "stride " + stride);
                } else {
                    overflowed[0]++;
                    Set<Long> all = new HashSet<>();
                    Arrays.stream(expected).forEach(all::add);
                    assertEquals(stored, Arrays.stream(got).distinct().count(), "distinct stored candidates");
                    assertTrue(Arrays.stream(got).allMatch(all::contains), "stored entries are candidates");
                }
            }
        });
        assertTrue(overflowed[0] > 0, "no case overflowed its list");
    }

    /**
     * With the device confirm the simulated kernel keeps exactly the windows of the CPU model ({@link
     * WindowBitmap#candidates}, then {@link WindowConfirmTable#keep}) and counts the bit test's, on text made of
     * the factors' fragments (registered windows are common, whole factors rare) with real occurrences, one-bit near
     * misses, occurrences cut by the batch start and end and placed around {@code keepFrom}; factors mix word form
     * (literal, caseless) and undecidable ones (ranges, under 8 bytes). Over all cases far fewer windows are kept
     * than pass the bit test.
     */
    @Test
    void simulatedConfirmKeepsTheModelsWindows() {
        String ptx = WindowFilterPtx.generate(SmTarget.SM_90);
        long[] tested = {0};
        long[] kept = {0};
        long[] edges = {0};
        Props.forAll("window kernel confirm = model", 60, (c, rnd) -> {
            int stride = rnd.nextInt(1, 9);
            List<Factor> factors = new ArrayList<>();
            int want = rnd.nextInt(1, 10);
            while (factors.size() < want) {
                Factor f = randomFactor(rnd);
                if (WindowFilter.usable(f, stride)) {
                    factors.add(f);
                }
            }
            WindowFilter filter = new WindowFilter(factors, stride);
            WindowConfirmTable table = filter.confirmTable();
            int hashBits = rnd.nextBoolean() ? WindowBitmap.MIN_HASH_BITS : rnd.nextInt(10, 18);
            WindowBitmap bitmap = WindowBitmap.of(filter, hashBits);
            int n = rnd.nextInt(4, 3000);
            byte[] text = fragments(rnd, factors, n);
            long keepFrom = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(0, Math.min(n, 2 * stride + 40));
            // occurrences (some with a bit flipped) at the batch start, across its end and around keepFrom
            long[] at = {-rnd.nextInt(0, 12), n - rnd.nextInt(1, 30), keepFrom - rnd.nextInt(0, 3),
                    keepFrom + rnd.nextInt(0, 3)};
            for (long a : at) {
                Factor f = factors.get(rnd.nextInt(factors.size()));
                for (int j = 0; j < f.length(); j++) {
                    if (a + j >= 0 && a + j < n) {
                        text[(int) (a + j)] = (byte) pick(f.positions().get(j), rnd);
                    }
                }
                if (rnd.nextInt(3) == 0) {
                    long p = a + rnd.nextInt(f.length());
                    if (p >= 0 && p < n) {
                        text[(int) p] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
            }
            PtxSim sim = new PtxSim(ptx);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment data = arena.allocate(n, 16);
                MemorySegment.copy(text, 0, data, ValueLayout.JAVA_BYTE, 0, n);
                long windows = (n - 4) / stride + 1;
                int[] count = new int[1];
                long[] bitPass = bitmap.candidates(data, windows, stride, new long[16], count);
                List<Long> expected = new ArrayList<>();
                for (int i = 0; i < count[0]; i++) {
                    long q = bitPass[i] * stride;
                    if (table.keep(data, n, q, keepFrom)) {
                        expected.add(bitPass[i]);
                        boolean edge = q < keepFrom + 255 || q + 255 > n;
                        edges[0] += edge ? 1 : 0;
                    }
                }
                int[] words = bitmap.words();
                MemorySegment bits = arena.allocate((long) words.length * 4, 16);
                MemorySegment.copy(words, 0, bits, ValueLayout.JAVA_INT, 0, words.length);
                int[] ints = table.ints();
                MemorySegment confirm = arena.allocate(table.byteSize(), 16);
                MemorySegment.copy(ints, 0, confirm, ValueLayout.JAVA_INT, 0, ints.length);
                MemorySegment out = arena.allocate(Math.max(4, count[0] * 4L), 16);
                MemorySegment cursor = arena.allocate(WindowFilterPtx.CURSOR_BYTES, 16);
                sim.map(data);
                sim.map(bits);
                sim.map(confirm);
                sim.map(out);
                sim.map(cursor);
                long base = confirm.address();
                launch(sim, rnd, threads -> new long[] {bits.address(), data.address(), windows, stride,
                        32 - hashBits, out.address(), cursor.address(), count[0], threads, 1,
                        base + table.slotsAt() * 4L, base + table.candidatesAt() * 4L, base + table.factorsAt() * 4L,
                        base + table.wordsAt() * 4L, 32 - table.slotBits(), n, keepFrom});
                int got = cursor.get(ValueLayout.JAVA_INT, WindowFilterPtx.CURSOR_KEPT);
                assertEquals(count[0], cursor.get(ValueLayout.JAVA_INT, WindowFilterPtx.CURSOR_TESTED),
                        "case " + c + ": windows that passed the bit test");
                long[] list = new long[got];
                for (int i = 0; i < got; i++) {
                    list[i] = Integer.toUnsignedLong(out.getAtIndex(ValueLayout.JAVA_INT, i));
                }
                Arrays.sort(list);
                assertEquals(expected.toString(), Arrays.toString(list), "case " + c + ": stride " + stride
                        + ", keepFrom " + keepFrom + ", bytes " + n + ", factors " + factors);
                tested[0] += count[0];
                kept[0] += got;
            }
        });
        assertTrue(kept[0] * 3 < tested[0], "kept " + kept[0] + " of " + tested[0] + " bit-test windows");
        assertTrue(edges[0] > 0, "no kept window near the batch start, keepFrom or the end");
    }

    /** Text of random fragments of the factors (their registered windows occur often, whole factors seldom). */
    private static byte[] fragments(SplittableRandom rnd, List<Factor> factors, int n) {
        byte[] text = new byte[n];
        int i = 0;
        while (i < n) {
            if (rnd.nextInt(4) == 0) {
                text[i++] = (byte) " \nxyz".charAt(rnd.nextInt(5));
                continue;
            }
            Factor f = factors.get(rnd.nextInt(factors.size()));
            int from = rnd.nextInt(f.length());
            int to = Math.min(f.length(), from + rnd.nextInt(4, 12));
            for (int j = from; j < to && i < n; j++) {
                text[i++] = (byte) pick(f.positions().get(j), rnd);
            }
        }
        return text;
    }

    /** A factor of 5 to 24 positions: literal, caseless, or with byte ranges (no word form). */
    private static Factor randomFactor(SplittableRandom rnd) {
        int len = rnd.nextInt(5, 25);
        int kind = rnd.nextInt(3);
        List<ByteSet> pos = new ArrayList<>();
        for (int j = 0; j < len; j++) {
            ByteSet b = ByteSet.of("abcdeABC01:- ".charAt(rnd.nextInt(13)));
            if (kind == 1) {
                b = b.caseFolded();
            } else if (kind == 2 && rnd.nextInt(5) == 0) {
                b = ByteSet.range('0', '3');
            }
            pos.add(b);
        }
        return new Factor(pos);
    }

    /** A random member of {@code set} (not empty). */
    private static int pick(ByteSet set, SplittableRandom rnd) {
        int b = set.next(0);
        for (int k = rnd.nextInt(set.size()); k > 0; k--) {
            b = set.next(b + 1);
        }
        return b;
    }

    /**
     * Runs the kernel in {@code sim} on a random grid (1 to 3 blocks of 32 to 256 threads), every thread to its end,
     * with the parameters {@code params} gives for the grid's thread count.
     */
    private static void launch(PtxSim sim, SplittableRandom rnd, java.util.function.IntFunction<long[]> params) {
        int blocks = rnd.nextInt(1, 4);
        int ntid = rnd.nextInt(1, 9) * 32;
        long[] p = params.apply(blocks * ntid);
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < ntid; t++) {
                sim.new Thread(b, ntid, t, p).run(false);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"7, 5", "8, 0", "9, 0"})
    void assemblesWithPtxas(int major, int minor, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found: the window prefilter kernel is not assembled here");
        SmTarget target = new SmTarget(major, minor);
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "window", target.smName(), WindowFilterPtx.generate(target));
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "ptxas does not know " + target.smName());
        assertEquals(0, r.exit(), () -> "ptxas rejected the window kernel:\n" + r.output());
        assertTrue(r.output().contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"), r.output());
    }
}
