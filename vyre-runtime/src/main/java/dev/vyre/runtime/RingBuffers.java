package dev.vyre.runtime;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import java.lang.foreign.MemorySegment;

/**
 * The four buffers the megakernel sees (PROTOCOL.md, Buffers), all allocated by
 * {@link Backend#allocateShared(long, long)}.
 *
 * @param control control block and observables
 * @param ring    the slot ring
 * @param debug   the debug log
 * @param ioQueue the io queue (device-initiated reads; LOAD_MISS), {@link #IO_QUEUE_BYTES} zeroed bytes whose
 *                layout comes with the io_uring work; nothing reads or writes it yet
 */
public record RingBuffers(ControlView control, RingView ring, DebugLogView debug, MemorySegment ioQueue) {

    /** Bytes reserved for the io queue. */
    public static final long IO_QUEUE_BYTES = 4096;

    /**
     * Allocates the four buffers through {@code backend} (zeroed, aligned to {@link Wire#SEGMENT_ALIGNMENT}) for a
     * ring of {@code slots} slots, {@code observables} observable words and a debug log of {@code debugRecords}
     * records (its CAPACITY word written). Sizes must already be checked.
     */
    public static RingBuffers allocate(Backend backend, int slots, int observables, int debugRecords) {
        long align = Wire.SEGMENT_ALIGNMENT;
        ControlView control = ControlView.wrap(backend.allocateShared(
                (long) (ControlLayout.CONTROL_MIN_WORDS + observables) * Wire.WORD_BYTES, align));
        RingView ring = RingView.wrap(backend.allocateShared((long) slots * SlotLayout.SLOT_BYTES, align));
        MemorySegment log = backend.allocateShared(DebugLogLayout.bufferWords(debugRecords) * Wire.WORD_BYTES, align);
        log.set(Wire.WORD, (long) DebugLogLayout.CAPACITY * Wire.WORD_BYTES, debugRecords);
        DebugLogView debug = DebugLogView.wrap(log);
        return new RingBuffers(control, ring, debug, backend.allocateShared(IO_QUEUE_BYTES, align));
    }
}
