package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.protocol.Priority;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotState;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bulk writer's packed stores and the caller's {@code fill} land on the slot words the protocol names, and
 * nowhere else; sequence-to-slot and lap arithmetic agrees with division on every ring size.
 */
class HostRingBodyTest {

    @Test
    void callerFillWritesWordsOneToFifteenOfItsSlotOnlyWithMissingArgumentsZero() {
        SplittableRandom rnd = new SplittableRandom(11);
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 4);
            HostRing host = new HostRing(ring);
            for (int round = 0; round < 200; round++) {
                int slot = rnd.nextInt(4);
                int[] before = snapshot(ring);
                int opcode = rnd.nextInt();
                int tenant = rnd.nextInt();
                Priority priority = Priority.values()[rnd.nextInt(Priority.values().length)];
                int[] args = rnd.nextInt(4) == 0 ? null : rnd.ints(rnd.nextInt(13)).toArray();
                host.fill(slot, opcode, tenant, priority, args);
                for (int s = 0; s < 4; s++) {
                    for (int w = 0; w < Kernels.SPEC_SLOT_WORDS; w++) {
                        int a = w - 4;
                        int arg = args != null && a >= 0 && a < args.length ? args[a] : 0;
                        int expected = s != slot || w == 0 ? before[s * Kernels.SPEC_SLOT_WORDS + w]
                                : w == 1 ? opcode : w == 2 ? tenant : w == 3 ? priority.wire() : arg;
                        assertEquals(expected, ring.word(s, w), "slot " + s + " word " + w + ", round " + round);
                    }
                }
            }
        }
    }

    @Test
    void slotAndLapOfASequenceAreItsRemainderAndQuotientForEveryRingSize() {
        SplittableRandom rnd = new SplittableRandom(12);
        try (Arena arena = Arena.ofConfined()) {
            for (int slots : new int[] {1, 2, 3, 4, 12, 64, 1000, 1024, 4096}) {
                HostRing host = new HostRing(RingView.allocate(arena, slots));
                for (int i = 0; i < 2000; i++) {
                    long seq = i < 1000 ? i : rnd.nextLong(Long.MAX_VALUE);
                    assertEquals(seq % slots, host.slotOf(seq), "slot of " + seq + " in " + slots);
                    assertEquals(seq / slots, host.lapOf(seq), "lap of " + seq + " in " + slots);
                }
            }
        }
    }

    @Test
    void packedBodiesWriteWordsOneToFifteenOfTheirSlotOnly() {
        SplittableRandom rnd = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            RingView ring = RingView.allocate(arena, 4);
            HostRing host = new HostRing(ring);
            for (int round = 0; round < 100; round++) {
                int slot = rnd.nextInt(4);
                int[] before = snapshot(ring);
                int opcode = rnd.nextInt();
                int tenant = rnd.nextInt();
                Priority priority = Priority.values()[rnd.nextInt(Priority.values().length)];
                int[] args = rnd.ints(12).toArray();
                long[] body = new long[2 * HostRing.BODY_LONGS];
                HostRing.packBody(tenant, priority.wire(), args, 0, body, HostRing.BODY_LONGS);
                host.fillBody(slot, opcode, body, HostRing.BODY_LONGS);
                for (int s = 0; s < 4; s++) {
                    for (int w = 0; w < Kernels.SPEC_SLOT_WORDS; w++) {
                        // spec word order: STATUS, OPCODE, TENANT, PRIORITY, ARG0..ARG11
                        int expected = s != slot || w == 0 ? before[s * Kernels.SPEC_SLOT_WORDS + w]
                                : w == 1 ? opcode : w == 2 ? tenant : w == 3 ? priority.wire() : args[w - 4];
                        assertEquals(expected, ring.word(s, w), "slot " + s + " word " + w + ", round " + round);
                    }
                }
                assertEquals(SlotState.EMPTY, ring.status(slot), "STATUS is the caller's to store");
                assertEquals(new dev.vyre.protocol.Slot(SlotState.EMPTY, opcode, tenant, priority, args),
                        ring.read(slot));
            }
        }
    }

    /** Every word of the 4-slot ring, slot after slot. */
    private static int[] snapshot(RingView ring) {
        int[] words = new int[4 * Kernels.SPEC_SLOT_WORDS];
        for (int s = 0; s < 4; s++) {
            for (int w = 0; w < Kernels.SPEC_SLOT_WORDS; w++) {
                words[s * Kernels.SPEC_SLOT_WORDS + w] = ring.word(s, w);
            }
        }
        return words;
    }
}
