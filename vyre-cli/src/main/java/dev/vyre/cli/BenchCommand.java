package dev.vyre.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vyre bench}: benchmarks that write JSON evidence. */
@Command(name = "bench", description = "Measure vyre's dispatch, ingest, scan and VM paths and write JSON evidence.",
        subcommands = {BenchDispatchCommand.class, BenchIngestCommand.class, BenchScanCommand.class,
            BenchVmCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: say which benchmark to run");
    }
}
