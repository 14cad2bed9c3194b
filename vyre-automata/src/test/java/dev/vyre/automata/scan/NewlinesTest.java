package dev.vyre.automata.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class NewlinesTest {
    @Test
    void agreesWithAByteLoopOnRandomRanges() {
        Props.forAll("Newlines = byte loop", 3000, (i, r) -> {
            int n = r.nextInt(0, 200);
            byte[] bytes = new byte[n];
            int density = r.nextInt(1, 64);
            for (int k = 0; k < n; k++) {
                // neighbours of '\n' (0x09, 0x0B, 0x8A, 0x0A | 0x80) catch a flag that leaks into the next byte
                int pick = r.nextInt(density + 5);
                bytes[k] = (byte) (pick == 0 ? '\n' : pick == 1 ? 0x09 : pick == 2 ? 0x0B : pick == 3 ? 0x8A
                        : pick == 4 ? 0x00 : r.nextInt(256));
            }
            int from = r.nextInt(0, n + 1);
            int to = r.nextInt(from, n + 1);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment offHeap = arena.allocate(n + 1).asSlice(1, n); // unaligned on purpose
                MemorySegment.copy(bytes, 0, offHeap, ValueLayout.JAVA_BYTE, 0, n);
                for (MemorySegment seg : new MemorySegment[] {MemorySegment.ofArray(bytes), offHeap}) {
                    assertEquals(first(bytes, from, to), Newlines.indexOf(seg, from, to), "indexOf case " + i);
                    assertEquals(last(bytes, from, to), Newlines.lastIndexOf(seg, from, to), "lastIndexOf case " + i);
                }
            }
        });
    }

    @Test
    void findsTheEdgesOfEveryWord() {
        for (int n = 0; n <= 24; n++) {
            for (int at = 0; at < n; at++) {
                byte[] bytes = new byte[n];
                java.util.Arrays.fill(bytes, (byte) 0x0B);
                bytes[at] = '\n';
                MemorySegment seg = MemorySegment.ofArray(bytes);
                assertEquals(at, Newlines.indexOf(seg, 0, n));
                assertEquals(at, Newlines.lastIndexOf(seg, 0, n));
                assertEquals(-1, Newlines.indexOf(seg, at + 1, n));
                assertEquals(-1, Newlines.lastIndexOf(seg, 0, at));
            }
        }
    }

    private static long first(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (b[k] == '\n') {
                return k;
            }
        }
        return -1;
    }

    private static long last(byte[] b, int from, int to) {
        for (int k = to - 1; k >= from; k--) {
            if (b[k] == '\n') {
                return k;
            }
        }
        return -1;
    }
}
