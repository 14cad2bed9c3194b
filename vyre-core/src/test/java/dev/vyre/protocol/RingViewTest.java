package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingViewTest {

    @Test
    void allocateIsSizedZeroedAndAligned() {
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 7);
            assertEquals(7, ring.slotCount());
            assertEquals(7 * 64, ring.segment().byteSize());
            assertEquals(0, ring.segment().address() % 64);
            for (int s = 0; s < 7; s++) {
                assertEquals(SlotState.EMPTY, ring.status(s));
                for (int w = 0; w < 16; w++) {
                    assertEquals(0, ring.word(s, w));
                }
            }
            assertThrows(ProtocolException.class, () -> RingView.allocate(arena, 0));
            assertThrows(ProtocolException.class, () -> RingView.allocate(arena, -1));
        }
    }

    @Test
    void publishWritesTheWordsAtTheSpecOffsetsThenPublished() {
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 3);
            ring.publish(1, 0xABCD, 7, Priority.LOW, 10, 11, 12);
            MemorySegment seg = ring.segment();
            long base = 64;
            assertEquals(SlotState.PUBLISHED.wire(), seg.get(ValueLayout.JAVA_INT_UNALIGNED, base));
            byte[] slotBytes = seg.asSlice(base, 64).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(Gen.le(1, 0xABCD, 7, 3, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0), slotBytes);
            assertEquals(SlotState.EMPTY, ring.status(0));
            assertEquals(SlotState.EMPTY, ring.status(2));
            assertEquals(Slot.of(SlotState.PUBLISHED, 0xABCD, 7, Priority.LOW, 10, 11, 12), ring.read(1));
        }
    }

    @Test
    void lifeCycleEmptyPublishedClaimedDoneEmpty() {
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 2);
            assertFalse(ring.tryClaim(0), "nothing to claim in an EMPTY slot");
            ring.publish(0, Opcodes.NOP, 0, Priority.NORMAL);
            ProtocolException again = assertThrows(ProtocolException.class,
                    () -> ring.publish(0, Opcodes.NOP, 0, Priority.NORMAL));
            assertTrue(again.getMessage().contains("slot 0 is PUBLISHED"), again.getMessage());
            assertThrows(ProtocolException.class, () -> ring.complete(0), "complete needs CLAIMED");
            assertFalse(ring.recycle(0), "a PUBLISHED slot is not recycled");
            assertTrue(ring.tryClaim(0));
            assertFalse(ring.tryClaim(0), "exactly one winner");
            assertEquals(SlotState.CLAIMED, ring.status(0));
            ring.setArg(0, 0, 42);
            ring.complete(0);
            assertEquals(SlotState.DONE, ring.status(0));
            assertEquals(42, ring.arg(0, 0));
            assertThrows(ProtocolException.class, () -> ring.publish(0, Opcodes.NOP, 0, Priority.NORMAL));
            assertTrue(ring.recycle(0));
            assertEquals(SlotState.EMPTY, ring.status(0));
            assertFalse(ring.recycle(0));
            ring.publish(0, Opcodes.NOP, 0, Priority.NORMAL, 1);
            assertEquals(0, ring.arg(0, 1), "a republished slot has no stale arguments");
        }
    }

    @Test
    void faultWritesCodeAndDetailAndKeepsTheOtherArguments() {
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 1);
            ring.publish(0, 0x100, 3, Priority.HIGH, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            assertThrows(ProtocolException.class, () -> ring.fault(0, FaultCode.UNKNOWN_OPCODE, 0));
            assertTrue(ring.tryClaim(0));
            ring.fault(0, FaultCode.BAD_ARGUMENT, 2);
            Slot s = ring.read(0);
            assertEquals(SlotState.FAULT, s.status());
            assertEquals(FaultCode.BAD_ARGUMENT, s.faultCode());
            assertEquals(2, s.faultDetail());
            for (int a = 2; a < 12; a++) {
                assertEquals(a + 1, s.arg(a));
            }
            assertTrue(ring.recycle(0));
            assertEquals(SlotState.EMPTY, ring.status(0));
        }
    }

    @Test
    void accessorsRefuseOutOfRangeIndices() {
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 2);
            assertThrows(ProtocolException.class, () -> ring.word(2, 0));
            assertThrows(ProtocolException.class, () -> ring.word(-1, 0));
            assertThrows(ProtocolException.class, () -> ring.word(0, 16));
            assertThrows(ProtocolException.class, () -> ring.arg(0, 12));
            assertThrows(ProtocolException.class, () -> ring.status(2));
            assertThrows(ProtocolException.class, () -> ring.tryClaim(5));
            assertThrows(ProtocolException.class, () -> ring.publish(0, 1, 0, Priority.LOW, new int[13]));
            assertEquals(SlotState.EMPTY, ring.status(0), "a refused publish leaves the slot EMPTY");
            ring.setWord(1, SlotLayout.STATUS, 99);
            ProtocolException e = assertThrows(ProtocolException.class, () -> ring.status(1));
            assertEquals("ring", e.bufferName());
            assertTrue(e.getMessage().contains("slot 1"), e.getMessage());
        }
    }

    @Test
    void wrapChecksTheSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = arena.allocate(64 * 4 + 8, 64);
            assertEquals(4, RingView.wrap(raw.asSlice(0, 256)).slotCount());
            assertThrows(ProtocolException.class, () -> RingView.wrap(raw.asSlice(0, 100)), "partial slot");
            assertThrows(ProtocolException.class, () -> RingView.wrap(raw.asSlice(0, 0)), "no slots");
            assertThrows(ProtocolException.class, () -> RingView.wrap(raw.asSlice(2, 256)), "misaligned");
            assertThrows(ProtocolException.class, () -> RingView.wrap(raw.asSlice(0, 256).asReadOnly()));
            assertThrows(ProtocolException.class, () -> RingView.wrap(MemorySegment.ofArray(new byte[64])),
                    "byte[] segments cannot hold aligned atomics");
            RingView heap = RingView.wrap(MemorySegment.ofArray(new int[32]));
            heap.publish(1, 5, 0, Priority.IDLE, 1);
            assertTrue(heap.tryClaim(1));
        }
    }

    @Test
    void encodeDecodeRoundTripsAndMatchesTheView() {
        Props.forAll("ring round trip", 300, (i, rnd) -> {
            int n = 1 + rnd.nextInt(12);
            List<Slot> slots = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                slots.add(Gen.slot(rnd));
            }
            byte[] bytes = RingView.encode(slots);
            assertEquals(n * 64, bytes.length);
            int[] words = Gen.words(bytes);
            for (int k = 0; k < n; k++) {
                assertArrayEquals(slots.get(k).toWords(), java.util.Arrays.copyOfRange(words, k * 16, k * 16 + 16));
            }
            assertEquals(slots, RingView.decode(bytes));
            try (Arena arena = Arena.ofConfined()) {
                RingView ring = RingView.allocate(arena, n);
                MemorySegment.copy(MemorySegment.ofArray(bytes), 0, ring.segment(), 0, bytes.length);
                for (int k = 0; k < n; k++) {
                    assertEquals(slots.get(k), ring.read(k));
                }
                assertEquals(slots, RingView.decode(ring.segment()));
            }
        });
        assertThrows(ProtocolException.class, () -> RingView.encode(List.of()));
        assertThrows(ProtocolException.class, () -> RingView.decode(new byte[0]));
    }
}
