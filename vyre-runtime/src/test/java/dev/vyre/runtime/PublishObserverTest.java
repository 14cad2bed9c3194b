package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A backend's {@link Backend#publishObserver()} sees every slot the host publishes, by every path (ticket, call,
 * batch, submit), with its words filled and STATUS not yet PUBLISHED: what the isolated backend's copy of the
 * published words relies on.
 */
class PublishObserverTest {

    private static int[] padded(int first) {
        int[] a = new int[SlotLayout.ARGS_PER_SLOT];
        a[0] = first;
        return a;
    }

    @Test
    void everyPublishIsSeenFilledAndBeforeItsStatus() {
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        Set<String> wrong = ConcurrentHashMap.newKeySet();
        SlotObserver watcher = new SlotObserver() {
            @Override
            public void published(long sequence, int slot, RingView ring) {
                seen.add(sequence);
                if (ring.statusWord(slot) == SlotState.PUBLISHED.wire()) {
                    wrong.add("sequence " + sequence + " was already PUBLISHED");
                }
                if (ring.word(slot, SlotLayout.OPCODE) != Opcodes.NOP || ring.arg(slot, 0) != 7) {
                    wrong.add("sequence " + sequence + " was not filled");
                }
            }

            @Override
            public void finished(long sequence, int slot, RingView ring) {
            }

            @Override
            public void close() {
            }
        };
        Backend cpu = Backends.create(BackendKind.CPU);
        Backend watched = new Backend() {
            @Override
            public String name() {
                return cpu.name();
            }

            @Override
            public MemorySegment allocateShared(long bytes, long alignment) {
                return cpu.allocateShared(bytes, alignment);
            }

            @Override
            public void start(RingBuffers buffers, MegakernelConfig config) {
                cpu.start(buffers, config);
            }

            @Override
            public SlotObserver publishObserver() {
                return watcher;
            }

            @Override
            public int workers() {
                return cpu.workers();
            }

            @Override
            public boolean awaitExit(Duration timeout) {
                return cpu.awaitExit(timeout);
            }

            @Override
            public void close() {
                cpu.close();
            }
        };
        try (Megakernel k = Megakernel.bootstrap(watched, MegakernelConfig.defaults().withSlots(64).withWorkers(2))) {
            for (int i = 0; i < 100; i++) {
                k.publish(Opcodes.NOP, 0, Priority.NORMAL, 7).await(Duration.ofSeconds(10));
                k.call(Opcodes.NOP, 0, Priority.NORMAL, 7);
            }
            List<Slot> work = java.util.Collections.nCopies(50,
                    new Slot(SlotState.PUBLISHED, Opcodes.NOP, 0, Priority.NORMAL, padded(7)));
            List<Ticket> batch = k.publishBatch(work);
            for (Ticket t : batch) {
                t.await(Duration.ofSeconds(10));
            }
            k.awaitDone(k.submit(Opcodes.NOP, 0, Priority.NORMAL, 300, 7), Duration.ofSeconds(10));
        }
        assertEquals(Set.of(), wrong);
        assertEquals(550, seen.size(), "every published sequence once");
    }
}
