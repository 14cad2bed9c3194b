package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cache.Fingerprint;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.cuda.ir.MegakernelProgram;
import dev.vyre.runtime.stream.ChunkHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IR-built megakernel with inlined user handlers, without running it: the program is valid VIR0 and round-trips
 * through the codec; ptxas assembles it for sm_80 and sm_90 with 20 handlers (the hand-written and random integer
 * ones; ones adapted from random programs over every type and operator) within 128 registers and without spills;
 * (and 20 with three on the data region); the handlers change the program, hence the pipeline-cache key; what it
 * cannot fuse is refused with a Fix.
 */
class IrHandlersPtxTest {
    private static final MegakernelProgram.Options BASE = new MegakernelProgram.Options(128, 1, 64);

    private static MegakernelProgram.Options with(List<Program> programs, long budget) {
        return BASE.withHandlers(MegakernelPtxTest.table(programs), budget);
    }

    /** 20 handlers: mixed (hand-written and random integer), adapted (every type and operator), or data (three on
     * the data region, a Bytes and two U32 views, and 17 mixed ones). */
    static List<Program> handlers(String kind) {
        return switch (kind) {
            case "mixed" -> SimHandlersTest.mixedHandlers(1);
            case "adapted" -> MegakernelPtxTest.adapted(2, 20);
            default -> {
                List<Program> data = new ArrayList<>(List.of(ChunkHandlers.fnv1a(), ChunkHandlers.wordSum(),
                        SimDataHandlersTest.writer()));
                data.addAll(SimHandlersTest.mixedHandlers(3).subList(0, 17));
                yield data;
            }
        };
    }

    @ParameterizedTest
    @CsvSource({"mixed", "adapted", "data"})
    void theProgramIsValidAndRoundTrips(String kind) {
        Program p = MegakernelProgram.build(with(handlers(kind), 5_000));
        assertEquals(List.of(), Validator.check(p));
        Program back = Vir0Decoder.decode(Vir0Encoder.encode(p));
        assertEquals(p, back);
    }

    @ParameterizedTest
    @CsvSource({"sm_80, mixed", "sm_90, mixed", "sm_80, adapted", "sm_90, adapted", "sm_90, data"})
    void assemblesWithTwentyHandlers(String arch, String kind, @TempDir Path dir) throws Exception {
        List<Program> programs = handlers(kind);
        assertEquals(20, programs.size());
        SmTarget target = new SmTarget(arch.charAt(3) - '0', arch.charAt(4) - '0');
        String ptx = IrKernel.emit(with(programs, 1_000_000), target).ptx();
        // every access to the mapped buffers is system scope, the handlers' included
        Matcher weak = Pattern.compile("\\b(ld|st)\\.global\\.").matcher(ptx);
        assertTrue(!weak.find(), () -> "a weak global access: " + weak.group());
        int used = Ptxas.assertAssemblesWithinTheRegisterCap(dir, "ir_megakernel_handlers", arch, ptx);
        System.out.println("ir-kernel " + arch + " with 20 " + kind + " handlers: " + used + " registers, "
                + ptx.lines().count() + " PTX lines");
    }

    @Test
    void theHandlersAndTheBudgetChangeTheProgramAndItsKey() {
        List<Program> programs = SimHandlersTest.mixedHandlers(1);
        List<Program> other = new ArrayList<>(programs);
        other.set(3, HandlerPrograms.counter());
        List<MegakernelProgram.Options> options = List.of(BASE, with(programs, 5_000), with(programs, 5_001),
                with(other, 5_000), with(programs.subList(0, 19), 5_000));
        List<Fingerprint> keys = new ArrayList<>();
        for (MegakernelProgram.Options o : options) {
            keys.add(MegakernelKey.ofIr(MegakernelProgram.build(o), "sm_90", 9, 0, "cuda 13000", "1+abc"));
        }
        assertEquals(keys.size(), new HashSet<>(keys).size(), "each handler set and budget has its own key: "
                + keys);
        assertEquals(keys.get(1), MegakernelKey.ofIr(MegakernelProgram.build(with(programs, 5_000)), "sm_90", 9, 0,
                "cuda 13000", "1+abc"), "the same handlers build the same program");
        assertNotEquals(MegakernelProgram.build(BASE), MegakernelProgram.build(with(programs, 5_000)));
    }

    @Test
    void whatItCannotFuseIsRefusedWithAFix() {
        Program coop = CoopPrograms.collectives();
        CudaBackendException e = assertThrows(CudaBackendException.class, () -> with(List.of(coop), 5_000));
        assertTrue(e.getMessage().contains("cooperative") && e.getMessage().contains("Fix: ")
                && e.getMessage().contains("hand-written kernel"), e.getMessage());
        CudaBackendException budget = assertThrows(CudaBackendException.class,
                () -> with(List.of(HandlerPrograms.counter()), 0xFFFF_FFFFL));
        assertTrue(budget.getMessage().contains("step budget") && budget.getMessage().contains("Fix: "),
                budget.getMessage());
        // through the backend: refused at start
        MegakernelConfig config = CudaTests.small().withHandler(0x1000, coop);
        CudaBackendException atStart = assertThrows(CudaBackendException.class,
                () -> Megakernel.bootstrap(SimBackend.irKernel(4), config).close());
        assertTrue(atStart.getMessage().contains("cooperative"), atStart.getMessage());
    }
}
