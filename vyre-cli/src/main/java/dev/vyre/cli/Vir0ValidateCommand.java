package dev.vyre.cli;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Problem;
import dev.vyre.ir.check.Validator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vyre vir0 validate FILE}: decode and validate, listing every problem. */
@Command(name = "validate", description = "Decode a VIR0 file and check it against the VIR0 semantics.")
final class Vir0ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The VIR0 program file.")
    Path file;

    @Override
    public Integer call() {
        Program program = Vir0Files.read(file);
        List<Problem> problems = Validator.check(program);
        if (!problems.isEmpty()) {
            throw new CliException(problemReport(file, problems), "correct each listed node as its own Fix says");
        }
        Program.WorkgroupSize wg = program.workgroupSize();
        spec.commandLine().getOut().println(file + ": valid (" + program.buffers().size() + " buffer(s), "
                + program.body().size() + " top-level node(s), workgroup [" + wg.x() + "," + wg.y() + ","
                + wg.z() + "])");
        return 0;
    }

    /** The header line and one line per problem, each with its path and own Fix. */
    static String problemReport(Path file, List<Problem> problems) {
        StringBuilder sb = new StringBuilder().append(file).append(" is not a valid program: ")
                .append(problems.size()).append(" problem(s)");
        for (Problem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
