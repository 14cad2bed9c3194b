package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.ProtocolException;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.RunSnapshot;
import dev.vyre.runtime.parity.SlotStream;
import dev.vyre.runtime.parity.StreamRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The IR-built kernel's protocol in the PTX simulator: SHUTDOWN drains everything published before it, every slot
 * runs exactly once across ring laps, what the kernel does not run is refused at start, and the parity comparison
 * does catch a broken kernel.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimIrKernelTest {
    private static final int TENANT = 0;

    private static Slot add(int amount, int word) {
        return Slot.of(SlotState.EMPTY, Opcodes.ATOMIC_ADD, TENANT, Priority.NORMAL, amount, word);
    }

    @Test
    void shutdownDrainsEverythingPublishedBeforeIt() {
        SimBackend sim = SimBackend.irKernel(4);
        int counter = ControlLayout.OBSERVABLE_BASE + 3;
        try (Megakernel kernel = Megakernel.bootstrap(sim, CudaTests.small())) {
            List<Slot> work = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                work.add(add(1, counter));
            }
            List<Ticket> tickets = kernel.publishBatch(work);
            kernel.control().requestShutdown();
            assertTrue(sim.awaitExit(Duration.ofSeconds(30)), "the workers exit after SHUTDOWN");
            for (Ticket t : tickets) {
                assertEquals(SlotState.DONE, t.await(StreamRun.SLOT_TIMEOUT).state());
            }
            assertEquals(200, kernel.control().load(counter), "every slot published before SHUTDOWN ran");
            assertEquals(200, kernel.control().doneCount());
        }
        assertNull(sim.failure());
    }

    @Test
    void everySlotRunsExactlyOnceOverManyLaps() {
        SimBackend sim = SimBackend.irKernel(8);
        int counter = ControlLayout.OBSERVABLE_BASE + 7;
        int laps = 12;
        MegakernelConfig config = CudaTests.small();
        int n = config.slotCount() * laps;
        try (Megakernel kernel = Megakernel.bootstrap(sim, config)) {
            List<Ticket> tickets = new ArrayList<>();
            for (int lap = 0; lap < laps; lap++) {
                List<Slot> work = new ArrayList<>();
                for (int i = 0; i < config.slotCount(); i++) {
                    work.add(add(1, counter));
                }
                tickets.addAll(kernel.publishBatch(work));
            }
            for (Ticket t : tickets) {
                SlotOutcome o = t.await(StreamRun.SLOT_TIMEOUT);
                assertEquals(SlotState.DONE, o.state(), o::toString);
            }
            CudaTests.awaitDoneCount(kernel.control(), n);
            assertEquals(n, kernel.control().load(counter), "a slot ran twice or not at all");
        }
        assertNull(sim.failure());
    }

    @Test
    void everyTenantGetsItsOwnMask() {
        MegakernelConfig config = CudaTests.small();
        for (int t = 0; t < Permissions.TENANTS; t++) {
            // tenant t may run NOP and, where bit t % 3 of its index says so, ATOMIC_ADD or STORE_U32
            int mask = 1 << Opcodes.NOP | (t % 3 == 0 ? 1 << Opcodes.ATOMIC_ADD : 0)
                    | (t % 3 == 1 ? 1 << Opcodes.STORE_U32 : 0);
            config = config.withTenantMask(t, mask);
        }
        SimBackend sim = SimBackend.irKernel(4);
        int word = ControlLayout.OBSERVABLE_BASE + 11;
        try (Megakernel kernel = Megakernel.bootstrap(sim, config)) {
            for (int t = 0; t < Permissions.TENANTS; t++) {
                SlotOutcome add = kernel.call(Opcodes.ATOMIC_ADD, t, Priority.NORMAL, 1, word);
                SlotOutcome set = kernel.call(Opcodes.STORE_U32, t, Priority.NORMAL, 5, word + 1);
                assertEquals(t % 3 == 0 ? SlotState.DONE : SlotState.FAULT, add.state(), "ATOMIC_ADD of tenant " + t);
                assertEquals(t % 3 == 1 ? SlotState.DONE : SlotState.FAULT, set.state(), "STORE_U32 of tenant " + t);
                assertEquals(SlotState.DONE, kernel.call(Opcodes.NOP, t, Priority.NORMAL).state());
            }
            assertEquals((Permissions.TENANTS + 2) / 3, kernel.control().load(word));
        }
        assertNull(sim.failure());
    }

    @Test
    void whatTheKernelDoesNotRunIsRefusedAtStart() {
        MegakernelConfig withHandler = CudaTests.small().withHandler(0x1000, CoopPrograms.collectives());
        CudaBackendException e = assertThrows(CudaBackendException.class,
                () -> Megakernel.bootstrap(SimBackend.irKernel(4), withHandler).close());
        assertTrue(e.getMessage().contains("cooperative") && e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void dfaStepAutomataAreRefusedAtStart() {
        MegakernelConfig withAutomata = CudaTests.small().withAutomata(dev.vyre.runtime.automata.RingScanner
                .ringAutomata(DfaStepHarness.randomAutomaton(new java.util.SplittableRandom(5))));
        CudaBackendException e = assertThrows(CudaBackendException.class,
                () -> Megakernel.bootstrap(SimBackend.irKernel(4), withAutomata).close());
        assertTrue(e.getMessage().contains("DFA_STEP") && e.getMessage().contains("Fix: "), e.getMessage());
    }

    @Test
    void aBrokenCompareAndSwapIsCaught() {
        SlotStream stream = SlotStream.random(11, 2_000, new SlotStream.Options(64, 6, false, 15));
        RunSnapshot cpu = SettledRun.run(new CpuBackend(), stream, 64);
        // every CAS becomes an exchange of the expected value: COMPARE_SWAP and PRINTF go wrong
        SimBackend broken = SimBackend.irKernel(4, ptx -> ptx.replace("atom.relaxed.sys.global.cas.b32",
                "atom.relaxed.sys.global.exch.b32"));
        boolean caught;
        try {
            caught = cpu.firstDifference(SettledRun.run(broken, stream, 64)).isPresent();
        } catch (ProtocolException e) {
            caught = e.getMessage().contains("debug log"); // the snapshot refuses the log the broken kernel wrote
        }
        assertTrue(caught, "the parity comparison missed a broken kernel");
    }
}
