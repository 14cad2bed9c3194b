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

    @Test
    void raceFreeProgramsOfManyLanesAgree() {
        VmHarness h = new VmHarness();
        Props.forAll("VM = reference, many lanes", 1_000, (i, rnd) -> {
            LaneProgramGenerator.Case c = LaneProgramGenerator.generate(rnd);
            h.check(c.program(), c.grid(), rnd);
        });
        assertTrue(h.finished > 700, "finished " + h.finished + ", diverged " + h.diverged);
        assertTrue(h.diverged > 5, "divergence was provoked only " + h.diverged + " times");
    }

    @Test
    void theGeneratedProgramsCoverEveryOpcode() {
        VmHarness h = new VmHarness();
        Props.forAll("VM = reference, coverage run", 600, (i, rnd) -> {
            if (i % 2 == 0) {
                h.check(Rewrite.singleInvocation(RandomPrograms.generate(rnd)), new Dispatch(1, 1, 1), rnd);
            } else {
                LaneProgramGenerator.Case c = LaneProgramGenerator.generate(rnd);
                h.check(c.program(), c.grid(), rnd);
            }
        });
        Set<VmOp> missing = EnumSet.allOf(VmOp.class);
        missing.removeAll(h.covered);
        assertEquals(Set.of(), missing, "opcodes no finished parity program used");
        assertEquals(13, EnumSet.allOf(VmOp.class).stream().filter(VmOp::transcendental).count(),
                "one opcode per transcendental operator, all of them covered above");
    }
}
