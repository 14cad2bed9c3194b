package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.ConfinedStream.Snapshot;
import dev.vyre.runtime.cuda.ConfinedStream.Work;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tenant confinement in the IR-built kernel ({@code ConfinementNodes}), run by the PTX simulator against the CPU
 * backend on {@link SimConfinementTest}'s streams: confined and unconfined tenants' built-ins, packed slots and
 * inlined handlers reaching in and out of their regions give identical outcomes (fault codes and details included),
 * control blocks and data regions, and the kernel itself makes no out-of-bounds access. The same comparison runs on
 * the GPU in {@link CudaIrConfinementGpuTest}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SimIrConfinementTest {
    /**
     * The window entry's second load (CONTROL_WORDS) after the tenant is clamped to the last entry ({@code min} with
     * 29): group 1 is its register.
     */
    private static final Pattern WINDOW_WORDS = Pattern.compile("0x0000001D;\\n\\tmin\\.u32 [^\\n]*\\n"
            + "(?:[^\\n]*\\n)*?[^\\n]*ld\\.global\\.u32 %r\\d+, \\[[^\\n]*\\n(?:[^\\n]*\\n)*?[^\\n]*"
            + "ld\\.global\\.u32 (%r\\d+), \\[[^\\n]*\\n");

    private static void assertParity(long seed, List<Work> work, int workers, SimBackend sim) {
        SimConfinementTest.assertParity(seed, work, ConfinedStream.config(workers, false), sim);
        assertArrayEquals(new int[] {0, 0}, sim.outOfBoundsCounts(), "out-of-bounds loads and stores of the kernel");
    }

    /** One worker: every kind of slot, reads and writes overlapping, so the whole memory must match. */
    @ParameterizedTest
    @CsvSource({"1", "2", "3"})
    void oneWorkerMatchesTheCpuBackend(long seed) {
        assertParity(seed, ConfinedStream.random(seed, 600, false, false), 1, SimBackend.irKernel(1));
    }

    /** Several workers (concurrent windows) on atomic adds only: the order does not matter. */
    @ParameterizedTest
    @CsvSource({"11, 4", "13, 8"})
    void severalWorkersMatchTheCpuBackend(long seed, int workers) {
        assertParity(seed, ConfinedStream.random(seed, 600, true, false), workers, SimBackend.irKernel(workers));
    }

    /** Doorbell pollers run slots with the same code: confined there too. */
    @Test
    void doorbellPollersConfineToo() {
        assertParity(21, ConfinedStream.random(21, 400, true, false), 4,
                SimBackend.irKernel(4, 2, UnaryOperator.identity()));
    }

    /** Tenant 1's handlers and STORE_U32 aimed at tenant 2's regions fault and leave them unchanged. */
    @Test
    void aTenantCannotTouchAnotherTenantsRegions() {
        byte[] contents = ConfinedStream.contents(5);
        SimBackend sim = SimBackend.irKernel(1);
        SimConfinementTest.assertEscapesRefused(ConfinedStream.run(sim, ConfinedStream.config(1, false), contents,
                SimConfinementTest.escapes()), contents);
        assertNull(sim.failure());
    }

    /**
     * The test catches a kernel whose windows are one word too long (each slot's window words, loaded from the table,
     * plus 1): confined built-ins and handlers then reach the word past their window (another window or a free
     * observable, never a fixed word, so the broken kernel cannot end the run).
     */
    @Test
    void aKernelWithWindowsOneWordTooLongIsCaught() {
        UnaryOperator<String> longer = ptx -> {
            Matcher m = WINDOW_WORDS.matcher(ptx);
            assertTrue(m.find(), "the window's words load was not found in the IR kernel's PTX");
            return ptx.substring(0, m.end()) + "\tadd.u32 " + m.group(1) + ", " + m.group(1) + ", 1;\n"
                    + ptx.substring(m.end());
        };
        List<Work> work = ConfinedStream.random(1, 600, false, false);
        byte[] contents = ConfinedStream.contents(1);
        MegakernelConfig config = ConfinedStream.config(1, false);
        Snapshot cpu = ConfinedStream.run(new CpuBackend(), config, contents, work);
        SimBackend sim = SimBackend.irKernel(1, longer);
        Snapshot broken = ConfinedStream.run(sim, config, contents, work);
        assertNull(sim.failure());
        assertFalse(cpu.differenceFrom(broken) == null, "a kernel with windows one word too long must differ");
    }
}
