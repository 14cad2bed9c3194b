package dev.vyre.runtime;

import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.RingView;
import java.lang.foreign.MemorySegment;

/**
 * The four buffers the megakernel sees (PROTOCOL.md, Buffers), all allocated by
 * {@link Backend#allocateShared(long, long)}.
 *
 * @param control control block and observables
 * @param ring    the slot ring
 * @param debug   the debug log
 * @param ioQueue the io queue (device-initiated reads; LOAD_MISS)
 */
public record RingBuffers(ControlView control, RingView ring, DebugLogView debug, MemorySegment ioQueue) {
}
