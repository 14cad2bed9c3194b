package dev.vyre.runtime.cuda;

import static dev.vyre.runtime.cuda.ConfinedStream.CONTROL_RW;
import static dev.vyre.runtime.cuda.ConfinedStream.DATA_WRITER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.SchedulerConfig;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.cuda.ConfinedStream.Snapshot;
import dev.vyre.runtime.cuda.ConfinedStream.Work;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tenant confinement in the generated megakernel (docs/TENANTS.md, "Confinement"), run by the PTX simulator against
 * the CPU backend: random streams of confined and unconfined tenants' built-ins and handlers reaching in and out of
 * their regions give identical outcomes (fault codes and details included), control blocks and data regions; a
 * tenant's handler aimed at another tenant's window and data faults and leaves them unchanged. The same comparison
 * runs on the GPU in {@link CudaConfinementGpuTest}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SimConfinementTest {

    /** The CPU backend and {@code sim} run {@code work} alike; the stream mixes completions and region faults. */
    static void assertParity(long seed, List<Work> work, MegakernelConfig config, SimBackend sim) {
        byte[] contents = ConfinedStream.contents(seed);
        Snapshot cpu = ConfinedStream.run(new CpuBackend(), config, contents, work);
        Snapshot simulated = ConfinedStream.run(sim, config, contents, work);
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
        String difference = cpu.differenceFrom(simulated);
        assertNull(difference, () -> "seed " + seed + ": cpu vs simulated kernel differ at " + difference);
        long regionFaults = cpu.outcomes().stream().filter(o -> o.fault() == FaultCode.OUT_OF_REGION).count();
        long done = cpu.outcomes().stream().filter(SlotOutcome::isDone).count();
        assertTrue(regionFaults > work.size() / 20 && done > work.size() / 4, "the stream should mix completions ("
                + done + ") and OUT_OF_REGION faults (" + regionFaults + ")");
    }

    /** One worker: every kind of slot, reads and writes overlapping, so the whole memory must match. */
    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, true"})
    void oneWorkerMatchesTheCpuBackend(long seed, boolean cooperative) {
        List<Work> work = ConfinedStream.random(seed, 600, false, cooperative);
        assertParity(seed, work, ConfinedStream.config(1, cooperative), new SimBackend(WorkerShape.THREAD, 1));
    }

    /** Several workers (per-worker counters, concurrent windows) on atomic adds only: the order does not matter. */
    @ParameterizedTest
    @CsvSource({"11, THREAD, 4, false", "12, WARP, 2, false", "13, THREAD, 8, false", "14, WARP, 4, true"})
    void severalWorkersMatchTheCpuBackend(long seed, WorkerShape shape, int workers, boolean cooperative) {
        List<Work> work = ConfinedStream.random(seed, 600, true, cooperative);
        assertParity(seed, work, ConfinedStream.config(workers, cooperative), new SimBackend(shape, workers));
    }

    /** Doorbell pollers run slots with the same code: confined there too. */
    @Test
    void doorbellPollersConfineToo() {
        List<Work> work = ConfinedStream.random(21, 400, true, false);
        assertParity(21, work, ConfinedStream.config(4, false), new SimBackend(WorkerShape.THREAD, 4, 2));
    }

    /**
     * Tenant 1's handler aims at tenant 2's window and data (relative indices that land there if unconfined): it
     * faults OUT_OF_REGION with the number of accesses, and tenant 2's words are unchanged, on both backends.
     */
    @Test
    void aTenantCannotTouchAnotherTenantsRegions() {
        List<Work> work = escapes();
        byte[] contents = ConfinedStream.contents(5);
        MegakernelConfig config = ConfinedStream.config(1, false);
        assertEscapesRefused(ConfinedStream.run(new CpuBackend(), config, contents, work), contents);
        assertEscapesRefused(ConfinedStream.run(new SimBackend(WorkerShape.THREAD, 1), config, contents, work),
                contents);
    }

    /**
     * Tenant 1 aims at tenant 2's regions: its control handler at tenant 2's word 3 (a store, a load, an atomic),
     * its data writer at tenant 2's data word 5, a STORE_U32 at tenant 2's word 3; then tenant 2's own handler.
     */
    static List<Work> escapes() {
        int[] two = ConfinedStream.REGIONS[2];
        int[] one = ConfinedStream.REGIONS[1];
        int into = two[0] - one[0] + 3; // tenant 2's word 3, seen from tenant 1's window
        int[] rw = new int[SlotLayout.ARGS_PER_SLOT];
        rw[0] = into;
        rw[1] = 0xBAD;
        rw[3] = into;
        rw[5] = into;
        int[] writer = new int[SlotLayout.ARGS_PER_SLOT];
        writer[9] = (two[2] - one[2]) / 4 + 5; // tenant 2's data word 5, as an index into tenant 1's range
        writer[1] = 0x1234;
        int[] store = new int[SlotLayout.ARGS_PER_SLOT];
        store[0] = 0xBAD;
        store[1] = two[0] + 3;
        return List.of(new Work(CONTROL_RW, 1, rw), new Work(DATA_WRITER, 1, writer),
                new Work(Opcodes.STORE_U32, 1, store), new Work(CONTROL_RW, 2, new int[SlotLayout.ARGS_PER_SLOT]));
    }

    /** What {@link #escapes()} must leave: three faults with their details, tenant 2's regions as they were. */
    static void assertEscapesRefused(Snapshot s, byte[] contents) {
        int[] two = ConfinedStream.REGIONS[2];
        SlotOutcome handler = s.outcomes().get(0);
        assertEquals(FaultCode.OUT_OF_REGION, handler.fault(), handler.toString());
        assertEquals(3, handler.faultDetail(), "a store, a load and an atomic outside the window");
        SlotOutcome data = s.outcomes().get(1);
        assertEquals(FaultCode.OUT_OF_REGION, data.fault(), data.toString());
        assertEquals(3, data.faultDetail(), "an atomic, a store and a load outside the range");
        SlotOutcome builtin = s.outcomes().get(2);
        assertEquals(FaultCode.OUT_OF_REGION, builtin.fault(), builtin.toString());
        assertEquals(two[0] + 3, builtin.faultDetail(), "the first word outside the window");
        assertTrue(s.outcomes().get(3).isDone(), "tenant 2's own handler runs");
        assertEquals(1, s.control()[two[0]], "tenant 2's own handler added 1 to its word 0");
        for (int w = 1; w < two[1]; w++) {
            assertEquals(0, s.control()[two[0] + w], "tenant 2's word " + w + " is untouched");
        }
        ByteBuffer after = ByteBuffer.wrap(s.data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer before = ByteBuffer.wrap(contents).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = two[2]; b < two[2] + two[3]; b += 4) {
            assertEquals(before.getInt(b), after.getInt(b), "tenant 2's data byte " + b + " is untouched");
        }
    }

    /** The CUDA kernel has no priority look-ahead: a look-ahead above 1 is refused, not ignored. */
    @Test
    void lookAheadIsRefused() {
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(64).withWorkers(1)
                .withScheduler(SchedulerConfig.defaults().withLookahead(4));
        CudaBackendException e = assertThrows(CudaBackendException.class,
                () -> Megakernel.bootstrap(new SimBackend(WorkerShape.THREAD, 1), config).close());
        assertTrue(e.getMessage().contains("look-ahead 4") && e.getMessage().contains("Fix:"), e.getMessage());
    }

    /**
     * The test catches a kernel that does not fault OUT_OF_REGION (handlers only, which cannot leave their windows
     * either way, so the broken kernel cannot write the fixed words and hang the run).
     */
    @Test
    void aKernelThatNeverFaultsOutOfRegionIsCaught() {
        UnaryOperator<String> noRegionFaults = ptx -> ptx.replace("bra " + ConfinementPtx.OUT_OF_REGION + ";",
                "mov.u32 %t0, %t0;");
        List<Work> work = ConfinedStream.random(1, 300, false, false).stream()
                .filter(w -> w.opcode() >= CONTROL_RW).toList();
        byte[] contents = ConfinedStream.contents(1);
        MegakernelConfig config = ConfinedStream.config(1, false);
        Snapshot cpu = ConfinedStream.run(new CpuBackend(), config, contents, work);
        SimBackend sim = new SimBackend(WorkerShape.THREAD, 1, 0, noRegionFaults);
        Snapshot broken = ConfinedStream.run(sim, config, contents, work);
        assertNull(sim.failure());
        assertFalse(cpu.differenceFrom(broken) == null, "a kernel that never faults OUT_OF_REGION must differ");
    }
}
