package dev.vyre.runtime.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Summary of a latency distribution, in nanoseconds. Percentiles use the nearest-rank method: the q-th percentile
 * of n sorted samples is the sample at 1-based rank {@code ceil(q * n)} (the minimum for q = 0), with q in
 * thousandths and the rank computed in integers, so that no rounding moves it.
 *
 * @param count       samples
 * @param meanNanos   arithmetic mean
 * @param stddevNanos population standard deviation
 * @param minNanos    smallest sample
 * @param p50Nanos    median (nearest rank)
 * @param p90Nanos    90th percentile
 * @param p99Nanos    99th percentile
 * @param p999Nanos   99.9th percentile
 * @param maxNanos    largest sample
 */
public record LatencyStats(int count, double meanNanos, double stddevNanos, long minNanos, long p50Nanos,
                           long p90Nanos, long p99Nanos, long p999Nanos, long maxNanos) {

    /** How the percentiles are computed, as written to the JSON evidence. */
    public static final String PERCENTILE_METHOD = "nearest rank: the sample at 1-based rank ceil(q * n) of the"
            + " n sorted samples";

    /**
     * Summarises {@code samples} (not modified).
     *
     * @throws BenchException for null or no samples
     */
    public static LatencyStats of(long[] samples) {
        if (samples == null || samples.length == 0) {
            throw new BenchException("no latency samples to summarise", "measure at least one round trip");
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double sum = 0;
        for (long s : sorted) {
            sum += s;
        }
        double mean = sum / n;
        double squares = 0;
        for (long s : sorted) {
            double d = s - mean;
            squares += d * d;
        }
        return new LatencyStats(n, mean, Math.sqrt(squares / n), sorted[0], percentile(sorted, 500),
                percentile(sorted, 900), percentile(sorted, 990), percentile(sorted, 999), sorted[n - 1]);
    }

    /**
     * The quantile {@code perMille / 1000} of ascending {@code sorted} samples by nearest rank: the sample at
     * 1-based rank {@code ceil(perMille * n / 1000)}, at least 1.
     */
    public static long percentile(long[] sorted, int perMille) {
        if (sorted.length == 0 || perMille < 0 || perMille > 1000) {
            throw new BenchException("percentile " + perMille + "/1000 of " + sorted.length + " samples", "ask for"
                    + " 0..1000 thousandths of at least one sample");
        }
        long rank = ((long) perMille * sorted.length + 999) / 1000;
        return sorted[(int) Math.max(0, rank - 1)];
    }

    /** The distribution as a JSON-ready map, with its unit and percentile method. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unit", "ns");
        m.put("count", count);
        m.put("mean", meanNanos);
        m.put("stddev", stddevNanos);
        m.put("min", minNanos);
        m.put("p50", p50Nanos);
        m.put("p90", p90Nanos);
        m.put("p99", p99Nanos);
        m.put("p999", p999Nanos);
        m.put("max", maxNanos);
        m.put("percentileMethod", PERCENTILE_METHOD);
        return m;
    }
}
