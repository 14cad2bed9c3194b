package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.SlotState;
import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The doorbell's answer entries (the device's hint to a caller): layout, clearing, matching. */
class DoorbellAnswerTest {
    @Test
    void theAnswersFollowTheLineOneEntryPerSlot() {
        assertEquals(Doorbell.BYTES + 8L * 4096, Doorbell.bytes(4096));
        assertEquals(Doorbell.BYTES, Doorbell.answerOffset(0));
        assertEquals(Doorbell.BYTES + 8L * 7, Doorbell.answerOffset(7));
    }

    @Test
    void aClearedDoorbellAnswersNoTagAtAll() {
        try (Arena arena = Arena.ofConfined()) {
            int slots = 64;
            MemorySegment m = arena.allocate(Doorbell.bytes(slots), Doorbell.ALIGNMENT);
            m.fill((byte) 0);
            Doorbell bell = new Doorbell(m, slots);
            assertTrue(bell.answered(5, 0), "zeroed memory reads as the tag of sequence 0, tenant 0");
            Doorbell.clear(m);
            for (int slot = 0; slot < slots; slot++) {
                assertEquals(Doorbell.NONE, m.get(ValueLayout.JAVA_INT, Doorbell.answerOffset(slot)));
                for (int tenant = 0; tenant < Permissions.TENANTS; tenant++) {
                    assertFalse(bell.answered(slot, Doorbell.tag(slot, tenant)), "slot " + slot + " tenant " + tenant);
                }
            }
            assertEquals(Doorbell.NONE, m.get(ValueLayout.JAVA_INT, 0L), "the line's own TAG is cleared too");
        }
    }

    @Test
    void anAnswerMatchesExactlyTheTagItNames() {
        try (Arena arena = Arena.ofConfined()) {
            int slots = 1024;
            MemorySegment m = arena.allocate(Doorbell.bytes(slots), Doorbell.ALIGNMENT);
            Doorbell.clear(m);
            Doorbell bell = new Doorbell(m, slots);
            Props.forAll("an answer entry matches its own tag and no other", 2_000, (i, r) -> {
                long seq = r.nextLong(0, 1L << 40);
                int tenant = r.nextInt(Permissions.TENANTS);
                int slot = (int) (seq & (slots - 1));
                int tag = Doorbell.tag(seq, tenant);
                assertEquals((int) (seq & Doorbell.SEQ_MASK), tag & Doorbell.SEQ_MASK);
                assertEquals(tenant, tag >>> Doorbell.SEQ_BITS);
                m.set(ValueLayout.JAVA_LONG, Doorbell.answerOffset(slot),
                        Integer.toUnsignedLong(tag) | (long) SlotState.DONE.wire() << Integer.SIZE);
                assertTrue(bell.answered(slot, tag));
                assertFalse(bell.answered(slot, Doorbell.tag(seq + slots, tenant)), "the next lap's occupant");
                assertFalse(bell.answered(slot, Doorbell.tag(seq, (tenant + 1) % Permissions.TENANTS)),
                        "another tenant");
                assertFalse(bell.answered((slot + 1) % slots, tag), "a neighbour's entry");
                m.set(ValueLayout.JAVA_LONG, Doorbell.answerOffset(slot), -1L);
            });
        }
    }

    @Test
    void memoryTooShortForTheRingIsRefusedWithAFix() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment line = arena.allocate(Doorbell.BYTES, Doorbell.ALIGNMENT);
            MegakernelException e = assertThrows(MegakernelException.class, () -> new Doorbell(line, 16));
            assertTrue(e.getMessage().contains("ring of 16 slots") && e.getMessage().contains("Fix:"), e::getMessage);
            assertThrows(MegakernelException.class, () -> new Doorbell(null, 16));
        }
    }
}
