package dev.vyre.runtime;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import java.util.Arrays;

/**
 * How a slot ended, read by the host before it recycled the slot. Immutable: {@link #args()} returns a copy.
 *
 * @param sequence    the publish sequence number (0, 1, 2, ... per megakernel)
 * @param slot        the ring slot it ran in ({@code sequence % slotCount})
 * @param state       {@link SlotState#DONE} or {@link SlotState#FAULT}
 * @param fault       the fault code of a FAULT slot, null for DONE
 * @param faultDetail the fault's detail word (ARG1) of a FAULT slot, 0 for DONE
 * @param args        the 12 argument words after execution (for a FAULT slot ARG0/ARG1 hold code and detail)
 */
public record SlotOutcome(long sequence, int slot, SlotState state, FaultCode fault, int faultDetail, int[] args) {

    public SlotOutcome {
        if (state != SlotState.DONE && state != SlotState.FAULT) {
            throw new MegakernelException("slot outcome state " + state + " is not final",
                    "an outcome is DONE or FAULT");
        }
        if ((state == SlotState.FAULT) != (fault != null) || (fault == null && faultDetail != 0)) {
            throw new MegakernelException("slot outcome " + state + " with fault " + fault + " detail "
                    + faultDetail, "a FAULT outcome has a fault code, a DONE outcome has none and detail 0");
        }
        if (args == null || args.length != SlotLayout.ARGS_PER_SLOT) {
            throw new MegakernelException("slot outcome needs exactly " + SlotLayout.ARGS_PER_SLOT + " argument"
                    + " words", "pass the slot's 12 argument words");
        }
        args = args.clone();
    }

    /** Whether the slot completed (DONE). */
    public boolean isDone() {
        return state == SlotState.DONE;
    }

    /** Whether the slot faulted. */
    public boolean isFault() {
        return state == SlotState.FAULT;
    }

    /** A copy of the 12 argument words. */
    @Override
    public int[] args() {
        return args.clone();
    }

    /** Argument word {@code i} (0..11). */
    public int arg(int i) {
        return args[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotOutcome s && sequence == s.sequence && slot == s.slot && state == s.state
                && fault == s.fault && faultDetail == s.faultDetail && Arrays.equals(args, s.args);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return "SlotOutcome[seq=" + sequence + " slot=" + slot + " " + state
                + (fault == null ? "" : " " + fault + " detail=" + Integer.toUnsignedString(faultDetail))
                + " args=" + Arrays.toString(args) + "]";
    }
}
