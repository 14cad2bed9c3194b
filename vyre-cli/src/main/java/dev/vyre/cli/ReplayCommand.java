package dev.vyre.cli;

import dev.vyre.runtime.replay.ReplayFormat;
import dev.vyre.runtime.replay.ReplayLog;
import dev.vyre.runtime.replay.ReplayResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vyre replay LOG}: re-executes a replay log on the CPU backend (docs/REPLAY.md). Exit codes like grep: 0 no
 * divergence, 1 a divergence (the first is printed), 2 a log that cannot be read or replayed.
 */
@Command(name = "replay", description = {"Re-execute a megakernel replay log on the CPU backend and report the first"
        + " divergence.", "Exit status: 0 no divergence, 1 divergence, 2 error (like grep)."})
final class ReplayCommand implements Callable<Integer> {
    /** Exit code of a divergence. */
    static final int EXIT_DIVERGENCE = 1;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOG", description = "The replay log (MegakernelConfig.withReplayLog).")
    Path file;

    @Override
    public Integer call() {
        ReplayLog log = ReplayFormat.read(file);
        PrintWriter out = spec.commandLine().getOut();
        out.println(file + ": " + log.records().size() + " records, " + log.header().slotCount() + " slots, "
                + log.header().handlers().size() + " handler(s), config " + log.header().fingerprint()
                + (log.complete() ? "" : ", no trailer (cut off)"));
        ReplayResult result = dev.vyre.runtime.replay.Replayer.replay(log);
        out.println(result.describe());
        return result instanceof ReplayResult.Divergence ? EXIT_DIVERGENCE : 0;
    }
}
