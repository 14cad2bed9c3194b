package dev.vyre.cli;

import dev.vyre.runtime.bench.VmBench;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vyre bench vm}: a never-seen VIR0 program's bytes to its first result, interpreted on the resident
 * megakernel (VM_EXEC) versus compiled and launched, and the steady state of both, in one run ({@link VmBench}).
 */
@Command(name = "vm", description = {"VIR0 bytes -> first result: interpreted (VM_EXEC on the running megakernel)",
        "vs compiled and launched (PTX emit + JIT + launch), and steady-state throughput of both.",
        "Needs a CUDA GPU of compute capability 8.0 or newer."})
final class BenchVmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON evidence to FILE.")
    Path json;

    @Option(names = "--fresh", paramLabel = "N", defaultValue = "7",
            description = "Never-seen programs per path; the median is reported (default: ${DEFAULT-VALUE}).")
    int fresh;

    @Option(names = "--small-runs", paramLabel = "N", defaultValue = "2000",
            description = "Runs of the small dispatch in the steady-state rows (default: ${DEFAULT-VALUE}).")
    int smallRuns;

    @Option(names = "--large-groups", paramLabel = "N", defaultValue = "32768",
            description = "Workgroups (of 32) of the large dispatch (default: ${DEFAULT-VALUE}).")
    int largeGroups;

    @Option(names = "--loop", paramLabel = "N", defaultValue = "16",
            description = "Inner-loop iterations per invocation (default: ${DEFAULT-VALUE}).")
    int loop;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmBench.Config defaults = VmBench.Config.defaults();
        Map<String, Object> evidence = new LinkedHashMap<>(VmBench.run(new VmBench.Config(fresh,
                defaults.smallGroups(), smallRuns, largeGroups, loop, defaults.device()), line -> {
                    out.println(line);
                    out.flush();
                }));
        evidence.put("vyreVersion", VersionProvider.version());
        out.println();
        out.println(String.format("%-44s %16s %16s", "", "interpreted", "compiled"));
        out.println(String.format("%-44s %16.1f %16.1f", "first result, never-seen program (median us)",
                evidence.get("firstResultInterpretedMedianMicros"), evidence.get("firstResultFusedMedianMicros")));
        out.println(String.format("%-44s %16.0f %16.0f", "steady small dispatch (runs/s)",
                evidence.get("steadySmallInterpretedRunsPerSecond"), evidence.get("steadySmallFusedLaunchesPerSecond")));
        out.println(String.format("%-44s %16.3g %16.3g", "steady large dispatch (invocations/s)",
                evidence.get("steadyLargeInterpretedInvocationsPerSecond"),
                evidence.get("steadyLargeFusedInvocationsPerSecond")));
        if (json != null) {
            try {
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(json, Json.write(evidence) + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("bench vm: cannot write the JSON evidence to " + json + ": " + e,
                        "pass a writable --json path", e);
            }
            out.println("evidence: " + json);
        }
        return 0;
    }
}
