package dev.vyre.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.parity.StreamHandlers;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The megakernel's cursor words (the isolated backend's restart point, docs/TENANTS.md) in the PTX simulator:
 * each worker starts at its cursor word, not at its first slot, and stores the next slot it will visit there before
 * it commits. The test-only injected fault is refused for an opcode that has no handler.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimCursorsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void workersStartAtTheirCursorWordsAndStoreTheNextSlotBeforeTheyCommit() throws Exception {
        SimBackend sim = new SimBackend(WorkerShape.THREAD, 2);
        MemorySegment cursors = sim.allocateShared(2L * Wire.WORD_BYTES, Wire.WORD_BYTES);
        cursors.set(Wire.WORD, 0, 4);
        cursors.set(Wire.WORD, Wire.WORD_BYTES, 1);
        sim.useCursors(cursors);
        MegakernelConfig config = MegakernelConfig.defaults().withSlots(8).withWorkers(2).withObservables(16)
                .withDebugRecords(0).withHandler(StreamHandlers.COUNTING, StreamHandlers.counting());
        try (Megakernel k = Megakernel.bootstrap(sim, config)) {
            List<Ticket> first = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                first.add(k.publish(i % 2 == 0 ? Opcodes.NOP : StreamHandlers.COUNTING, 0, Priority.NORMAL, i, 1,
                        160 + i, 170));
            }
            // worker 0 starts at slot 4: runs it, then waits at 6 (not published), so 0 and 2 wait behind it
            assertTrue(first.get(4).await(WAIT).isDone());
            for (int i : new int[] {1, 3, 5}) {
                assertEquals(i * 31 + 1, first.get(i).await(WAIT).args()[0], "worker 1 ran slot " + i);
            }
            awaitWord(cursors, 0, 6);
            awaitWord(cursors, 1, 7);
            Thread.sleep(50);
            assertEquals(SlotState.PUBLISHED.wire(), k.ring().statusWord(0), "slot 0 is behind worker 0's cursor");
            assertEquals(SlotState.PUBLISHED.wire(), k.ring().statusWord(2), "slot 2 is behind worker 0's cursor");
            Ticket six = k.publish(Opcodes.NOP, 0, Priority.NORMAL);
            Ticket seven = k.publish(Opcodes.NOP, 0, Priority.NORMAL);
            assertTrue(six.await(WAIT).isDone() && seven.await(WAIT).isDone());
            assertTrue(first.get(0).await(WAIT).isDone() && first.get(2).await(WAIT).isDone(),
                    "worker 0 wrapped around to slots 0 and 2");
            awaitWord(cursors, 0, 4);
            awaitWord(cursors, 1, 1);
        }
        assertNull(sim.failure(), () -> "the simulated kernel failed: " + sim.failure());
    }

    @Test
    void anInjectedFaultNeedsARegisteredHandler() {
        MegakernelPtx.Options o = new MegakernelPtx.Options(SmTarget.SM_90, WorkerShape.THREAD, 1, 64);
        CudaBackendException e = assertThrows(CudaBackendException.class, () -> o.withInjectedFault(0x345));
        assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
    }

    private static void awaitWord(MemorySegment words, int index, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (words.get(Wire.WORD, (long) index * Wire.WORD_BYTES) != expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(expected, words.get(Wire.WORD, (long) index * Wire.WORD_BYTES), "cursor word " + index);
    }
}
