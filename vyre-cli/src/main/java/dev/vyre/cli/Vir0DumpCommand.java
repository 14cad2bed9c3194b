package dev.vyre.cli;

import dev.vyre.ir.codec.ProgramPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vyre vir0 dump FILE}: the program as readable text. */
@Command(name = "dump", description = "Decode a VIR0 file and print the program as readable text.")
final class Vir0DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The VIR0 program file.")
    Path file;

    @Override
    public Integer call() {
        String text = ProgramPrinter.print(Vir0Files.read(file));
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        if (!text.endsWith("\n")) {
            out.println();
        }
        return 0;
    }
}
