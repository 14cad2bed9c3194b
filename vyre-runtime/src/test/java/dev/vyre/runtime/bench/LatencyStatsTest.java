package dev.vyre.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The statistics of the bench, against computations written out independently here. */
class LatencyStatsTest {

    @Test
    void nearestRankPercentilesOfOneToHundred() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // reversed: of() must sort a copy
        }
        long[] before = samples.clone();
        LatencyStats s = LatencyStats.of(samples);
        assertArrayEquals(before, samples, "the samples are not modified");
        assertEquals(100, s.count());
        assertEquals(50.5, s.meanNanos(), 1e-12);
        assertEquals(1, s.minNanos());
        assertEquals(50, s.p50Nanos(), "rank ceil(0.5 * 100) = 50");
        assertEquals(90, s.p90Nanos());
        assertEquals(99, s.p99Nanos());
        assertEquals(100, s.p999Nanos(), "rank ceil(99.9) = 100");
        assertEquals(100, s.maxNanos());
        // population standard deviation of 1..100: sqrt((100^2 - 1) / 12)
        assertEquals(Math.sqrt((100.0 * 100 - 1) / 12), s.stddevNanos(), 1e-9);
    }

    @Test
    void smallSamplesAndEdges() {
        LatencyStats one = LatencyStats.of(new long[] {7});
        assertEquals(new LatencyStats(1, 7, 0, 7, 7, 7, 7, 7, 7), one);
        LatencyStats two = LatencyStats.of(new long[] {10, 20});
        assertEquals(10, two.p50Nanos(), "rank ceil(1.0) = 1");
        assertEquals(20, two.p90Nanos());
        assertEquals(5.0, two.stddevNanos(), 1e-12);
        assertEquals(10, LatencyStats.percentile(new long[] {10, 20}, 0));
        assertEquals(20, LatencyStats.percentile(new long[] {10, 20}, 1000));
        long[] thousand = new long[1000];
        Arrays.setAll(thousand, i -> i + 1);
        assertEquals(999, LatencyStats.percentile(thousand, 999), "rank 999 exactly, no rounding");
        assertEquals(990, LatencyStats.percentile(thousand, 990));
        assertThrows(BenchException.class, () -> LatencyStats.of(new long[0]));
        assertThrows(BenchException.class, () -> LatencyStats.of(null));
        assertThrows(BenchException.class, () -> LatencyStats.percentile(new long[] {1}, 1001));
        assertThrows(BenchException.class, () -> LatencyStats.percentile(new long[] {1}, -1));
    }

    @Test
    void randomSamplesMatchAnExactComputation() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(3000);
            long[] samples = new long[n];
            for (int i = 0; i < n; i++) {
                samples[i] = rnd.nextLong(1, round % 2 == 0 ? 50 : 10_000_000_000L); // with and without ties
            }
            LatencyStats s = LatencyStats.of(samples);
            long[] sorted = samples.clone();
            Arrays.sort(sorted);
            BigDecimal sum = BigDecimal.ZERO;
            for (long v : samples) {
                sum = sum.add(BigDecimal.valueOf(v));
            }
            double mean = sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            assertEquals(mean, s.meanNanos(), Math.abs(mean) * 1e-12);
            // samples at or below sorted[i], counting equal samples after it
            long[] atOrBelow = new long[n];
            for (int i = n - 1; i >= 0; i--) {
                atOrBelow[i] = i + 1 < n && sorted[i + 1] == sorted[i] ? atOrBelow[i + 1] : i + 1;
            }
            long[] actual = {s.p50Nanos(), s.p90Nanos(), s.p99Nanos(), s.p999Nanos()};
            int[] perMille = {500, 900, 990, 999};
            for (int q = 0; q < perMille.length; q++) {
                // the smallest sample with at least perMille/1000 of all samples at or below it
                long expected = sorted[n - 1];
                for (int i = 0; i < n; i++) {
                    if (atOrBelow[i] * 1000 >= (long) perMille[q] * n) {
                        expected = sorted[i];
                        break;
                    }
                }
                assertEquals(expected, actual[q], perMille[q] + "/1000 of " + n + " samples");
            }
            assertEquals(sorted[0], s.minNanos());
            assertEquals(sorted[n - 1], s.maxNanos());
        }
    }

    @Test
    void throughputAndMapsCarryUnitsAndMethod() {
        Throughput t = new Throughput(20_000_000, 1_000_000_000);
        assertEquals(20e6, t.perSecond(), 1e-6);
        assertEquals(Map.of("items", 20_000_000L, "nanos", 1_000_000_000L, "perSecond", 2.0e7), t.toMap());
        assertThrows(BenchException.class, () -> new Throughput(1, 0));
        assertThrows(BenchException.class, () -> new Throughput(-1, 5));
        Map<String, Object> m = LatencyStats.of(new long[] {3, 1, 2}).toMap();
        assertEquals("ns", m.get("unit"));
        assertEquals(2L, m.get("p50"));
        assertEquals(2.0, m.get("mean"));
        assertEquals(LatencyStats.PERCENTILE_METHOD, m.get("percentileMethod"));
    }
}
