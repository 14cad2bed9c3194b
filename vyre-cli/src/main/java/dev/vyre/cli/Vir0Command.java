package dev.vyre.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vyre vir0}: work with VIR0 program files. */
@Command(name = "vir0", description = "Validate, print, run or generate VIR0 program files.",
        subcommands = {Vir0ValidateCommand.class, Vir0DumpCommand.class, Vir0RunCommand.class,
                Vir0ExampleCommand.class})
final class Vir0Command implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: say what to do with a VIR0 file");
    }
}
