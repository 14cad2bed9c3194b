package dev.vyre.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A sink that copies every chunk out, releases its buffer at once, and when a file ends checks that its chunks
 * tile the file from offset 0 without gap or overlap; it keeps, per file, the end event and the CRC32C and length
 * of the bytes in offset order.
 */
final class CollectingSink implements ChunkSink {

    /** How a file ended. */
    record Outcome(IngestEvent end, long length, long crc) {
        boolean done() {
            return end instanceof IngestEvent.FileDone;
        }

        IngestFileException error() {
            return ((IngestEvent.FileFailed) end).error();
        }
    }

    private final Map<Integer, TreeMap<Long, byte[]>> partial = new HashMap<>();
    final Map<Integer, Outcome> outcomes = new LinkedHashMap<>();
    int chunks;

    @Override
    public void accept(IngestEvent event) {
        int id = event.file().id();
        assertFalse(outcomes.containsKey(id), () -> "event after the end of " + event.file() + ": " + event);
        switch (event) {
            case IngestEvent.Chunk c -> {
                MemorySegment data = c.data();
                assertEquals(c.length(), data.byteSize());
                assertTrue(c.length() > 0, "empty chunk");
                byte[] copy = data.toArray(ValueLayout.JAVA_BYTE);
                c.release();
                chunks++;
                assertNull(partial.computeIfAbsent(id, k -> new TreeMap<>()).put(c.fileOffset(), copy),
                        () -> "two chunks at offset " + c.fileOffset() + " of " + c.file());
            }
            case IngestEvent.FileDone d -> {
                CRC32C crc = new CRC32C();
                long position = 0;
                for (Map.Entry<Long, byte[]> e : partial.getOrDefault(id, new TreeMap<>()).entrySet()) {
                    assertEquals(position, e.getKey(), () -> "gap or overlap in " + d.file());
                    crc.update(e.getValue());
                    position += e.getValue().length;
                }
                partial.remove(id);
                assertEquals(d.bytes(), position, () -> "FileDone of " + d.file() + " counts other bytes");
                outcomes.put(id, new Outcome(d, position, crc.getValue()));
            }
            case IngestEvent.FileFailed f -> {
                partial.remove(id);
                outcomes.put(id, new Outcome(f, -1, 0));
            }
        }
    }

    Outcome outcome(int id) {
        Outcome o = outcomes.get(id);
        assertTrue(o != null, "no end event for file " + id);
        return o;
    }
}
