package dev.vyre.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.Slot;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.RingBuffers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor on its own, without threads, on slots the host would refuse to publish (tenant words past 29,
 * system-range opcodes without a meaning), as a raw ring writer such as a device-side producer could write them.
 */
class SlotExecutorTest {
    private final Arena arena = Arena.ofConfined();
    private final RingBuffers buffers = new RingBuffers(ControlView.allocate(arena, 16), RingView.allocate(arena, 4),
            DebugLogView.allocate(arena, 4), MemorySegment.NULL);

    /** A fresh executor per slot: it reads the tenant masks when it is made, as a backend does at start. */
    private SlotExecutor executor() {
        return new SlotExecutor(buffers, HandlerTable.empty(), 100);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    private Slot execute(int opcode, int tenant, int... args) {
        RingView ring = buffers.ring();
        ring.publish(0, opcode, tenant, Priority.NORMAL, args);
        assertTrue(ring.tryClaim(0));
        executor().execute(0);
        Slot s = ring.read(0);
        assertTrue(ring.recycle(0));
        return s;
    }

    @Test
    void tenantWithoutMaskWordIsRefused() {
        for (int t = 0; t < 30; t++) {
            buffers.control().setTenantMask(t, -1);
        }
        assertEquals(SlotState.DONE, execute(Opcodes.NOP, 29).status());
        for (int tenant : new int[] {30, 31, -1, 1 << 20}) {
            Slot s = execute(Opcodes.STORE_U32, tenant, 5, 170);
            assertEquals(FaultCode.OPCODE_NOT_PERMITTED, s.faultCode(), "tenant " + tenant);
            assertEquals(0, s.faultDetail());
        }
        assertEquals(0, buffers.control().load(170));
        assertEquals(5, buffers.control().doneCount());
    }

    @Test
    void systemRangeValuesWithoutMeaningAreUnknownEvenWithoutPermission() {
        // tenant 0 has mask 0 here: an unknown opcode is reported as unknown, before the mask is looked at
        for (int op : new int[] {8, 0xFFF0, 0xFFFC, 0x8000_0000, 0x8000_0003, 0xFFFF_FFFE, 0x1234}) {
            Slot s = execute(op, 0, 1, 2, 3);
            assertEquals(FaultCode.UNKNOWN_OPCODE, s.faultCode(), Opcodes.name(op));
            assertEquals(3, s.arg(2), "ARG2.. keep what was published");
        }
        assertEquals(FaultCode.OPCODE_NOT_PERMITTED, execute(Opcodes.NOP, 0).faultCode());
    }

    @Test
    void masksAreReadWhenTheExecutorIsMade() {
        buffers.control().setTenantMask(0, -1);
        SlotExecutor made = executor();
        buffers.control().setTenantMask(0, 0);
        RingView ring = buffers.ring();
        ring.publish(0, Opcodes.NOP, 0, Priority.NORMAL);
        assertTrue(ring.tryClaim(0));
        made.execute(0);
        assertEquals(SlotState.DONE, ring.read(0).status(), "the mask at creation (all allowed) applies");
    }

    @Test
    void shutdownSetsTheShutdownWord() {
        buffers.control().setTenantMask(0, -1);
        assertFalse(buffers.control().shutdownRequested());
        assertEquals(SlotState.DONE, execute(Opcodes.SHUTDOWN, 0).status());
        assertEquals(1, buffers.control().load(0));
    }

    @Test
    void packedOpcodesThatMayBeSubOps() {
        for (int op = 0; op < 16; op++) {
            assertEquals(op >= 1 && op <= 5 || op == 7, SlotExecutor.packable(op), "opcode " + op);
        }
        assertFalse(SlotExecutor.packable(Opcodes.PRINTF));
        assertFalse(SlotExecutor.packable(Opcodes.PACKED_SLOT));
        assertFalse(SlotExecutor.packable(Opcodes.SHUTDOWN));
    }

    @Test
    void batchFenceWithoutObservablesIsOutOfRange() {
        try (Arena a = Arena.ofConfined()) {
            RingBuffers b = new RingBuffers(ControlView.allocate(a, 0), RingView.allocate(a, 1),
                    DebugLogView.allocate(a, 0), MemorySegment.NULL);
            b.control().setTenantMask(0, -1);
            b.ring().publish(0, Opcodes.BATCH_FENCE, 0, Priority.IDLE, 0, 9);
            assertTrue(b.ring().tryClaim(0));
            new SlotExecutor(b, HandlerTable.empty(), 1).execute(0);
            Slot s = b.ring().read(0);
            assertEquals(FaultCode.CONTROL_OUT_OF_RANGE, s.faultCode());
            assertEquals(160, s.faultDetail());
            assertEquals(0, b.control().epoch(), "a faulting fence does not advance the epoch");
        }
    }
}
