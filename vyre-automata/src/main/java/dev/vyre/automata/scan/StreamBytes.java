package dev.vyre.automata.scan;

import dev.vyre.automata.literal.AhoCorasick;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The current chunk of a stream plus a ring of the last {@code capacity} bytes before it. */
final class StreamBytes implements AhoCorasick.History {
    private final byte[] ring;
    private MemorySegment chunk = MemorySegment.NULL;
    private long chunkStart;

    StreamBytes(int capacity) {
        this.ring = new byte[Math.max(1, capacity)];
    }

    /** Makes {@code c}, starting at {@code start}, the current chunk. */
    void begin(MemorySegment c, long start) {
        this.chunk = c;
        this.chunkStart = start;
    }

    /** Keeps the current chunk's last bytes for the next chunk's look-backs. */
    void end() {
        long size = chunk.byteSize();
        for (long p = Math.max(0, size - ring.length); p < size; p++) {
            ring[(int) ((chunkStart + p) % ring.length)] = chunk.get(ValueLayout.JAVA_BYTE, p);
        }
    }

    /** The byte at absolute offset {@code p}: in the current chunk, or at most {@code capacity} bytes before it. */
    @Override
    public int byteAt(long p) {
        if (p >= chunkStart) {
            return chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) & 0xFF;
        }
        return ring[(int) (p % ring.length)] & 0xFF;
    }
}
