package dev.vyre.runtime;

import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.Wire;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The doorbell (mailbox) line of a backend whose kernel has doorbell pollers (docs/MEGAKERNEL-CUDA.md, "Doorbell
 * fast path"): one 64-byte line of shared memory, beside the ring, that {@link Megakernel#call} writes after it has
 * published its slot into the ring, and that a few device threads poll. The ring stays the protocol's only
 * authority: the slot is in the ring, PUBLISHED, before the doorbell names it, and whoever runs it completes it
 * there; the doorbell only tells the device sooner, on a line that no device thread ever writes.
 *
 * <p>Layout: one 8-byte entry at byte 0, written with a single release store (so a device's 64-bit load sees one
 * whole entry, never a mix of two writers'): word {@link #TAG} = the low {@link #SEQ_BITS} bits of the publish
 * sequence, with the TENANT above them ({@code seq | tenant << SEQ_BITS}); word {@link #OPCODE} = the slot's OPCODE.
 * The slot is {@code seq % slotCount} (the ring's slot count must be a power of two). The rest of the line is
 * padding, so nothing else shares it.
 *
 * <p>Before the launch the backend writes {@link #NONE} into TAG ({@link #clear}); the pollers start with it as the
 * last tag seen. A doorbell is a hint, never needed for progress: the ring's own workers still find every published
 * slot (a doorbell overwritten by another caller only costs latency).
 *
 * <p><b>Answers.</b> After the line come {@code slots} answer entries of {@value #ANSWER_BYTES} bytes
 * ({@link #bytes(int)} in all), entry {@code s} at {@link #answerOffset(int)}: a poller that ran a slot it found
 * here writes, after the slot's STATUS, one 8-byte store of the entry it ran (TAG) and the final STATUS. Only the
 * device writes them and only callers read them, so a caller that waits on its answer instead of on its slot's
 * STATUS word spins on a line the device's completion store never has to take from the host's cache (the slot line
 * is the one the host just wrote): on the H100 that round trip equals the bare mapped-memory echo (about 1.8 us),
 * where waiting on the slot line took 2.7 to 4.4 us (docs/MEGAKERNEL-CUDA.md, "Session 13"). An answer is a hint
 * too: the caller still reads the slot's STATUS (with acquire) before it takes the outcome, and it looks at the
 * slot now and then in case a ring worker ran it (that writes no answer).
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

    /** Bytes of one answer entry: TAG, then the final STATUS. */
    public static final int ANSWER_BYTES = Long.BYTES;
    /** Word of an answer entry: the final STATUS the poller stored (TAG is word {@link #TAG}). */
    public static final int ANSWER_STATUS = 1;

    private static final VarHandle ENTRY = ValueLayout.JAVA_LONG.withOrder(Wire.BYTE_ORDER).varHandle();

    private final MemorySegment line;

    /**
     * The doorbell on {@code line}: {@link #bytes(int)} bytes of shared memory for a ring of {@code slots} slots
     * (the line the kernel polls, then the answer entries).
     *
     * @throws MegakernelException for a missing or too short line
     */
    public Doorbell(MemorySegment line, int slots) {
        if (line == null || slots < 1 || line.byteSize() < bytes(slots)) {
            throw new MegakernelException("doorbell memory is " + (line == null ? "missing" : line.byteSize()
                    + " bytes") + " for a ring of " + slots + " slots", "allocate Doorbell.bytes(slots) = "
                    + (slots < 1 ? "64 + 8 per slot" : bytes(slots)) + " bytes of shared memory for it");
        }
        this.line = line;
    }

    /** Bytes of the doorbell's memory for a ring of {@code slots} slots: the line, then one answer per slot. */
    public static long bytes(int slots) {
        return BYTES + (long) slots * ANSWER_BYTES;
    }

    /** Offset of slot {@code slot}'s answer entry from the start of the doorbell's memory. */
    public static long answerOffset(int slot) {
        return BYTES + (long) slot * ANSWER_BYTES;
    }

    /**
     * Sets a fresh doorbell's TAG, and the TAG of every answer entry the memory holds, to {@link #NONE}; the backend
     * does it before it launches the pollers.
     */
    public static void clear(MemorySegment line) {
        for (long at = BYTES; at + ANSWER_BYTES <= line.byteSize(); at += ANSWER_BYTES) {
            ENTRY.setOpaque(line, at, entry(NONE, 0));
        }
        ENTRY.setVolatile(line, 0L, entry(NONE, 0));
    }

    /** The TAG word of the entry naming {@code sequence}'s slot for {@code tenant}. */
    public static int tag(long sequence, int tenant) {
        return ((int) sequence & SEQ_MASK) | tenant << SEQ_BITS;
    }

    /**
     * Whether the answer entry of {@code slot} names {@code tag} ({@link #tag}): a poller ran that occupant and stored
     * its STATUS into the ring before this answer (an acquire load; a hint, see the class comment).
     */
    public boolean answered(int slot, int tag) {
        return (int) (long) ENTRY.getAcquire(line, answerOffset(slot)) == tag;
    }

    /** The entry naming {@code sequence}'s slot of {@code opcode} for {@code tenant} (0..29). */
    static long entry(long sequence, int opcode, int tenant) {
        return entry(tag(sequence, tenant), opcode);
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
     * doorbell pollers: one 8-byte release store.
     */
    public void ring(long sequence, int opcode, int tenant) {
        ENTRY.setRelease(line, (long) TAG * Wire.WORD_BYTES, entry(sequence, opcode, tenant));
    }
}
