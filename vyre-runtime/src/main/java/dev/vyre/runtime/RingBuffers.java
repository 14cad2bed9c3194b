package dev.vyre.runtime;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.DebugLogView;
import dev.vyre.protocol.RingView;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import dev.vyre.runtime.automata.DfaStepUnit;
import dev.vyre.runtime.vm.VmUnit;
import java.lang.foreign.MemorySegment;

/**
 * The four buffers the megakernel sees (PROTOCOL.md, Buffers), plus the optional data region, all allocated by
 * {@link Backend#allocateShared(long, long)}.
 *
 * @param control control block and observables
 * @param ring    the slot ring
 * @param debug   the debug log
 * @param ioQueue the io queue (device-initiated reads; LOAD_MISS), {@link #IO_QUEUE_BYTES} zeroed bytes whose
 *                layout comes with the io_uring work; nothing reads or writes it yet
 * @param data    the data region ({@link MegakernelConfig#dataBytes()}, {@link #DATA_ALIGNMENT}-aligned): bound to
 *                the {@value HandlerTable#DATA} buffer of user handlers that declare one; a zero-length segment
 *                when the configuration asks for none
 * @param dfaStep the DFA_STEP unit of {@link MegakernelConfig#automata()} (its descriptor tables allocated through
 *                the backend), or null when the configuration registers no automata
 * @param vm      the VM_EXEC registry (docs/VM-BYTECODE.md; its tables allocated through the backend), or null (then
 *                VM_EXEC faults UNKNOWN_OPCODE)
 */
public record RingBuffers(ControlView control, RingView ring, DebugLogView debug, MemorySegment ioQueue,
                          MemorySegment data, DfaStepUnit dfaStep, VmUnit vm) {

    /** Bytes reserved for the io queue. */
    public static final long IO_QUEUE_BYTES = 4096;
    /** Alignment and size granule of the data region: a page, what io_uring, O_DIRECT and the GPU mapping want. */
    public static final long DATA_ALIGNMENT = 4096;
    /** The largest data region: every byte must be reachable with a u32 index from a handler. */
    public static final long MAX_DATA_BYTES = 0x1_0000_0000L - DATA_ALIGNMENT;

    /** The buffers without a VM_EXEC registry. */
    public RingBuffers(ControlView control, RingView ring, DebugLogView debug, MemorySegment ioQueue,
                       MemorySegment data, DfaStepUnit dfaStep) {
        this(control, ring, debug, ioQueue, data, dfaStep, null);
    }

    /** The four protocol buffers without a data region. */
    public RingBuffers(ControlView control, RingView ring, DebugLogView debug, MemorySegment ioQueue) {
        this(control, ring, debug, ioQueue, MemorySegment.NULL, null);
    }

    /** The four protocol buffers and a data region, without automata. */
    public RingBuffers(ControlView control, RingView ring, DebugLogView debug, MemorySegment ioQueue,
                       MemorySegment data) {
        this(control, ring, debug, ioQueue, data, null);
    }

    /**
     * Everything {@code config} asks for (checked before): the four buffers, the data region and, with automata,
     * the DFA_STEP unit's descriptor tables.
     */
    public static RingBuffers allocate(Backend backend, MegakernelConfig config) {
        RingBuffers b = allocate(backend, config.slotCount(), config.observables(), config.debugRecords(),
                config.dataBytes());
        return new RingBuffers(b.control(), b.ring(), b.debug(), b.ioQueue(), b.data(),
                config.automata().isEmpty() ? null : DfaStepUnit.allocate(backend, config.automata()),
                VmUnit.allocate(backend));
    }

    /**
     * Allocates the four buffers through {@code backend} (zeroed, aligned to {@link Wire#SEGMENT_ALIGNMENT}) for a
     * ring of {@code slots} slots, {@code observables} observable words and a debug log of {@code debugRecords}
     * records (its CAPACITY word written), without a data region. Sizes must already be checked.
     */
    public static RingBuffers allocate(Backend backend, int slots, int observables, int debugRecords) {
        return allocate(backend, slots, observables, debugRecords, 0);
    }

    /**
     * As {@link #allocate(Backend, int, int, int)}, plus a zeroed data region of {@code dataBytes} rounded up to a
     * multiple of {@link #DATA_ALIGNMENT} (none for 0). Sizes must already be checked.
     */
    public static RingBuffers allocate(Backend backend, int slots, int observables, int debugRecords,
                                       long dataBytes) {
        long align = Wire.SEGMENT_ALIGNMENT;
        ControlView control = ControlView.wrap(backend.allocateShared(
                (long) (ControlLayout.CONTROL_MIN_WORDS + observables) * Wire.WORD_BYTES, align));
        RingView ring = RingView.wrap(backend.allocateShared((long) slots * SlotLayout.SLOT_BYTES, align));
        MemorySegment log = backend.allocateShared(DebugLogLayout.bufferWords(debugRecords) * Wire.WORD_BYTES, align);
        log.set(Wire.WORD, (long) DebugLogLayout.CAPACITY * Wire.WORD_BYTES, debugRecords);
        DebugLogView debug = DebugLogView.wrap(log);
        MemorySegment ioQueue = backend.allocateShared(IO_QUEUE_BYTES, align);
        long dataSize = (dataBytes + DATA_ALIGNMENT - 1) & -DATA_ALIGNMENT;
        MemorySegment data = dataSize == 0 ? MemorySegment.NULL : backend.allocateShared(dataSize, DATA_ALIGNMENT);
        return new RingBuffers(control, ring, debug, ioQueue, data);
    }
}
