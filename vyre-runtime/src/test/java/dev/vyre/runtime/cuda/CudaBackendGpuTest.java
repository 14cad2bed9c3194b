package dev.vyre.runtime.cuda;

import static dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.UnaryOp;
import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.Backends;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.parity.StreamHandlers;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backend alone, driven through the protocol views without the host runtime: raw slots the host side refuses
 * to publish, the drain on SHUTDOWN, start-time refusals and the backend's life cycle.
 */
@Tag("gpu")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CudaBackendGpuTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeEach
    void gpu() {
        CudaTests.assumeGpu();
    }

    private static RingBuffers buffers(CudaBackend backend, int slots) {
        RingBuffers b = RingBuffers.allocate(backend, slots, 256, 16);
        for (int t = 0; t < Permissions.TENANTS; t++) {
            b.control().setTenantMask(t, Permissions.ALL);
        }
        return b;
    }

    /** Waits until {@code slot} is DONE or FAULT. */
    private static SlotState awaitFinished(RingView ring, int slot) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            SlotState s = ring.status(slot);
            if (s == SlotState.DONE || s == SlotState.FAULT) {
                return s;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("slot " + slot + " did not finish within " + WAIT + ": " + ring.status(slot));
    }

    @Test
    void rawSlotsTheHostRefusesStillFaultOnTheDevice() {
        try (CudaBackend backend = CudaBackend.open()) {
            RingBuffers b = buffers(backend, 64);
            backend.start(b, MegakernelConfig.defaults().withSlots(64).withWorkers(4));
            RingView ring = b.ring();
            ring.publish(0, Opcodes.NOP, Permissions.TENANTS, Priority.NORMAL);
            ring.publish(1, Opcodes.NOP, -1, Priority.NORMAL);
            ring.publish(2, 0xFFF5, 0, Priority.NORMAL, 9, 9, 9);
            ring.publish(3, Opcodes.NOP, Permissions.TENANTS - 1, Priority.NORMAL);
            for (int s = 0; s < 4; s++) {
                awaitFinished(ring, s);
            }
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, ring.read(0).faultCode(), "tenant 30 has no mask");
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, ring.read(1).faultCode(), "tenant 0xFFFFFFFF has no mask");
            assertEquals(FaultCode.UNKNOWN_OPCODE, ring.read(2).faultCode(), "0xFFF5 is no system opcode");
            assertEquals(9, ring.arg(2, 2));
            assertEquals(SlotState.DONE, ring.status(3));
            CudaTests.awaitDoneCount(b.control(), 4);
            assertFalse(backend.awaitExit(Duration.ZERO), "still running");
        }
    }

    @Test
    void shutdownDrainsEverythingPublishedBeforeIt() {
        try (CudaBackend backend = CudaBackend.open()) {
            int slots = 4096;
            RingBuffers b = buffers(backend, slots);
            backend.start(b, MegakernelConfig.defaults().withSlots(slots).withWorkers(32));
            RingView ring = b.ring();
            for (int s = 0; s < slots; s++) {
                ring.publish(s, Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, OBSERVABLE_BASE + s % 7);
            }
            b.control().requestShutdown();
            assertTrue(backend.awaitExit(WAIT), "workers exit after draining");
            for (int s = 0; s < slots; s++) {
                assertEquals(SlotState.DONE, ring.status(s), "slot " + s);
            }
            int sum = 0;
            for (int i = 0; i < 7; i++) {
                int expected = slots / 7 + (i < slots % 7 ? 1 : 0);
                assertEquals(expected, b.control().observable(i), "counter " + i);
                sum += b.control().observable(i);
            }
            assertEquals(slots, sum);
            assertEquals(slots, b.control().doneCount());
        }
    }

    @Test
    void shutdownOpcodeLastRunsEveryEarlierSlot() {
        try (CudaBackend backend = CudaBackend.open()) {
            int slots = 1024;
            RingBuffers b = buffers(backend, slots);
            backend.start(b, MegakernelConfig.defaults().withSlots(slots).withWorkers(16));
            RingView ring = b.ring();
            for (int s = 0; s < slots - 1; s++) {
                ring.publish(s, Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 2, OBSERVABLE_BASE);
            }
            ring.publish(slots - 1, Opcodes.SHUTDOWN, 0, Priority.NORMAL);
            assertTrue(backend.awaitExit(WAIT));
            assertEquals(2 * (slots - 1), b.control().observable(0));
            assertEquals(1, b.control().load(ControlLayout.SHUTDOWN));
            assertEquals(slots, b.control().doneCount());
        }
    }

    @Test
    void closeStopsARunningKernelAndIsIdempotent() {
        CudaBackend backend = CudaBackend.open();
        RingBuffers b = buffers(backend, 128);
        backend.start(b, MegakernelConfig.defaults().withSlots(128));
        assertTrue(backend.workers() >= 1);
        assertFalse(backend.awaitExit(Duration.ofMillis(50)), "an idle kernel keeps running");
        assertNotNull(backend.ptx());
        backend.close();
        backend.close();
        assertThrows(CudaBackendException.class, () -> backend.allocateShared(64, 64));
        assertTrue(backend.awaitExit(Duration.ZERO));
    }

    @Test
    void closeWithoutStartFreesTheBuffers() {
        CudaBackend backend = CudaBackend.open();
        backend.allocateShared(1 << 20, 64).fill((byte) 7);
        assertEquals(0, backend.workers());
        assertTrue(backend.awaitExit(Duration.ZERO), "nothing runs before start");
        backend.close();
    }

    @Test
    void sharedMemoryIsZeroedAndAligned() {
        try (CudaBackend backend = CudaBackend.open()) {
            for (long size : new long[] {1, 63, 4096, 1 << 20}) {
                var s = backend.allocateShared(size, 4096);
                assertEquals(size, s.byteSize());
                assertEquals(0, s.address() % 4096);
                for (long i = 0; i < size; i++) {
                    assertEquals(0, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i), "byte " + i);
                }
            }
            assertThrows(CudaBackendException.class, () -> backend.allocateShared(64, 3));
            assertThrows(CudaBackendException.class, () -> backend.allocateShared(64, 8192));
            assertThrows(CudaBackendException.class, () -> backend.allocateShared(0, 64));
        }
    }

    @Test
    void startRefusesWhatTheKernelCannotRun() {
        try (CudaBackend backend = CudaBackend.open()) {
            RingBuffers b = buffers(backend, 96);
            MegakernelConfig c = MegakernelConfig.defaults().withSlots(96);
            Program dispatch = HandlerPrograms.handler(List.of(new Node.Block(List.of(
                    new Node.IndirectDispatch(HandlerTable.ARGS, 0)))));
            CudaBackendException handlers = assertThrows(CudaBackendException.class, () -> backend.start(b,
                    c.withHandler(StreamHandlers.COUNTING, StreamHandlers.counting()).withHandler(0x300, dispatch)));
            assertTrue(handlers.getMessage().contains("user handler USER(0x00000300) cannot be fused"),
                    handlers.getMessage());
            assertThrows(CudaBackendException.class, () -> backend.start(b, c.withWorkers(7)));
            try (Arena arena = Arena.ofConfined()) {
                RingBuffers foreign = new RingBuffers(ControlView.allocate(arena, 16), RingView.allocate(arena, 96),
                        b.debug(), b.ioQueue());
                CudaBackendException e = assertThrows(CudaBackendException.class, () -> backend.start(foreign, c));
                assertTrue(e.getMessage().contains("control") && e.getMessage().contains("not allocated by this"),
                        e.getMessage());
            }
            assertEquals(0, backend.workers(), "nothing started");
        }
        try (CudaBackend backend = CudaBackend.open(CudaBackend.Settings.defaults().withShape(WorkerShape.WARP))) {
            int resident = backend.settings().shape().maxResidentWorkers(backend.device().multiprocessors());
            int slots = Integer.highestOneBit(resident) * 2;
            RingBuffers b = buffers(backend, slots);
            CudaBackendException e = assertThrows(CudaBackendException.class,
                    () -> backend.start(b, MegakernelConfig.defaults().withSlots(slots).withWorkers(slots)));
            assertTrue(e.getMessage().contains("resident"), e.getMessage());
        }
    }

    @Test
    void startTwiceIsRefused() {
        try (CudaBackend backend = CudaBackend.open()) {
            RingBuffers b = buffers(backend, 32);
            MegakernelConfig c = MegakernelConfig.defaults().withSlots(32);
            backend.start(b, c);
            assertThrows(CudaBackendException.class, () -> backend.start(b, c));
        }
    }

    @Test
    void theServiceLoaderOffersThisBackendForCuda() {
        try (Backend backend = Backends.create(BackendKind.CUDA)) {
            assertTrue(backend instanceof CudaBackend, backend.getClass().getName());
            assertEquals("cuda", backend.name());
        }
    }

    @Test
    void slotWordsBeyondTheArgumentsSurviveAFault() {
        try (CudaBackend backend = CudaBackend.open()) {
            RingBuffers b = buffers(backend, 32);
            backend.start(b, MegakernelConfig.defaults().withSlots(32).withWorkers(1));
            int[] args = new int[SlotLayout.ARGS_PER_SLOT];
            for (int i = 0; i < args.length; i++) {
                args[i] = 0x5150_0000 + i;
            }
            b.ring().publish(0, Opcodes.STORE_U32, 3, Priority.LOW, args);
            awaitFinished(b.ring(), 0);
            var slot = b.ring().read(0);
            assertEquals(FaultCode.CONTROL_OUT_OF_RANGE, slot.faultCode());
            assertEquals(args[1], slot.faultDetail(), "ARG1 named the word");
            assertEquals(Opcodes.STORE_U32, slot.opcode());
            assertEquals(3, slot.tenant());
            assertEquals(Priority.LOW, slot.priority());
            for (int i = 2; i < args.length; i++) {
                assertEquals(args[i], slot.arg(i));
            }
        }
    }
}
