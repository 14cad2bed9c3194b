package dev.vyre.runtime.isolated;

import dev.vyre.runtime.BootstrapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One child JVM of an isolated backend: launched with this JVM's own launcher
 * ({@code ProcessHandle.current().info().command()}, so a jlink'd runtime starts itself) and class path, its output
 * in a log file beside the ring file (the tail goes into error messages).
 */
final class ChildProcess {
    private static final int LOG_TAIL_CHARS = 2000;

    private final Process process;
    private final Path log;
    private final int generation;

    private ChildProcess(Process process, Path log, int generation) {
        this.process = process;
        this.log = log;
        this.generation = generation;
    }

    /** Writes {@code spec} and launches child number {@code generation} on it. */
    static ChildProcess launch(ChildSpec spec, IsolatedOptions options, Path base, int generation) {
        Path specFile = Path.of(base + "." + generation + ".spec");
        Path log = Path.of(base + "." + generation + ".log");
        spec.write(specFile);
        List<String> command = new ArrayList<>();
        command.add(javaLauncher());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(options.jvmArgs());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(IsolatedChild.class.getName());
        command.add(specFile.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            return new ChildProcess(p, log, generation);
        } catch (IOException e) {
            throw new BootstrapException("isolated backend: cannot launch the child JVM " + command.getFirst()
                    + ": " + e, "check that this JVM's launcher can be run (ProcessHandle.current().info()"
                    + ".command()) and that the class path is readable", e);
        }
    }

    /** This JVM's launcher, or {@code java.home/bin/java} where the platform does not say. */
    static String javaLauncher() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    int generation() {
        return generation;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until the header says RUNNING, or the child exits, or {@code timeoutNanos} pass; true when it runs.
     */
    boolean awaitRunning(IsolationHeader header, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (header.get(IsolationHeader.STATE) != IsolationHeader.RUNNING) {
            if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    /** Kills the child (SIGKILL) and waits for it to be gone. */
    void kill() {
        process.destroyForcibly();
        awaitGone();
    }

    /** Waits for the process to end. */
    void awaitGone() {
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
                if (!process.isAlive()) {
                    break;
                }
                process.destroyForcibly();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** "exit status N" (a signal shows as 128 + its number), or "running". */
    String exitDescription() {
        return process.isAlive() ? "running" : "exit status " + process.exitValue();
    }

    /** The end of the child's output, for error messages. */
    String logTail() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() <= LOG_TAIL_CHARS ? s : "..." + s.substring(s.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Deletes the spec and log files of child {@code generation} of the ring file {@code base}. */
    static void deleteFiles(Path base, int generation) {
        try {
            Files.deleteIfExists(Path.of(base + "." + generation + ".spec"));
            Files.deleteIfExists(Path.of(base + "." + generation + ".log"));
        } catch (IOException ignored) {
            // best effort: the directory is a temporary one
        }
    }
}
