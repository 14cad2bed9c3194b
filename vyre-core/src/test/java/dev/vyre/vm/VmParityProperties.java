package dev.vyre.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.gen.RandomPrograms;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.testing.Props;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The VM agrees with the reference interpreter (the oracle) on generated programs (docs/VM-BYTECODE.md). */
class VmParityProperties {

    @Test
    void singleInvocationProgramsOfTheValidGeneratorAgree() {
        VmHarness h = new VmHarness();
        Props.forAll("VM = reference, one invocation per workgroup", 1_000, (i, rnd) ->
                h.check(Rewrite.singleInvocation(RandomPrograms.generate(rnd)),
                        new Dispatch(1 + rnd.nextInt(3), 1 + rnd.nextInt(2), 1), rnd));
        assertEquals(1_000, h.finished + h.diverged);
        assertTrue(h.finished > 900, "finished " + h.finished);
    }
}
