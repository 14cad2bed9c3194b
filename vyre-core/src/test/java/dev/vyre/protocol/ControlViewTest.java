package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ControlViewTest {

    @Test
    void allocateIsSizedZeroedAndAligned() {
        try (Arena arena = Arena.ofConfined()) {
            ControlView c = ControlView.allocate(arena, 5);
            assertEquals(165, c.wordCount());
            assertEquals(5, c.observableCount());
            assertEquals(165 * 4, c.segment().byteSize());
            assertEquals(0, c.segment().address() % 64);
            assertArrayEquals(new byte[165 * 4], c.toBytes());
            assertEquals(160, ControlView.allocate(arena, 0).wordCount());
            assertThrows(ProtocolException.class, () -> ControlView.allocate(arena, -1));
            assertThrows(ProtocolException.class, () -> ControlView.allocate(arena, 1_048_577));
        }
    }

    /** Each named accessor hits the word the spec's table gives, and no other word. */
    @Test
    void namedAccessorsHitTheSpecWords() {
        try (Arena arena = Arena.ofConfined()) {
            ControlView c = ControlView.allocate(arena, 4);
            int[] expected = new int[164];
            c.requestShutdown();
            expected[0] = 1;
            c.incrementDoneCount();
            c.incrementDoneCount();
            expected[1] = 2;
            c.setTenantMask(0, 0x11);
            expected[2] = 0x11;
            c.setTenantMask(29, 0x22);
            expected[31] = 0x22;
            c.setTenantQuota(0, 0x33);
            expected[32] = 0x33;
            c.setTenantQuota(31, 0x44);
            expected[63] = 0x44;
            c.addTenantFairness(0, 5);
            expected[64] = 5;
            c.addTenantFairness(31, 6);
            expected[95] = 6;
            c.addMetric(0, 7);
            expected[96] = 7;
            c.addMetric(31, 8);
            expected[127] = 8;
            c.advanceEpoch();
            expected[128] = 1;
            c.setPriorityOffset(0, 9);
            expected[129] = 9;
            c.setPriorityOffset(5, 10);
            expected[134] = 10;
            c.addStarvationCounter(3);
            expected[135] = 3;
            c.addPriorityFairness(Priority.CRITICAL, 4);
            expected[136] = 4;
            c.addPriorityFairness(Priority.IDLE, 12);
            expected[140] = 12;
            c.setObservable(0, 13);
            expected[160] = 13;
            c.setObservable(3, 14);
            expected[163] = 14;
            assertArrayEquals(expected, Gen.words(c.toBytes()));
            assertTrue(c.shutdownRequested());
            assertEquals(2, c.doneCount());
            assertEquals(1, c.epoch());
            assertEquals(0x22, c.tenantMask(29));
            assertEquals(0x44, c.tenantQuota(31));
            assertEquals(6, c.tenantFairness(31));
            assertEquals(8, c.metric(31));
            assertEquals(10, c.priorityOffset(5));
            assertEquals(3, c.starvationCounter());
            assertEquals(12, c.priorityFairness(Priority.IDLE));
            assertEquals(14, c.observable(3));
            assertArrayEquals(new int[] {13, 0, 0, 14}, ControlView.decodeObservables(c.observablesToBytes()));
        }
    }

    @Test
    void regionsRefuseIndicesPastTheirEnd() {
        try (Arena arena = Arena.ofConfined()) {
            ControlView c = ControlView.allocate(arena, 2);
            assertThrows(ProtocolException.class, () -> c.tenantMask(30));
            assertThrows(ProtocolException.class, () -> c.setTenantQuota(32, 0));
            assertThrows(ProtocolException.class, () -> c.tenantFairness(-1));
            assertThrows(ProtocolException.class, () -> c.metric(32));
            assertThrows(ProtocolException.class, () -> c.priorityOffset(6));
            assertThrows(ProtocolException.class, () -> c.observable(2));
            assertThrows(ProtocolException.class, () -> c.setObservable(-1, 0));
            assertThrows(ProtocolException.class, () -> c.load(162));
            ProtocolException e = assertThrows(ProtocolException.class, () -> c.fetchAdd(-1, 1));
            assertEquals("control", e.bufferName());
            assertArrayEquals(new byte[162 * 4], c.toBytes(), "refused calls wrote nothing");
        }
    }

    @Test
    void atomicsHaveTheBuiltinSemantics() {
        try (Arena arena = Arena.ofConfined()) {
            ControlView c = ControlView.allocate(arena, 1);
            c.storeRelaxed(40, 5);
            assertEquals(5, c.fetchAdd(40, -7));
            assertEquals(-2, c.load(40));
            assertEquals(-2, c.compareAndExchange(40, 3, 9), "no swap: previous returned");
            assertEquals(-2, c.load(40));
            assertEquals(-2, c.compareAndExchange(40, -2, 9), "swap: previous == expected");
            assertEquals(9, c.load(40));
            c.store(0xA0, 77);
            assertEquals(77, c.observable(0));
            assertFalse(c.shutdownRequested());
        }
    }

    @Test
    void decodeRoundTripsAndRefusesBadLengths() {
        Props.forAll("control round trip", 200, (i, rnd) -> {
            int[] words = new int[160 + rnd.nextInt(40)];
            for (int k = 0; k < words.length; k++) {
                words[k] = Gen.word(rnd);
            }
            byte[] bytes = Gen.le(words);
            ControlView c = ControlView.decode(bytes);
            assertEquals(words.length, c.wordCount());
            assertArrayEquals(bytes, c.toBytes());
            assertEquals(words[128], c.epoch());
            assertEquals(words.length - 160, c.observableCount());
            c.incrementDoneCount();
            assertEquals(words[1], Gen.words(bytes)[1], "decode works on a private copy");
        });
        assertThrows(ProtocolException.class, () -> ControlView.decode(new byte[159 * 4]));
        assertThrows(ProtocolException.class, () -> ControlView.decode(new byte[160 * 4 + 2]));
        assertThrows(ProtocolException.class, () -> ControlView.decode((byte[]) null));
        assertThrows(ProtocolException.class, () -> ControlView.decodeObservables(new byte[7]));
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(ProtocolException.class, () -> ControlView.wrap(arena.allocate(159 * 4, 64)));
            assertEquals(161, ControlView.wrap(arena.allocate(161 * 4, 64)).wordCount());
            assertThrows(ProtocolException.class,
                    () -> ControlView.wrap(arena.allocate(170 * 4, 64).asSlice(1, 160 * 4)));
            MemorySegment tooMany = arena.allocate((160L + 1_048_577) * 4, 64);
            ProtocolException e = assertThrows(ProtocolException.class, () -> ControlView.decode(tooMany));
            assertTrue(e.getMessage().contains("MAX_ENCODED_OBSERVABLE_SLOTS"), e.getMessage());
            assertThrows(ProtocolException.class,
                    () -> ControlView.decodeObservables(new byte[(1_048_576 + 1) * 4]));
            assertEquals(1_048_576, ControlView.decodeObservables(new byte[1_048_576 * 4]).length);
        }
    }
}
