package dev.vyre.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vyre info}: what vyre finds on this machine. */
@Command(name = "info", description = "Show the Java runtime, OS, io_uring and CUDA support, and the default backend.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SystemReport report = SystemReport.gather();
        if (json) {
            out.println(Json.write(report.toJson()));
        } else {
            report.toLines().forEach(out::println);
        }
        return 0;
    }
}
