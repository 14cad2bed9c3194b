package dev.vyre.runtime.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Items completed in a wall-clock interval.
 *
 * @param items what was completed (slots, kernel launches)
 * @param nanos the interval, from the first submission to the observed completion of the last item
 */
public record Throughput(long items, long nanos) {
    public Throughput {
        if (items < 0 || nanos <= 0) {
            throw new BenchException("throughput of " + items + " items in " + nanos + " ns", "measure a positive"
                    + " interval and a non-negative count");
        }
    }

    /** Items per second. */
    public double perSecond() {
        return items * 1e9 / nanos;
    }

    /** As a JSON-ready map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", items);
        m.put("nanos", nanos);
        m.put("perSecond", perSecond());
        return m;
    }
}
