package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.cache.Fingerprint;
import dev.vyre.runtime.cuda.ir.IrKernel;
import dev.vyre.runtime.cuda.ir.MegakernelProgram;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IR-built megakernel with tenant confinement ({@code ConfinementNodes}), without running it: the program is
 * valid VIR0 and round-trips through the codec; only a confined program has the window table and its checks (an
 * unconfined one is the program it was), so confinement changes the program, hence the pipeline-cache key; ptxas
 * assembles it for sm_80 and sm_90, without and with 20 inlined handlers, within 128 registers and without spills.
 */
class IrConfinementPtxTest {
    private static final MegakernelProgram.Options BASE = new MegakernelProgram.Options(128, 1, 64);

    /** The base options with no handlers, {@link ConfinedStream}'s four, or 20 (three on the data region). */
    private static MegakernelProgram.Options options(String handlers, boolean confined) {
        MegakernelProgram.Options o = switch (handlers) {
            case "none" -> BASE;
            case "confined" -> BASE.withHandlers(HandlerTable.of(ConfinedStream.config(1, false).userHandlers()),
                    100_000);
            default -> BASE.withHandlers(MegakernelPtxTest.table(IrHandlersPtxTest.handlers("data")), 1_000_000);
        };
        return o.withConfinement(confined);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "confined", "twenty"})
    void theProgramIsValidAndRoundTrips(String handlers) {
        Program p = MegakernelProgram.build(options(handlers, true));
        assertEquals(List.of(), Validator.check(p));
        assertEquals(p, Vir0Decoder.decode(Vir0Encoder.encode(p)));
    }

    @Test
    void confinementChangesTheProgramAndItsKeyAndOnlyItHasTheWindowTable() {
        List<Fingerprint> keys = new java.util.ArrayList<>();
        for (String handlers : List.of("none", "confined")) {
            for (boolean confined : new boolean[] {false, true}) {
                Program p = MegakernelProgram.build(options(handlers, confined));
                boolean table = p.buffers().stream().map(BufferDecl::name)
                        .anyMatch(MegakernelProgram.WINDOWS_MEMORY::equals);
                assertEquals(confined, table, "the window table is declared exactly when confined");
                keys.add(MegakernelKey.ofIr(p, "sm_90", 9, 0, "cuda 13000", "1+abc"));
            }
        }
        assertEquals(keys.size(), new HashSet<>(keys).size(), "confinement changes the key: " + keys);
        assertEquals(MegakernelProgram.build(BASE), MegakernelProgram.build(BASE.withConfinement(false)),
                "without confined tenants the program is the one it was");
        assertEquals(keys.get(1), MegakernelKey.ofIr(MegakernelProgram.build(options("none", true)), "sm_90", 9, 0,
                "cuda 13000", "1+abc"), "the same options build the same program");
    }

    @ParameterizedTest
    @CsvSource({"sm_80, none", "sm_90, none", "sm_80, twenty", "sm_90, twenty", "sm_90, confined"})
    void assemblesWithinTheRegisterCap(String arch, String handlers, @TempDir Path dir) throws Exception {
        Path ptxas = Ptxas.locate();
        Assumptions.assumeTrue(ptxas != null, "ptxas not found on PATH, /usr/local/bin or /usr/local/cuda/bin: "
                + "the confined IR megakernel is not assembled on this machine");
        SmTarget target = new SmTarget(arch.charAt(3) - '0', arch.charAt(4) - '0');
        String ptx = IrKernel.emit(options(handlers, true), target).ptx();
        // the window table is device memory (weak loads); every store is to mapped memory, system scope
        assertFalse(Pattern.compile("\\bst\\.global\\.").matcher(ptx).find(), "a weak global store");
        Ptxas.Result r = Ptxas.assemble(ptxas, dir, "ir_megakernel_confined", arch, ptx);
        Assumptions.assumeFalse(r.unknownArchitecture(), () -> "this ptxas no longer knows " + arch);
        assertEquals(0, r.exit(), () -> "ptxas -arch=" + arch + " rejected the confined IR megakernel:\n"
                + r.output());
        Matcher regs = Pattern.compile("Used (\\d+) registers").matcher(r.output());
        assertTrue(regs.find(), () -> "ptxas -v reported no register count:\n" + r.output());
        int used = Integer.parseInt(regs.group(1));
        System.out.println("confined ir-kernel " + arch + " with " + handlers + " handlers: " + used + " registers");
        assertTrue(used <= MegakernelPtx.MAX_REGISTERS, r.output());
        assertTrue(r.output().contains("0 bytes spill stores"), () -> "the confined IR kernel spills:\n"
                + r.output());
    }
}
