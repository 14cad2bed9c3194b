package dev.vyre.cuda.ptx;

import static dev.vyre.cuda.ptx.ProgramCorpus.let;
import static dev.vyre.cuda.ptx.ProgramCorpus.store;
import static dev.vyre.ir.Expr.add;
import static dev.vyre.ir.Expr.load;
import static dev.vyre.ir.Expr.u32;
import static dev.vyre.ir.Expr.var;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.AtomicOp;
import dev.vyre.ir.BinaryOp;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.ir.interp.StepBudgetExceededException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step accounting of emitted handlers, read off the PTX text, and the interpreter behaviour it reproduces
 * (docs/PTX-EMITTER.md, "Handler ABI"). Running the accounting is tested by the megakernel's simulator
 * ({@code SimHandlersTest} in vyre-runtime) and on the GPU ({@link PtxGpuParityTest}).
 */
class PtxEmitterStepTest {
    private static final Pattern STEP_REGISTER = Pattern.compile("mov\\.u64 (%rd\\d+), 0;");

    private static List<String> lines(String func) {
        return func.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static String stepRegister(String func) {
        Matcher m = STEP_REGISTER.matcher(func);
        assertTrue(m.find(), "no step register in\n" + func);
        return m.group(1);
    }

    /** The steps the interpreter takes for {@code handler} on zeroed arguments and a 64-word control block. */
    private static long interpreterSteps(Program handler) {
        try (Arena arena = Arena.ofConfined()) {
            return new ReferenceInterpreter().run(handler, Dispatch.of(1), Map.of(
                    PtxEmitter.HANDLER_ARGS, arena.allocate(4L * PtxEmitter.HANDLER_ARG_WORDS, 4),
                    PtxEmitter.HANDLER_CONTROL, arena.allocate(4L * 64, 4))).steps();
        }
    }

    /**
     * The interpreter charges steps to the budget in batches of {@link StepMeter#INTERPRETER_FLUSH_STEPS}: a Loop
     * that adds 1 to control[0] on each iteration (its i-th addition after 2 + 5i steps: invocation, Loop, then
     * per iteration the iteration, Let, Atomic, two Lits) makes exactly {@code #{i >= 1 : 2 + 5i < L}} additions
     * under budget B, L = (B / 1024 + 1) * 1024. The emitted handlers stop at the same L.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 100, 1023, 1024, 1025, 2047, 2048, 4097, 100_000})
    void theInterpreterStopsARunWhereTheMeterDoes(long budget) {
        Program spin = ProgramCorpus.handler(List.of(new Node.Loop(List.of(
                let("p", new Expr.Atomic(AtomicOp.ADD, PtxEmitter.HANDLER_CONTROL, u32(0), null, u32(1)))))));
        long cutOff = (budget / StepMeter.INTERPRETER_FLUSH_STEPS + 1) * StepMeter.INTERPRETER_FLUSH_STEPS;
        long additions = 0;
        for (long i = 1; 2 + 5 * i < cutOff; i++) {
            additions++;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment control = arena.allocate(4L * 4, 4);
            Map<String, MemorySegment> buffers = Map.of(PtxEmitter.HANDLER_ARGS,
                    arena.allocate(4L * PtxEmitter.HANDLER_ARG_WORDS, 4), PtxEmitter.HANDLER_CONTROL, control);
            assertThrows(StepBudgetExceededException.class,
                    () -> new ReferenceInterpreter(budget).run(spin, Dispatch.of(1), buffers));
            assertEquals(additions, control.get(Inputs.WORD, 0), "additions before step " + cutOff);
        }
    }

    /** A handler without branches adds its steps in flushes whose sum is the interpreter's count. */
    @Test
    void straightLineHandlersChargeExactlyTheInterpretersSteps() {
        List<Program> handlers = new ArrayList<>();
        handlers.add(ProgramCorpus.handlers().get(1).program()); // every atomic
        handlers.add(ProgramCorpus.handlers().get(2).program()); // out-of-range accesses
        handlers.add(ProgramCorpus.handler(List.of()));
        handlers.add(ProgramCorpus.handler(List.of(
                let("a", add(load("args", u32(0)), new Expr.Select(Expr.bool(true), u32(1), u32(2)))),
                let("f", new Expr.Fma(Expr.f32(1), Expr.f32(2), new Expr.Cast(ScalarType.F32, var("a")))),
                store("args", u32(1), Expr.un(UnaryOp.BIT_NOT, var("a"))),
                store("args", u32(2), new Expr.Cast(ScalarType.U32, var("f"))),
                new Node.Block(List.of(new Node.AsyncLoad(), new Node.AsyncWait())),
                store("control", new Expr.BufLen("control"), new Expr.InvocationId(0)),
                new Node.Return())));
        for (Program h : handlers) {
            String func = PtxEmitter.emitHandler(h, "h", PtxTarget.SM_90);
            String steps = stepRegister(func);
            long charged = 0;
            Matcher m = Pattern.compile("add\\.u64 " + Pattern.quote(steps) + ", " + Pattern.quote(steps)
                    + ", (\\d+);").matcher(func);
            while (m.find()) {
                charged += Long.parseLong(m.group(1));
            }
            assertEquals(interpreterSteps(h), charged, func);
        }
    }

    /**
     * Before every store or atomic on the control block, the last use of the step register is the checkpoint
     * {@code setp.ge.u64 p, steps, cut-off} whose branch leaves for the exhausted exit: nothing is added after it.
     */
    @Test
    void everyControlEffectIsPrecededByACheckpoint() {
        for (ProgramCorpus.Case c : ProgramCorpus.handlers()) {
            String func = PtxEmitter.emitHandler(c.program(), "h", PtxTarget.SM_90);
            String steps = stepRegister(func);
            Pattern usesSteps = Pattern.compile(Pattern.quote(steps) + "(?!\\d)");
            List<String> lines = lines(func);
            int effects = 0;
            for (int i = 0; i < lines.size(); i++) {
                String s = lines.get(i).replaceFirst("^@!?%p\\d+ ", "");
                if (!s.matches("(st|atom)\\.relaxed\\.sys\\.global\\..*")) {
                    continue;
                }
                effects++;
                int last = i - 1;
                while (!usesSteps.matcher(lines.get(last)).find()) {
                    last--;
                }
                Matcher check = Pattern.compile("setp\\.ge\\.u64 (%p\\d+), " + Pattern.quote(steps) + ", %rd\\d+;")
                        .matcher(lines.get(last));
                assertTrue(check.matches(), c.name() + ": " + s + " is not checked after the last step update: "
                        + lines.get(last));
                assertTrue(lines.get(last + 1).matches("@" + Pattern.quote(check.group(1))
                        + " bra \\$L\\d+_exhausted;"), c.name() + ": " + lines.get(last + 1));
            }
            assertTrue(effects > 0 || !func.contains(".sys."), c.name());
        }
    }

    /** Every Loop and For iteration charges its step and checks the cut-off before its body. */
    @Test
    void everyIterationIsChargedAndChecked() {
        String func = PtxEmitter.emitHandler(ProgramCorpus.handler(List.of(
                let("n", u32(0)),
                new Node.For("i", u32(0), load("args", u32(0)), List.of(
                        new Node.Assign("n", add(var("n"), var("i"))))),
                new Node.Loop(List.of(new Node.If(Expr.bin(BinaryOp.GT, var("n"), u32(9)), List.of(new Node.Return()),
                        List.of(new Node.Assign("n", add(var("n"), u32(1))))))))), "h", PtxTarget.SM_90);
        String steps = Pattern.quote(stepRegister(func));
        String checked = "\tadd\\.u64 " + steps + ", " + steps + ", 1;\n\tsetp\\.ge\\.u64 %p\\d+, " + steps
                + ", %rd\\d+;\n\t@%p\\d+ bra \\$L\\d+_exhausted;\n";
        assertTrue(Pattern.compile("\\$L\\d+_for:\n\tsetp\\.ge\\.u32 %p\\d+, %r\\d+, %r\\d+;\n\t@%p\\d+ bra "
                + "\\$L\\d+_endfor;\n" + checked).matcher(func).find(), "For iteration\n" + func);
        assertTrue(Pattern.compile("\\$L\\d+_loop:\n" + checked).matcher(func).find(), "Loop iteration\n" + func);
    }

    @Test
    void kernelsCountNoSteps() {
        for (ProgramCorpus.Case c : ProgramCorpus.kernels().subList(0, 40)) {
            String entry = PtxEmitter.emitKernel(c.program(), "k", PtxTarget.SM_90).entry();
            assertFalse(entry.contains("_exhausted") || entry.contains("setp.ge.u64"), c.name() + "\n" + entry);
        }
    }
}
