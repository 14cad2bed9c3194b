package dev.vyre.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vyre vir0 example OUT}: writes the saxpy program of {@code vyre demo} as a VIR0 file. */
@Command(name = "example", description = "Write the demo's saxpy program (y = a*x + y) as a VIR0 file.")
final class Vir0ExampleCommand implements Callable<Integer> {
    /** Up to this many elements, the printed hint spells out a complete run command. */
    private static final int HINT_MAX_ELEMENTS = 16;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT", description = "The file to write, e.g. saxpy.vir0.")
    Path out;

    @Option(names = "--n", defaultValue = "8", description = "Element count of x and y (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--a", defaultValue = "2.0", description = "The scalar a (default: ${DEFAULT-VALUE}).")
    float a;

    @Override
    public Integer call() {
        int bytes = Vir0Files.write(out, SaxpyProgram.build(n, a));
        PrintWriter pw = spec.commandLine().getOut();
        pw.println("wrote " + out + " (" + bytes + " bytes): " + SaxpyProgram.describe(n, a));
        if (n <= HINT_MAX_ELEMENTS) {
            StringJoiner x = new StringJoiner(",");
            StringJoiner y = new StringJoiner(",");
            for (int i = 1; i <= n; i++) {
                x.add(Integer.toString(i));
                y.add("10");
            }
            pw.println("try: vyre vir0 run " + out + " --buffer " + SaxpyProgram.X + "=f32:" + x + " --buffer "
                    + SaxpyProgram.Y + "=f32:" + y);
        } else {
            pw.println("try: vyre vir0 run " + out + " --buffer " + SaxpyProgram.X + "=file:x.bin (" + n
                    + " little-endian f32 values); y starts as zeros");
        }
        return 0;
    }
}
