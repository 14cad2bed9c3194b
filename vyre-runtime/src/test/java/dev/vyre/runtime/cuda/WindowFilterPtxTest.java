package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.automata.literal.WindowBitmap;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The device prefilter kernel ({@link WindowFilterPtx}) run in the PTX simulator gives exactly the candidates of its
 * CPU model ({@link WindowBitmap#candidates}) on random data, tables, strides and grid sizes; an overflowing list
 * stores {@code capacity} distinct candidates and its cursor counts all; and the kernel assembles with ptxas.
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
                MemorySegment cursor = arena.allocate(4, 16);
                sim.map(data);
                sim.map(bits);
                sim.map(out);
                sim.map(cursor);
                int blocks = rnd.nextInt(1, 4);
                int ntid = rnd.nextInt(1, 9) * 32;
                int threads = blocks * ntid;
                long[] params = {bits.address(), data.address(), windows, stride, 32 - hashBits, out.address(),
                        cursor.address(), capacity, threads};
                for (int b = 0; b < blocks; b++) {
                    for (int t = 0; t < ntid; t++) {
                        sim.new Thread(b, ntid, t, params).run(false);
                    }
                }
                assertEquals(count[0], cursor.get(ValueLayout.JAVA_INT, 0), "every candidate is counted");
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
