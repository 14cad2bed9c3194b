package dev.vyre.cli;

import dev.vyre.runtime.bench.BenchResult;
import dev.vyre.runtime.bench.CudaVariant;
import dev.vyre.runtime.bench.DispatchBench;
import dev.vyre.runtime.bench.DispatchBenchConfig;
import dev.vyre.runtime.bench.DispatchReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre bench dispatch}: round trip and throughput of tiny tasks through the megakernel, against a kernel
 * launch per task and a CUDA graph per task, and the mapped-memory ping-pong floor ({@link DispatchBench}). Prints
 * each row as it is measured, then the table; {@code --json} writes the evidence. Exits 2 when a measurement
 * failed (after printing and writing everything).
 */
@Command(name = "dispatch", description = {"Round trip and throughput of tiny tasks: megakernel vs launch per task.",
        "For each backend: Megakernel.call(NOP) round trips and batched NOP slots/s;",
        "on CUDA also launch + synchronize, a CUDA graph + synchronize, both back to",
        "back, and the mapped-memory ping-pong floor. CUDA is skipped, with the",
        "reason, where there is no usable GPU."})
final class BenchDispatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON evidence to FILE.")
    Path json;

    @Option(names = "--calls", paramLabel = "N", defaultValue = "" + DispatchBenchConfig.DEFAULT_CALLS,
            description = "Timed round trips per latency row (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "" + DispatchBenchConfig.DEFAULT_WARMUP_CALLS,
            description = "Untimed round trips before them (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--cuda-warmup-ms", paramLabel = "MS", defaultValue = ""
            + DispatchBenchConfig.DEFAULT_CUDA_WARMUP_MILLIS,
            description = "Least time the warm-up calls of a CUDA latency row take (default: ${DEFAULT-VALUE}; 0: the"
                    + " --warmup count alone): the first megakernel of a JVM is slower for its first tens of ms.")
    long cudaWarmupMillis;

    @Option(names = "--batch-slots", paramLabel = "N", defaultValue = "0",
            description = {"NOP slots of each throughput row (default: "
                    + DispatchBenchConfig.DEFAULT_CUDA_BATCH_SLOTS + " on CUDA, "
                    + DispatchBenchConfig.DEFAULT_CPU_BATCH_SLOTS + " on the CPU)."})
    long batchSlots;

    @Option(names = "--ring-slots", paramLabel = "N", defaultValue = "" + DispatchBenchConfig.DEFAULT_RING_SLOTS,
            description = "Ring slots of every megakernel (default: ${DEFAULT-VALUE}).")
    int ringSlots;

    @Option(names = "--backends", paramLabel = "LIST", split = ",", defaultValue = "cpu,cuda",
            description = "Backends to measure, in order (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(names = "--workers", paramLabel = "LIST", split = ",",
            description = "CPU backend worker counts, a row pair each (default: a power of two up to 4, at most"
                    + " half the processors).")
    List<Integer> workers = new ArrayList<>();

    @Option(names = "--cuda-variant", paramLabel = "SHAPE:WORKERS:MIN-MAX[:DOORBELL][:IR|:HW]",
            description = "A CUDA megakernel configuration to measure (repeatable), e.g. THREAD:32:64-2048: worker"
                    + " shape THREAD or WARP, workers (0: default), idle backoff in ns, optional doorbell pollers"
                    + " (e.g. THREAD:0:1-64 for the kernel without doorbell; default: THREAD:0:1-16384:4). It runs"
                    + " the kernel the backend picks (the IR-built one for THREAD workers); a final :IR requires the"
                    + " IR-built kernel, :HW the hand-written one (e.g. THREAD:0:1-16384:4:HW).")
    List<String> cudaVariants = new ArrayList<>();

    @Option(names = "--launch-batch", paramLabel = "N", defaultValue = "" + DispatchBenchConfig.DEFAULT_LAUNCH_BATCH,
            description = "Launches and graph replays of the back-to-back rows (default: ${DEFAULT-VALUE}).")
    int launchBatch;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0",
            description = "CUDA device ordinal (default: ${DEFAULT-VALUE}).")
    int device;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<CudaVariant> variants = new ArrayList<>();
        for (String v : cudaVariants) {
            variants.add(CudaVariant.parse(v));
        }
        List<String> names = backends.stream().map(String::strip).toList();
        DispatchBenchConfig config = new DispatchBenchConfig(calls, warmup, batchSlots, ringSlots, names, workers,
                variants, launchBatch, device, cudaWarmupMillis);
        DispatchReport report = DispatchBench.run(config, line -> {
            out.println(line);
            out.flush();
        });
        out.println();
        report.tableLines().forEach(out::println);
        if (json != null) {
            write(json, evidence(report));
            out.println("evidence: " + json);
        }
        List<BenchResult> failures = report.failures();
        if (!failures.isEmpty()) {
            throw new CliException("bench dispatch: " + failures.size() + " of " + report.results().size()
                    + " measurements failed; the first: " + failures.getFirst().error(), "see the FAILED rows above"
                    + (json != null ? " and the errors in " + json : ""));
        }
        return 0;
    }

    /** The report's JSON map with the vyre version. */
    static Map<String, Object> evidence(DispatchReport report) {
        Map<String, Object> m = new LinkedHashMap<>(report.toMap());
        m.put("vyreVersion", VersionProvider.version());
        return m;
    }

    private static void write(Path file, Map<String, Object> evidence) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, Json.write(evidence) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("bench dispatch: cannot write the JSON evidence to " + file + ": " + e,
                    "pass a writable --json path", e);
        }
    }
}
