package dev.vyre.runtime;

import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The doorbell (mailbox) lines of a backend whose kernel has doorbell pollers (docs/MEGAKERNEL-CUDA.md, "Doorbell
 * fast path"): one 64-byte line of shared memory per poller, beside the ring, that {@link Megakernel#call} writes
 * after it has published its slot into the ring, each polled by one device thread (reads of one host line from
 * several pollers queue behind each other: on the H100 a poll took 2.2 us with three pollers on one line and 1.1 us
 * with a line each). The ring stays the protocol's only
 * authority: the slot is in the ring, PUBLISHED, before the doorbell names it, and whoever runs it completes it
 * there; the doorbell only tells the device sooner, on a line that no device thread ever writes.
 *
 * <p>Layout of each line: one 8-byte entry at byte 0, written with a single release store (so a device's 64-bit load sees one
 * whole entry, never a mix of two writers'): word {@link #TAG} = the low {@link #SEQ_BITS} bits of the publish
 * sequence, with the TENANT above them ({@code seq | tenant << SEQ_BITS}); word {@link #OPCODE} = the slot's OPCODE.
 * The slot is {@code seq % slotCount} (the ring's slot count must be a power of two). The rest of the line is
 * padding, so nothing else shares it.
 *
 * <p>Before the launch the backend writes {@link #NONE} into TAG ({@link #clear}); the pollers start with it as the
 * last tag seen. A doorbell is a hint, never needed for progress: the ring's own workers still find every published
 * slot (a doorbell overwritten by another caller only costs latency).
 */
public final class Doorbell {
    /** Word: {@code seq mod 2^SEQ_BITS | tenant << SEQ_BITS}. */
    public static final int TAG = 0;
    /** Word: the slot's OPCODE. */
    public static final int OPCODE = 1;
    /** Bits of the sequence in TAG; a ring of up to {@code 2^SEQ_BITS} slots (encoders allow 2^20). */
    public static final int SEQ_BITS = 27;
    /** Mask of the sequence bits of TAG. */
    public static final int SEQ_MASK = (1 << SEQ_BITS) - 1;
    /** TAG of a line that names no slot yet (tenant 31 does not exist). */
    public static final int NONE = -1;
    /** Bytes of the line (a whole cache line, so that no other data shares it). */
    public static final int BYTES = SlotLayout.SLOT_BYTES;
    /** Alignment of the line. */
    public static final int ALIGNMENT = SlotLayout.SLOT_BYTES;

    private static final VarHandle ENTRY = ValueLayout.JAVA_LONG.withOrder(Wire.BYTE_ORDER).varHandle();

    /** Most lines: one per doorbell poller. */
    public static final int MAX_LINES = 8;

    private final MemorySegment line;
    private final int lines;

    /**
     * The doorbell on {@code line}: {@link #BYTES} bytes of shared memory the kernel polls, or a whole number of such
     * lines (at most {@link #MAX_LINES}), one per poller, each written with the same entry.
     *
     * @throws MegakernelException for a missing line, or a size that is not 1 to {@link #MAX_LINES} lines
     */
    public Doorbell(MemorySegment line) {
        if (line == null || line.byteSize() < BYTES || line.byteSize() % BYTES != 0
                || line.byteSize() > (long) MAX_LINES * BYTES) {
            throw new MegakernelException("doorbell memory is " + (line == null ? "missing" : line.byteSize()
                    + " bytes"), "allocate " + BYTES + " bytes of shared memory per doorbell poller (1 to "
                    + MAX_LINES + " lines)");
        }
        this.line = line;
        this.lines = (int) (line.byteSize() / BYTES);
    }

    /** Bytes of doorbell memory for {@code pollers} pollers: a line each, so that no two pollers read one line. */
    public static long bytes(int pollers) {
        return (long) Math.max(1, pollers) * BYTES;
    }

    /**
     * Sets the TAG of every line of fresh doorbell memory to {@link #NONE}; the backend does it before it launches
     * the pollers.
     */
    public static void clear(MemorySegment line) {
        for (long at = 0; at + BYTES <= line.byteSize(); at += BYTES) {
            ENTRY.setVolatile(line, at, entry(NONE, 0));
        }
    }

    /** The entry naming {@code sequence}'s slot of {@code opcode} for {@code tenant} (0..29). */
    static long entry(long sequence, int opcode, int tenant) {
        return entry(((int) sequence & SEQ_MASK) | tenant << SEQ_BITS, opcode);
    }

    private static long entry(int tag, int opcode) {
        // the word at the lower address is the low half (Wire.BYTE_ORDER is little-endian)
        return Integer.toUnsignedLong(tag) | (long) opcode << Integer.SIZE;
    }

    /** The shared memory of the line. */
    public MemorySegment line() {
        return line;
    }

    /**
     * Names the slot of {@code sequence}, already PUBLISHED in the ring and owned by the calling thread until it
     * completes (so the slot cannot move on to a later sequence before the pollers read this), to the device's
     * doorbell pollers: one 8-byte release store into each line.
     */
    public void ring(long sequence, int opcode, int tenant) {
        long entry = entry(sequence, opcode, tenant);
        for (int i = 0; i < lines; i++) {
            ENTRY.setRelease(line, (long) i * BYTES + (long) TAG * Wire.WORD_BYTES, entry);
        }
    }
}
