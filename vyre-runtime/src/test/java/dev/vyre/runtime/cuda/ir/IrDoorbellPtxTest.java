package dev.vyre.runtime.cuda.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.runtime.cuda.Ptxas;
import dev.vyre.runtime.cuda.SmTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The IR-built kernel with doorbell pollers ({@link DoorbellNodes}): a valid program that round-trips, one extra
 * workgroup per poller, the doorbell entry read by one 8-byte acquire system-scope load, the claim words the only
 * accesses that are not system scope (besides the emitter's out-of-bounds counters), and ptxas sm_80/sm_90 assemble
 * it within 128 registers without spills.
 */
class IrDoorbellPtxTest {
    private static final MegakernelProgram.Options OPTIONS = new MegakernelProgram.Options(128, 1, 16384, 3);

    @Test
    void theProgramIsValidAndRoundTrips() {
        Program p = MegakernelProgram.build(OPTIONS);
        assertEquals(List.of(), Validator.check(p));
        Program back = Vir0Decoder.decode(Vir0Encoder.encode(p));
        assertEquals(p, back);
        assertEquals(List.of("control", "ring", "debug", "ring_acquire", "ring_release", "control_release",
                "debug_release", "doorbell", "claims", "claims_release"), p.buffers().stream()
                .map(dev.vyre.ir.BufferDecl::name).toList());
        assertEquals(MegakernelProgram.CLAIMS_MEMORY, MegakernelProgram.memoryOf("claims_release"));
        // without pollers the program has none of it
        assertEquals(7, MegakernelProgram.build(new MegakernelProgram.Options(128, 1, 16384)).buffers().size());
    }

    @Test
    void everyPollerGetsAWorkgroup() {
        assertEquals(1, MegakernelProgram.workgroups(new MegakernelProgram.Options(128, 1, 64)));
        assertEquals(4, MegakernelProgram.workgroups(OPTIONS));
        assertEquals(2 + 8, MegakernelProgram.workgroups(new MegakernelProgram.Options(129, 1, 64, 8)));
    }

    @Test
    void theDoorbellIsOneAtomicLoadAndTheClaimWordsTheOnlyDeviceScopeAccesses() {
        String ptx = IrKernel.emit(OPTIONS, SmTarget.SM_90).ptx();
        assertEquals(OPTIONS.doorbellPollers(), count(ptx, "ld\\.acquire\\.sys\\.global\\.u64 "),
                "one 8-byte acquire load of the doorbell per poller (each polls its own line)");
        assertTrue(!ptx.contains(".v2."), "no vector load of the doorbell entry (not single-copy atomic)");
        // every memory access that is not .sys: the claim words (device scope) and the out-of-bounds counters
        List<String> notSystem = new ArrayList<>();
        Matcher m = Pattern.compile("\\b(ld|st|atom|red)\\.[a-z0-9_.]+").matcher(ptx);
        while (m.find()) {
            String op = m.group();
            if (!op.contains(".sys.") && !op.startsWith("ld.param")) {
                notSystem.add(op);
            }
        }
        assertEquals(List.of("atom.acquire.gpu.global.cas.b32", "ld.acquire.gpu.global.u32",
                "red.global.add.u32", "st.release.gpu.global.u32"), notSystem.stream().distinct().sorted().toList(),
                "accesses that are not system scope");
        assertEquals(2, count(ptx, "atom\\.acquire\\.gpu\\.global\\.cas\\.b32"), "a poller's claim and a ring "
                + "worker's");
        assertEquals(1, count(ptx, "st\\.release\\.gpu\\.global\\.u32"), "one finish, shared by both");
        // the only fence is still the ring workers' drain check; a poller sleeps only to stagger or wait behind
        assertEquals(1, count(ptx, "fence\\."));
        assertEquals(3, count(ptx, "nanosleep\\.u32"), "the idle backoff, the stagger, the wait behind a lap; none in"
                + " the poll");
    }

    @ParameterizedTest
    @CsvSource({"sm_80, 1", "sm_90, 3", "sm_90, 8", "sm_80, 4"})
    void assemblesWithPtxas(String arch, int pollers, @TempDir Path dir) throws Exception {
        SmTarget target = new SmTarget(arch.charAt(3) - '0', arch.charAt(4) - '0');
        String ptx = IrKernel.emit(new MegakernelProgram.Options(128, 1, 16384, pollers), target).ptx();
        Ptxas.assertAssemblesWithinTheRegisterCap(dir, "ir_doorbell", arch, ptx);
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }
}
