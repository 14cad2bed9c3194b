package dev.vyre.protocol;

import static dev.vyre.protocol.DebugLogLayout.CAPACITY;
import static dev.vyre.protocol.DebugLogLayout.COMMITTED;
import static dev.vyre.protocol.DebugLogLayout.CURSOR;
import static dev.vyre.protocol.DebugLogLayout.DROPPED;
import static dev.vyre.protocol.DebugLogLayout.MAX_ENCODED_DEBUG_RECORDS;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * A consistent copy of a debug log: every reserved record complete.
 *
 * @param capacity record capacity of the log (0..MAX_ENCODED_DEBUG_RECORDS)
 * @param dropped appends refused because the log was full, as an unsigned 32-bit count
 * @param records the written records in reservation order, at most {@code capacity}
 */
public record DebugLogSnapshot(int capacity, long dropped, List<DebugRecord> records) {
    private static final String BUFFER = "debug log";

    public DebugLogSnapshot {
        if (records == null || records.stream().anyMatch(Objects::isNull)) {
            throw new ProtocolException(BUFFER, "records list is null or holds null", "pass the records");
        }
        if (capacity < 0 || capacity > MAX_ENCODED_DEBUG_RECORDS) {
            throw new ProtocolException(BUFFER, "capacity " + capacity + " is outside 0.."
                    + MAX_ENCODED_DEBUG_RECORDS + " (MAX_ENCODED_DEBUG_RECORDS)", "use a smaller log");
        }
        if (records.size() > capacity) {
            throw new ProtocolException(BUFFER, records.size() + " records exceed the capacity " + capacity,
                    "a log never holds more records than its capacity; raise the capacity");
        }
        if (dropped < 0 || dropped > 0xFFFF_FFFFL) {
            throw new ProtocolException(BUFFER, "dropped count " + dropped + " does not fit the u32 DROPPED word",
                    "pass a count in 0..4294967295");
        }
        records = List.copyOf(records);
    }

    /** The buffer bytes of this log: header (CURSOR = COMMITTED = records), records, then zeroed free records. */
    public byte[] toBytes() {
        byte[] bytes = new byte[(int) DebugLogLayout.bufferWords(capacity) * Wire.WORD_BYTES];
        MemorySegment out = MemorySegment.ofArray(bytes);
        Wire.write(out, CURSOR, records.size());
        Wire.write(out, DROPPED, (int) dropped);
        Wire.write(out, CAPACITY, capacity);
        Wire.write(out, COMMITTED, records.size());
        for (int i = 0; i < records.size(); i++) {
            DebugLogView.writeRecord(out, i, records.get(i));
        }
        return bytes;
    }
}
