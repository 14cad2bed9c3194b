package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class DebugLogViewTest {
    private static final byte GUARD = (byte) 0xA5;

    @Test
    void allocateWritesTheHeader() {
        try (Arena arena = Arena.ofConfined()) {
            DebugLogView log = DebugLogView.allocate(arena, 3);
            assertEquals((4 + 3 * 4) * 4, log.segment().byteSize());
            assertEquals(0, log.segment().address() % 64);
            int[] expected = new int[16];
            expected[2] = 3;
            assertArrayEquals(expected, Gen.words(log.segment().toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(0, DebugLogView.allocate(arena, 0).capacity());
            assertThrows(ProtocolException.class, () -> DebugLogView.allocate(arena, 1_048_577));
            assertThrows(ProtocolException.class, () -> DebugLogView.allocate(arena, -1));
        }
    }

    @Test
    void appendsFillInOrderThenDropAndCountNeverWritingPastTheEnd() {
        try (Arena arena = Arena.ofConfined()) {
            int capacity = 5;
            long logBytes = (4 + capacity * 4) * 4;
            MemorySegment whole = arena.allocate(logBytes + 64, 64);
            whole.fill(GUARD);
            MemorySegment logSeg = whole.asSlice(0, logBytes);
            logSeg.fill((byte) 0);
            logSeg.set(ValueLayout.JAVA_INT_UNALIGNED, 8, capacity);
            DebugLogView log = DebugLogView.wrap(logSeg);
            for (int i = 0; i < 12; i++) {
                assertEquals(i < capacity, log.append(100 + i, i, -i, i * i));
            }
            assertEquals(capacity, log.cursor());
            assertEquals(capacity, log.committed());
            assertEquals(7, log.dropped());
            DebugLogSnapshot snap = log.tryRead().orElseThrow();
            assertEquals(capacity, snap.records().size());
            for (int i = 0; i < capacity; i++) {
                assertEquals(new DebugRecord(100 + i, i, -i, i * i), snap.records().get(i));
            }
            int[] words = Gen.words(logSeg.toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new int[] {capacity, 7, capacity, capacity}, java.util.Arrays.copyOf(words, 4));
            assertArrayEquals(new int[] {100 + 2, 2, -2, 4}, java.util.Arrays.copyOfRange(words, 12, 16));
            for (byte b : whole.asSlice(logBytes).toArray(ValueLayout.JAVA_BYTE)) {
                assertEquals(GUARD, b, "nothing written past the log");
            }
            assertEquals(snap, DebugLogView.decode(logSeg));
        }
    }

    @Test
    void aCorruptedCapacityWordCannotSendWritesOutOfBounds() {
        try (Arena arena = Arena.ofConfined()) {
            DebugLogView log = DebugLogView.allocate(arena, 2);
            log.segment().set(ValueLayout.JAVA_INT, 8, 1_000);
            log.segment().set(ValueLayout.JAVA_INT, 0, 1);
            log.segment().set(ValueLayout.JAVA_INT, 12, 1);
            assertTrue(log.append(1, 1, 1, 1));
            assertFalse(log.append(2, 2, 2, 2));
            log.segment().set(ValueLayout.JAVA_INT, 0, -5);
            assertFalse(log.append(3, 3, 3, 3), "a negative (huge u32) cursor is full, not an index");
            assertThrows(ProtocolException.class, log::tryRead);
            assertEquals(2, log.dropped());
        }
    }

    @Test
    void concurrentAppendsReserveDistinctIndicesAndCountTheOverflow() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int threads = 8;
            int perThread = 10_000;
            int capacity = 50_000;
            try (Arena arena = Arena.ofShared()) {
                long logBytes = (4 + (long) capacity * 4) * 4;
                MemorySegment whole = arena.allocate(logBytes + 256, 64);
                whole.fill(GUARD);
                MemorySegment logSeg = whole.asSlice(0, logBytes);
                logSeg.fill((byte) 0);
                logSeg.set(ValueLayout.JAVA_INT, 8, capacity);
                DebugLogView log = DebugLogView.wrap(logSeg);
                CyclicBarrier start = new CyclicBarrier(threads);
                int[] written = new int[threads];
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    workers.add(Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        for (int s = 0; s < perThread; s++) {
                            if (log.append(me, s, me * 31 + s, ~s)) {
                                written[me]++;
                            }
                        }
                    }));
                }
                for (Thread w : workers) {
                    w.join();
                }
                int total = 0;
                for (int w : written) {
                    total += w;
                }
                assertEquals(capacity, total);
                assertEquals((long) threads * perThread - capacity, log.dropped());
                DebugLogSnapshot snap = log.tryRead().orElseThrow();
                assertEquals(capacity, snap.records().size());
                Set<Long> seen = new HashSet<>();
                int[] perWriter = new int[threads];
                for (DebugRecord r : snap.records()) {
                    assertTrue(r.fmtId() >= 0 && r.fmtId() < threads, "writer id");
                    assertEquals(r.fmtId() * 31 + r.arg0(), r.arg1(), "record not torn");
                    assertEquals(~r.arg0(), r.arg2(), "record not torn");
                    assertTrue(seen.add(((long) r.fmtId() << 32) | r.arg0()), "each append appears once");
                    perWriter[r.fmtId()]++;
                }
                assertArrayEquals(written, perWriter);
                for (byte b : whole.asSlice(logBytes).toArray(ValueLayout.JAVA_BYTE)) {
                    assertEquals(GUARD, b, "nothing written past the log");
                }
            }
        });
    }

    @Test
    void tryReadIsEmptyWhileAnAppendIsInFlight() {
        try (Arena arena = Arena.ofConfined()) {
            DebugLogView log = DebugLogView.allocate(arena, 4);
            log.append(1, 2, 3, 4);
            // a writer that reserved index 1 but has not committed yet
            log.segment().set(ValueLayout.JAVA_INT, 0, 2);
            assertTrue(log.tryRead().isEmpty());
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> DebugLogView.decode(log.segment().toArray(ValueLayout.JAVA_BYTE)));
            assertTrue(e.getMessage().contains("in flight"), e.getMessage());
            log.segment().set(ValueLayout.JAVA_INT, 12, 2);
            assertEquals(2, log.tryRead().orElseThrow().records().size());
        }
    }

    @Test
    void snapshotsRoundTripThroughBytes() {
        Props.forAll("debug log round trip", 300, (i, rnd) -> {
            int capacity = rnd.nextInt(20);
            int n = capacity == 0 ? 0 : rnd.nextInt(capacity + 1);
            List<DebugRecord> records = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                records.add(new DebugRecord(Gen.word(rnd), Gen.word(rnd), Gen.word(rnd), Gen.word(rnd)));
            }
            long dropped = rnd.nextLong(0, 0x1_0000_0000L);
            DebugLogSnapshot snap = new DebugLogSnapshot(capacity, dropped, records);
            byte[] bytes = snap.toBytes();
            int[] words = Gen.words(bytes);
            assertEquals(4 + capacity * 4, words.length);
            assertEquals(n, words[0]);
            assertEquals((int) dropped, words[1]);
            assertEquals(capacity, words[2]);
            assertEquals(n, words[3]);
            for (int k = 0; k < n; k++) {
                DebugRecord r = records.get(k);
                assertArrayEquals(new int[] {r.fmtId(), r.arg0(), r.arg1(), r.arg2()},
                        java.util.Arrays.copyOfRange(words, 4 + 4 * k, 8 + 4 * k));
            }
            assertEquals(snap, DebugLogView.decode(bytes));
        });
        assertThrows(ProtocolException.class,
                () -> new DebugLogSnapshot(1, 0, List.of(new DebugRecord(0, 0, 0, 0), new DebugRecord(0, 0, 0, 0))));
        assertThrows(ProtocolException.class, () -> new DebugLogSnapshot(1, -1, List.of()));
    }

    @Test
    void decodeRefusesBadHeaders() {
        byte[] ok = new DebugLogSnapshot(2, 0, List.of(new DebugRecord(1, 2, 3, 4))).toBytes();
        assertEquals(1, DebugLogView.decode(ok).records().size());
        assertThrows(ProtocolException.class, () -> DebugLogView.decode(java.util.Arrays.copyOf(ok, 15)));
        assertThrows(ProtocolException.class, () -> DebugLogView.decode(java.util.Arrays.copyOf(ok, 12)));
        assertThrows(ProtocolException.class, () -> DebugLogView.decode(java.util.Arrays.copyOf(ok, ok.length - 4)));
        assertThrows(ProtocolException.class, () -> DebugLogView.decode(java.util.Arrays.copyOf(ok, ok.length + 16)));
        int[] w = Gen.words(ok);
        w[0] = 3;
        w[3] = 3;
        assertThrows(ProtocolException.class, () -> DebugLogView.decode(Gen.le(w)), "cursor past capacity");
        int[] w2 = Gen.words(ok);
        w2[3] = 2;
        assertThrows(ProtocolException.class, () -> DebugLogView.decode(Gen.le(w2)), "committed past cursor");
        int[] w3 = Gen.words(ok);
        w3[2] = 1_048_577;
        ProtocolException e = assertThrows(ProtocolException.class, () -> DebugLogView.decode(Gen.le(w3)));
        assertTrue(e.getMessage().contains("MAX_ENCODED_DEBUG_RECORDS"), e.getMessage());
        assertTrue(e.getMessage().startsWith("debug log buffer: "), e.getMessage());
    }
}
