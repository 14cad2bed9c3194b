package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The doorbell's memory: one line per poller, each cleared to NONE and each rung with the same entry. */
class DoorbellTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyLineCarriesTheSameEntry(int lines) {
        SplittableRandom random = new SplittableRandom(lines);
        for (int i = 0; i < 50; i++) {
            ringOnce(lines, random.nextLong(0, 1L << 40), random.nextInt(30), random.nextInt());
        }
    }

    private static void ringOnce(int lines, long sequence, int tenant, int opcode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(Doorbell.bytes(lines), Doorbell.ALIGNMENT);
            memory.fill((byte) 0x5A);
            Doorbell.clear(memory);
            for (int i = 0; i < lines; i++) {
                assertEquals(Doorbell.NONE, word(memory, i, Doorbell.TAG), "line " + i + " is cleared to NONE");
            }
            new Doorbell(memory).ring(sequence, opcode, tenant);
            int tag = ((int) sequence & Doorbell.SEQ_MASK) | tenant << Doorbell.SEQ_BITS;
            for (int i = 0; i < lines; i++) {
                assertEquals(tag, word(memory, i, Doorbell.TAG), "TAG of line " + i);
                assertEquals(opcode, word(memory, i, Doorbell.OPCODE), "OPCODE of line " + i);
                for (int w = Doorbell.OPCODE + 1; w < Doorbell.BYTES / Integer.BYTES; w++) {
                    assertEquals(0x5A5A5A5A, word(memory, i, w), "padding word " + w + " of line " + i);
                }
            }
        }
    }

    @Test
    void sizesThatAreNotWholeLinesAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            for (long bytes : new long[] {0, Doorbell.BYTES - 8, Doorbell.BYTES + 8,
                    (long) (Doorbell.MAX_LINES + 1) * Doorbell.BYTES}) {
                MegakernelException e = assertThrows(MegakernelException.class,
                        () -> new Doorbell(arena.allocate(Math.max(1, bytes), Doorbell.ALIGNMENT).asSlice(0, bytes)));
                assertTrue(e.getMessage().contains("Fix:"), e.getMessage());
            }
            assertThrows(MegakernelException.class, () -> new Doorbell(null));
        }
        assertEquals(Doorbell.BYTES, Doorbell.bytes(0), "no pollers still get one line");
        assertEquals(3L * Doorbell.BYTES, Doorbell.bytes(3));
    }

    private static int word(MemorySegment memory, int line, int word) {
        return memory.get(ValueLayout.JAVA_INT, (long) line * Doorbell.BYTES + (long) word * Integer.BYTES);
    }
}
