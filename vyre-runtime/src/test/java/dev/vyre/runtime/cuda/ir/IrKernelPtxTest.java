package dev.vyre.runtime.cuda.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Program;
import dev.vyre.ir.check.Validator;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.runtime.cuda.CudaBackendException;
import dev.vyre.runtime.cuda.Ptxas;
import dev.vyre.runtime.cuda.SmTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IR-built megakernel: a valid VIR0 program that round-trips through the codec, lowered with the system-memory
 * profile's PTX (system-scope accesses, fences, nanosleep), assembled by ptxas for every target the emitter has,
 * refused with a fix for targets older than sm_80.
 */
class IrKernelPtxTest {
    private static final MegakernelProgram.Options OPTIONS = new MegakernelProgram.Options(128, 1, 64);

    @Test
    void theProgramIsValidAndRoundTrips() {
        Program p = MegakernelProgram.build(OPTIONS);
        assertEquals(List.of(), Validator.check(p));
        byte[] bytes = Vir0Encoder.encode(p);
        Program back = Vir0Decoder.decode(bytes);
        assertEquals(p, back);
        assertTrue(java.util.Arrays.equals(bytes, Vir0Encoder.encode(back)));
    }

    @Test
    void theProgramDependsOnItsOptions() {
        Program a = MegakernelProgram.build(OPTIONS);
        Program b = MegakernelProgram.build(new MegakernelProgram.Options(64, 1, 64));
        Program c = MegakernelProgram.build(new MegakernelProgram.Options(128, 1, 128));
        assertTrue(!a.equals(b) && !a.equals(c) && !b.equals(c));
    }

    @Test
    void theKernelUsesSystemScopeOrderingAndSleeps() {
        String ptx = IrKernel.emit(OPTIONS, SmTarget.SM_90).ptx();
        assertTrue(ptx.contains(".visible .entry " + IrKernel.ENTRY + "("), ptx);
        // the hand-written kernel's orderings: an acquire 16-byte poll, relaxed argument loads and CLAIMED store,
        // release STATUS and COMMITTED; DONE_COUNT, whose old value nobody reads, as a red (relaxed after a NOP,
        // release after a slot with effects), as in the hand-written kernel
        for (String needed : List.of("ld.acquire.sys.global.v4.u32", "ld.relaxed.sys.global.v4.u32",
                "st.relaxed.sys.global.u32", "st.release.sys.global.u32", "red.release.sys.global.add.u32",
                "red.relaxed.sys.global.add.u32", "atom.relaxed.sys.global.cas.b32", "nanosleep.u32")) {
            assertTrue(ptx.contains(needed), () -> "the IR kernel has no " + needed);
        }
        // one fence, on the drain check (SHUTDOWN, then the slot again); none on the path of a slot
        assertEquals(1, ptx.split("fence\\.", -1).length - 1, "fences in the IR kernel");
        // no weak (gpu-scope) access to the mapped buffers: every ld/st/atom on them is .sys
        Matcher weak = Pattern.compile("\\b(ld|st)\\.global\\.").matcher(ptx);
        assertTrue(!weak.find(), () -> "a weak global access: " + weak.group());
    }

    @Test
    void targetsOlderThanTheEmitterAreRefusedWithAFix() {
        CudaBackendException e = assertThrows(CudaBackendException.class,
                () -> IrKernel.emit(OPTIONS, new SmTarget(7, 5)));
        assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sm_75", "sm_80", "sm_90"})
    void assemblesWithPtxas(String arch, @TempDir Path dir) throws Exception {
        SmTarget target = new SmTarget(arch.charAt(3) - '0', arch.charAt(4) - '0');
        Assumptions.assumeTrue(target.major() >= 8, "sm_75: the PTX emitter's oldest target is sm_80, so the IR "
                + "kernel is refused there (targetsOlderThanTheEmitterAreRefusedWithAFix)");
        Ptxas.assertAssemblesWithinTheRegisterCap(dir, "ir_megakernel", arch, IrKernel.emit(OPTIONS, target).ptx());
    }
}
