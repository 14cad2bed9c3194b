package dev.vyre.runtime.stream;

import dev.vyre.runtime.SlotOutcome;
import dev.vyre.uring.IngestFile;

/**
 * One chunk's slot has finished: what the handler saw and how it ended. Delivered to
 * {@link GpuStream.Builder#onChunk}.
 *
 * @param file    the chunk's file
 * @param slot    the words the chunk was published with
 * @param outcome how the slot ended (DONE or FAULT, the 12 argument words after execution, results in words
 *                {@value ChunkSlot#RESULT_FIRST}..11); null when the slot never ran (see {@code failure})
 * @param failure why the slot has no outcome (the megakernel shut down before running it), else null
 */
public record ChunkResult(IngestFile file, ChunkSlot slot, SlotOutcome outcome, RuntimeException failure) {

    /** Where the chunk starts in its file. */
    public long fileOffset() {
        return slot.fileOffset();
    }

    /** The chunk's own bytes. */
    public int length() {
        return slot.length();
    }

    /** Bytes of the next chunk the handler saw after the chunk's own. */
    public int overlapLength() {
        return slot.overlapLength();
    }

    /** Whether the slot ran to DONE. */
    public boolean done() {
        return outcome != null && outcome.isDone();
    }

    /** Result word {@code i} (0..3) of a finished slot: argument word {@code RESULT_FIRST + i}. */
    public int result(int i) {
        if (outcome == null) {
            throw new GpuStreamException("chunk " + fileOffset() + " of " + file + " has no outcome: " + failure,
                    "check failure() or done() before reading results");
        }
        return outcome.arg(ChunkSlot.RESULT_FIRST + i);
    }
}
