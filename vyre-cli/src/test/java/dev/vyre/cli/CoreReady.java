package dev.vyre.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.ProgramPrinter;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import java.lang.foreign.Arena;
import java.util.Map;

/**
 * End-to-end tests need vyre-core's codec, validator, printer and reference interpreter. While one of them is
 * still an API stub (it throws {@link UnsupportedOperationException}), those tests are skipped with a reason
 * naming the stub; once all are implemented, the tests run for real.
 */
final class CoreReady {
    private CoreReady() {
    }

    static void assumeImplemented() {
        Program p = SaxpyProgram.build(4, 1f);
        assumeWorks("Vir0Encoder.encode", () -> Vir0Encoder.encode(p));
        assumeWorks("Vir0Decoder.decode", () -> Vir0Decoder.decode(Vir0Encoder.encode(p)));
        assumeWorks("Validator.check", () -> Validator.check(p));
        assumeWorks("ProgramPrinter.print", () -> ProgramPrinter.print(p));
        assumeWorks("ReferenceInterpreter.run", () -> {
            try (Arena arena = Arena.ofConfined()) {
                new ReferenceInterpreter().run(p, Dispatch.of(1),
                        Map.of(SaxpyProgram.X, arena.allocate(16), SaxpyProgram.Y, arena.allocate(16)));
            }
        });
    }

    private static void assumeWorks(String what, Runnable call) {
        boolean stub = false;
        try {
            call.run();
        } catch (UnsupportedOperationException e) {
            stub = true;
        }
        assumeTrue(!stub, what + " is still a stub in vyre-core (UnsupportedOperationException)");
    }
}
