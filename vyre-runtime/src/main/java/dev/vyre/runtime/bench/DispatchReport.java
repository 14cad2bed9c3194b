package dev.vyre.runtime.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one {@link DispatchBench} run: every row, the ratios between the megakernel and the CUDA
 * baselines, the targets, and the environment. {@link #toMap()} is the JSON evidence (schema {@value #SCHEMA});
 * {@link #tableLines()} the printed table.
 *
 * @param started     when the run began
 * @param finished    when it ended
 * @param environment the JVM, OS and CUDA driver ({@code BenchEnvironment})
 * @param config      what was asked for
 * @param results     the rows, in the order measured
 * @param notes       lines about what was skipped or went wrong outside a row
 */
public record DispatchReport(Instant started, Instant finished, Map<String, Object> environment,
                             DispatchBenchConfig config, List<BenchResult> results, List<String> notes) {
    /** Schema name and version of the JSON evidence. */
    public static final String SCHEMA = "vyre.bench.dispatch/1";
    /** Target: mean megakernel round trip on the GPU, in nanoseconds. */
    public static final double TARGET_MEAN_ROUND_TRIP_NANOS = 2_500;
    /** Target: launch + synchronize at least this many times slower than the megakernel round trip (means). */
    public static final double TARGET_LAUNCH_RATIO = 3.0;
    /** Target: batched NOP slots per second through the megakernel on the GPU. */
    public static final double TARGET_SLOTS_PER_SECOND = 20e6;

    public DispatchReport {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        results = List.copyOf(results);
        notes = List.copyOf(notes);
    }

    /**
     * One ratio between two rows.
     *
     * @param variant     the megakernel variant
     * @param numerator   the measure on top
     * @param denominator the measure below
     * @param statistic   "mean", "p50" or "throughput"
     * @param value       numerator / denominator
     */
    public record Ratio(String variant, Measure numerator, Measure denominator, String statistic, double value) {
        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", variant);
            m.put("numerator", numerator.name());
            m.put("denominator", denominator.name());
            m.put("statistic", statistic);
            m.put("value", value);
            return m;
        }
    }

    /**
     * One target checked against a CUDA megakernel variant.
     *
     * @param variant the variant
     * @param target  what is required
     * @param goal    the bound
     * @param value   what was measured, in the goal's unit
     * @param met     whether the value meets the bound
     */
    public record TargetCheck(String variant, String target, double goal, double value, boolean met) {
        /** As a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", variant);
            m.put("target", target);
            m.put("goal", goal);
            m.put("value", value);
            m.put("met", met);
            return m;
        }
    }

    /** The rows whose measurement failed. */
    public List<BenchResult> failures() {
        return results.stream().filter(BenchResult::failed).toList();
    }

    /**
     * For every CUDA megakernel variant: launch + synchronize and graph + synchronize over the megakernel round
     * trip (mean and p50), the megakernel over the ping-pong floor, and the megakernel's batched throughput over
     * launches and graph replays back to back.
     */
    public List<Ratio> ratios() {
        List<Ratio> ratios = new ArrayList<>();
        Optional<BenchResult> launch = baseline(Measure.LAUNCH_SYNC);
        Optional<BenchResult> graph = baseline(Measure.GRAPH_SYNC);
        Optional<BenchResult> floor = baseline(Measure.PING_PONG_FLOOR);
        Optional<BenchResult> launches = baseline(Measure.LAUNCH_STREAM);
        Optional<BenchResult> graphs = baseline(Measure.GRAPH_STREAM);
        for (BenchResult mk : cudaMegakernel(Measure.MEGAKERNEL_CALL)) {
            LatencyStats m = mk.latency();
            for (Optional<BenchResult> b : List.of(launch, graph)) {
                b.ifPresent(r -> {
                    add(ratios, mk.variant(), r.measure(), mk.measure(), "mean", r.latency().meanNanos(),
                            m.meanNanos());
                    add(ratios, mk.variant(), r.measure(), mk.measure(), "p50", r.latency().p50Nanos(),
                            m.p50Nanos());
                });
            }
            floor.ifPresent(f -> {
                add(ratios, mk.variant(), mk.measure(), f.measure(), "mean", m.meanNanos(), f.latency().meanNanos());
                add(ratios, mk.variant(), mk.measure(), f.measure(), "p50", m.p50Nanos(), f.latency().p50Nanos());
            });
        }
        for (BenchResult mk : cudaMegakernel(Measure.MEGAKERNEL_SUBMIT)) {
            for (Optional<BenchResult> b : List.of(launches, graphs)) {
                b.ifPresent(r -> add(ratios, mk.variant(), mk.measure(), r.measure(), "throughput",
                        mk.throughput().perSecond(), r.throughput().perSecond()));
            }
        }
        return ratios;
    }

    /** Adds {@code top / bottom} unless the quotient is not a finite number (a zero below). */
    private static void add(List<Ratio> ratios, String variant, Measure numerator, Measure denominator,
                            String statistic, double top, double bottom) {
        double value = top / bottom;
        if (Double.isFinite(value)) {
            ratios.add(new Ratio(variant, numerator, denominator, statistic, value));
        }
    }

    /** The targets checked for every CUDA megakernel variant whose rows were measured. */
    public List<TargetCheck> targets() {
        List<TargetCheck> checks = new ArrayList<>();
        Optional<BenchResult> launch = baseline(Measure.LAUNCH_SYNC);
        for (BenchResult mk : cudaMegakernel(Measure.MEGAKERNEL_CALL)) {
            double mean = mk.latency().meanNanos();
            checks.add(new TargetCheck(mk.variant(), "mean call round trip <= "
                    + us(TARGET_MEAN_ROUND_TRIP_NANOS) + " us", TARGET_MEAN_ROUND_TRIP_NANOS / 1e3, mean / 1e3,
                    mean <= TARGET_MEAN_ROUND_TRIP_NANOS));
            launch.filter(l -> mean > 0).ifPresent(l -> {
                double ratio = l.latency().meanNanos() / mean;
                checks.add(new TargetCheck(mk.variant(), "launch + synchronize mean / megakernel mean >= "
                        + TARGET_LAUNCH_RATIO, TARGET_LAUNCH_RATIO, ratio, ratio >= TARGET_LAUNCH_RATIO));
            });
        }
        for (BenchResult mk : cudaMegakernel(Measure.MEGAKERNEL_SUBMIT)) {
            double rate = mk.throughput().perSecond();
            checks.add(new TargetCheck(mk.variant(), "batched NOP slots/s >= " + millions(TARGET_SLOTS_PER_SECOND)
                    + " M", TARGET_SLOTS_PER_SECOND / 1e6, rate / 1e6, rate >= TARGET_SLOTS_PER_SECOND));
        }
        return checks;
    }

    private Optional<BenchResult> baseline(Measure measure) {
        return results.stream().filter(r -> !r.failed() && r.measure() == measure
                && r.backend().equals(DispatchBenchConfig.CUDA)).findFirst();
    }

    private List<BenchResult> cudaMegakernel(Measure measure) {
        return results.stream().filter(r -> !r.failed() && r.measure() == measure
                && r.backend().equals(DispatchBenchConfig.CUDA)).toList();
    }

    /** The JSON evidence as a JSON-ready map (strings, numbers, booleans, maps and lists). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("tool", "vyre bench dispatch");
        m.put("started", started.toString());
        m.put("finished", finished.toString());
        m.put("environment", environment);
        m.put("config", config.toMap());
        m.put("results", results.stream().map(BenchResult::toMap).toList());
        m.put("ratios", ratios().stream().map(Ratio::toMap).toList());
        m.put("targets", targets().stream().map(TargetCheck::toMap).toList());
        m.put("notes", notes);
        return m;
    }

    /** The printed table: one line per row, then the ratios, the targets and the notes. */
    public List<String> tableLines() {
        List<String> lines = new ArrayList<>();
        lines.add("vyre bench dispatch, " + started + " .. " + finished + ": " + environmentLine());
        lines.add(String.format(Locale.ROOT, "%-5s %-18s %-44s %9s %9s %9s %9s %9s  %s", "", "variant", "measure",
                "mean us", "p50 us", "p90 us", "p99 us", "min us", "throughput"));
        for (BenchResult r : results) {
            String head = String.format(Locale.ROOT, "%-5s %-18s %-44s", r.backend(), r.variant(),
                    r.measure().label());
            if (r.failed()) {
                lines.add(head + " FAILED: " + r.error());
            } else if (r.latency() != null) {
                LatencyStats l = r.latency();
                lines.add(head + String.format(Locale.ROOT, " %9s %9s %9s %9s %9s", us(l.meanNanos()),
                        us(l.p50Nanos()), us(l.p90Nanos()), us(l.p99Nanos()), us(l.minNanos())));
            } else {
                lines.add(head + String.format(Locale.ROOT, " %9s %9s %9s %9s %9s  %s/s (%d in %.3f s)", "", "", "",
                        "", "", millions(r.throughput().perSecond()) + " M", r.throughput().items(),
                        r.throughput().nanos() / 1e9));
            }
        }
        for (Ratio ratio : ratios()) {
            lines.add(String.format(Locale.ROOT, "ratio %-18s %s / %s (%s): %.2fx", ratio.variant(),
                    ratio.numerator().label(), ratio.denominator().label(), ratio.statistic(), ratio.value()));
        }
        for (TargetCheck t : targets()) {
            lines.add(String.format(Locale.ROOT, "target %-17s %s: %.2f %s", t.variant(), t.target(), t.value(),
                    t.met() ? "met" : "MISSED"));
        }
        notes.forEach(n -> lines.add("note: " + n));
        return lines;
    }

    private String environmentLine() {
        StringBuilder sb = new StringBuilder();
        if (environment.get("java") instanceof Map<?, ?> java) {
            sb.append("Java ").append(java.get("version"));
        }
        sb.append(", ").append(environment.get("processors")).append(" CPUs");
        if (environment.get("cuda") instanceof Map<?, ?> cuda) {
            if (Boolean.TRUE.equals(cuda.get("available")) && cuda.get("devices") instanceof List<?> devices
                    && cuda.get("benchDevice") instanceof Integer ordinal && ordinal < devices.size()
                    && devices.get(ordinal) instanceof Map<?, ?> device) {
                sb.append(", ").append(device.get("name")).append(" (driver ").append(cuda.get("driver"))
                        .append(")");
            } else {
                sb.append(", no CUDA");
            }
        }
        return sb.toString();
    }

    /** One progress line for a row. */
    static String describe(BenchResult r) {
        String head = r.backend() + " " + r.variant() + ", " + r.measure().label() + ": ";
        if (r.failed()) {
            return head + "FAILED: " + r.error();
        }
        if (r.latency() != null) {
            LatencyStats l = r.latency();
            return head + String.format(Locale.ROOT, "mean %s us, p50 %s us, p90 %s us, p99 %s us, min %s us (%d"
                    + " samples)", us(l.meanNanos()), us(l.p50Nanos()), us(l.p90Nanos()), us(l.p99Nanos()),
                    us(l.minNanos()), l.count());
        }
        return head + String.format(Locale.ROOT, "%s M/s (%d in %.3f s)", millions(r.throughput().perSecond()),
                r.throughput().items(), r.throughput().nanos() / 1e9);
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e3);
    }

    private static String millions(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", perSecond / 1e6);
    }
}
