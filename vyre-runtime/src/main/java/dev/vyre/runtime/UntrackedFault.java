package dev.vyre.runtime;

import dev.vyre.protocol.FaultCode;

/**
 * An untracked slot ({@link Megakernel#submit}) that ended in FAULT, as its recycler read it.
 *
 * @param sequence       the publish sequence number
 * @param slot           the ring slot ({@code sequence % slotCount})
 * @param opcode         the slot's OPCODE word
 * @param tenant         the slot's TENANT word
 * @param faultCodeWord  the FAULT_CODE word (ARG0) as the worker wrote it
 * @param detail         the FAULT_DETAIL word (ARG1)
 */
public record UntrackedFault(long sequence, int slot, int opcode, int tenant, int faultCodeWord, int detail) {

    /**
     * The fault code.
     *
     * @throws dev.vyre.protocol.ProtocolException when the worker wrote a word that is no fault code
     */
    public FaultCode code() {
        return FaultCode.fromWire(faultCodeWord);
    }
}
