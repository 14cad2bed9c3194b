package dev.vyre.runtime.replay;

import dev.vyre.protocol.SlotLayout;
import java.util.Arrays;

/**
 * One published slot and its outcome.
 *
 * @param sequence     the publish sequence number
 * @param slot         the ring slot ({@code sequence % slotCount})
 * @param finalStatus  STATUS when the host took the outcome: DONE or FAULT, or PUBLISHED/CLAIMED for a slot the
 *                     workers never ran
 * @param publishNanos publish time, nanoseconds since the log started
 * @param finishNanos  time the host read the outcome, nanoseconds since the log started
 * @param published    the 16 slot words as published (STATUS = PUBLISHED)
 * @param result       the 16 slot words the host read back (the kernel writes STATUS and ARG0..ARG11)
 */
public record ReplayRecord(long sequence, int slot, int finalStatus, long publishNanos, long finishNanos,
                           int[] published, int[] result) {
    public ReplayRecord {
        if (published.length != SlotLayout.SLOT_WORDS || result.length != SlotLayout.SLOT_WORDS) {
            throw new ReplayException("replay record needs two sets of " + SlotLayout.SLOT_WORDS + " words",
                    "pass the slot's words as published and as read back");
        }
        published = published.clone();
        result = result.clone();
    }

    /** The published OPCODE word. */
    public int opcode() {
        return published[SlotLayout.OPCODE];
    }

    /** A copy of the published words. */
    @Override
    public int[] published() {
        return published.clone();
    }

    /** A copy of the words read back. */
    @Override
    public int[] result() {
        return result.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplayRecord r && sequence == r.sequence && slot == r.slot && finalStatus == r.finalStatus
                && publishNanos == r.publishNanos && finishNanos == r.finishNanos
                && Arrays.equals(published, r.published) && Arrays.equals(result, r.result);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(result);
    }

    @Override
    public String toString() {
        return "ReplayRecord[seq=" + sequence + " slot=" + slot + " status=" + finalStatus + " published="
                + Arrays.toString(published) + " result=" + Arrays.toString(result) + "]";
    }
}
