package dev.vyre.runtime;

import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The doorbell (mailbox) line of a backend whose kernel has doorbell pollers (docs/MEGAKERNEL-CUDA.md, "Doorbell
 * fast path"): one 64-byte line of shared memory, beside the ring, that the host writes after it has published a
 * single slot into the ring, and that a few device threads poll. The ring stays the protocol's only authority: the
 * slot is in the ring, PUBLISHED, before the doorbell names it, and whoever runs it completes it there; the doorbell
 * only tells the device sooner, on a line that no device thread ever writes.
 *
 * <p>Layout (words, in the protocol's byte order; words 1..3 sit where the slot has them, so that one 16-byte read
 * gives the device what a slot's first 16 bytes would):
 * <ul>
 *   <li>{@link #SEQ}: the low 32 bits of the slot's publish sequence; the slot is {@code seq % slotCount}
 *       (the ring's slot count must be a power of two), and a changed word is a new ring;</li>
 *   <li>{@link #OPCODE}, {@link #TENANT}, {@link #PRIORITY}: copies of the slot's words;</li>
 *   <li>the rest of the line is unused (padding, so nothing else shares it).</li>
 * </ul>
 * Before the launch the backend writes {@link #NONE} into SEQ ({@link #clear}); the pollers start with it as the
 * last sequence seen, so the first doorbell (a small sequence) is new. A doorbell is a hint, never needed for
 * progress: the ring's own workers still find every published slot (a doorbell skipped or overwritten by another
 * publisher only costs latency).
 */
public final class Doorbell {
    /** Word: low 32 bits of the publish sequence, written last (release). */
    public static final int SEQ = SlotLayout.STATUS;
    /** Word: the slot's OPCODE. */
    public static final int OPCODE = SlotLayout.OPCODE;
    /** Word: the slot's TENANT. */
    public static final int TENANT = SlotLayout.TENANT;
    /** Word: the slot's PRIORITY. */
    public static final int PRIORITY = SlotLayout.PRIORITY;
    /** SEQ of a line that names no slot yet. */
    public static final int NONE = -1;
    /** Bytes of the line (a whole cache line, so that no other data shares it). */
    public static final int BYTES = SlotLayout.SLOT_BYTES;
    /** Alignment of the line. */
    public static final int ALIGNMENT = SlotLayout.SLOT_BYTES;

    private static final VarHandle WORDS = Wire.WORD.varHandle();

    private final MemorySegment line;
    /** Serializes writers, so the line always holds one writer's words; a writer that finds it taken skips. */
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * The doorbell on {@code line} ({@link #BYTES} bytes of shared memory the kernel polls).
     *
     * @throws MegakernelException for a missing or too short line
     */
    public Doorbell(MemorySegment line) {
        if (line == null || line.byteSize() < BYTES) {
            throw new MegakernelException("doorbell line is " + (line == null ? "missing" : line.byteSize()
                    + " bytes"), "allocate " + BYTES + " bytes of shared memory for it");
        }
        this.line = line;
    }

    /** Sets a fresh line's SEQ to {@link #NONE}; the backend does it before it launches the pollers. */
    public static void clear(MemorySegment line) {
        WORDS.setVolatile(line, (long) SEQ * Wire.WORD_BYTES, NONE);
    }

    /** The shared memory of the line. */
    public MemorySegment line() {
        return line;
    }

    /**
     * Names the slot of {@code sequence}, already PUBLISHED in the ring, to the device's doorbell pollers: OPCODE,
     * TENANT and PRIORITY with plain stores, then SEQ with a release store. When another thread is writing the line
     * it returns false without writing: the slot is still in the ring, where a worker finds it.
     */
    public boolean ring(long sequence, int opcode, int tenant, int priorityWire) {
        if (!writing.compareAndSet(false, true)) {
            return false;
        }
        try {
            WORDS.set(line, (long) OPCODE * Wire.WORD_BYTES, opcode);
            WORDS.set(line, (long) TENANT * Wire.WORD_BYTES, tenant);
            WORDS.set(line, (long) PRIORITY * Wire.WORD_BYTES, priorityWire);
            WORDS.setRelease(line, (long) SEQ * Wire.WORD_BYTES, (int) sequence);
            return true;
        } finally {
            writing.setRelease(false);
        }
    }
}
