package dev.vyre.cli;

import dev.vyre.core.VyreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code vyre} command. Exit codes: 0 success; 2 for a usage error (with help) or any
 * {@link VyreException}, printed as {@code vyre: <message>} on stderr; 1 for an unexpected internal error.
 * Stack traces only with {@code --verbose}.
 */
@Command(name = "vyre", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "vyre: a Java runtime that turns an NVIDIA GPU into a resident bytecode interpreter.",
        subcommands = {InfoCommand.class, Vir0Command.class, DemoCommand.class, ScanCommand.class, BenchCommand.class,
                ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class VyreMain implements Runnable {
    /** Exit code of a failure vyre explains ({@link VyreException}) and of a usage error. */
    public static final int EXIT_FAILURE = 2;
    /** Exit code of an unexpected internal error. */
    public static final int EXIT_INTERNAL_ERROR = 1;

    private static final String VERBOSE = "--verbose";

    @Spec
    CommandSpec spec;

    @Option(names = VERBOSE, scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    boolean verbose;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: say what vyre should do");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new VyreMain());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new FailureHandler());
        cl.setParameterExceptionHandler(VyreMain::usageError);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A usage error: the message, picocli's "did you mean" suggestions, then always the usage help; exit 2. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        cl.usage(err);
        return EXIT_FAILURE;
    }

    /** Prints failures as {@code vyre: <message>}, with the stack trace only under {@code --verbose}. */
    static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
            PrintWriter err = cl.getErr();
            int code;
            if (ex instanceof VyreException) {
                err.println("vyre: " + ex.getMessage());
                code = EXIT_FAILURE;
            } else {
                err.println("vyre: internal error: " + ex
                        + ". Fix: run again with --verbose and report the stack trace as a vyre bug");
                code = EXIT_INTERNAL_ERROR;
            }
            if (verbose(parsed)) {
                ex.printStackTrace(err);
            }
            return code;
        }

        private static boolean verbose(ParseResult parsed) {
            for (ParseResult p = parsed; p != null; p = p.subcommand()) {
                if (p.hasMatchedOption(VERBOSE)) {
                    return true;
                }
            }
            return false;
        }
    }
}
