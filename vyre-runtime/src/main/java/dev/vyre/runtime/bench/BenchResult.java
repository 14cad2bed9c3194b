package dev.vyre.runtime.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured row: a latency distribution, a throughput, or the error that stopped the measurement.
 *
 * @param backend    "cpu" or "cuda"
 * @param variant    the configuration (e.g. "workers 4", "THREAD:0:64-2048", "baseline")
 * @param measure    what was measured
 * @param latency    the distribution, or null
 * @param throughput the throughput, or null
 * @param details    configuration and checks of this row (JSON-ready values)
 * @param error      why the measurement failed, or null
 */
public record BenchResult(String backend, String variant, Measure measure, LatencyStats latency,
                          Throughput throughput, Map<String, Object> details, String error) {

    public BenchResult {
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A latency row. */
    public static BenchResult latency(String backend, String variant, Measure measure, LatencyStats latency,
                                      Map<String, Object> details) {
        return new BenchResult(backend, variant, measure, latency, null, details, null);
    }

    /** A throughput row. */
    public static BenchResult throughput(String backend, String variant, Measure measure, Throughput throughput,
                                         Map<String, Object> details) {
        return new BenchResult(backend, variant, measure, null, throughput, details, null);
    }

    /** A row whose measurement failed with {@code failure}. */
    public static BenchResult failed(String backend, String variant, Measure measure, Throwable failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return new BenchResult(backend, variant, measure, null, null, Map.of(), failure.getClass().getSimpleName()
                + ": " + message);
    }

    /** Whether the measurement failed. */
    public boolean failed() {
        return error != null;
    }

    /** As a JSON-ready map, with the measure's method. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        m.put("variant", variant);
        m.put("measure", measure.name());
        m.put("label", measure.label());
        m.put("method", measure.method());
        m.put("details", details);
        if (latency != null) {
            m.put("latency", latency.toMap());
        }
        if (throughput != null) {
            m.put("throughput", throughput.toMap());
        }
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }
}
