package dev.vyre.runtime;

import dev.vyre.protocol.Opcodes;

/**
 * A worker that the backend found dead or stalled and replaced (docs/TENANTS.md, Recovery). The slot it was
 * running, if any, ended FAULT WORKER_LOST (detail 1 for {@link Cause#DIED}, 2 for {@link Cause#STALLED}); every
 * other slot it owned stays published and is run by the new worker.
 *
 * @param worker the worker index (it owns slots {@code worker, worker + W, ...})
 * @param cause  why it was replaced
 * @param slot   the slot it was running, or -1 when it held none
 * @param opcode that slot's OPCODE word (0 when none)
 * @param tenant that slot's TENANT word (0 when none)
 * @param error  what killed it ({@code Throwable.toString()}), or what the watchdog saw
 */
public record WorkerRecovery(int worker, Cause cause, int slot, int opcode, int tenant, String error) {
    /** Why a worker was replaced. */
    public enum Cause {
        /** Its thread ended with an uncaught throwable (the FAULT detail is 1). */
        DIED(1),
        /** It held one slot for a whole watchdog period without finishing it (the FAULT detail is 2). */
        STALLED(2);

        private final int detail;

        Cause(int detail) {
            this.detail = detail;
        }

        /** The FAULT detail word of the slot it was running. */
        public int detail() {
            return detail;
        }
    }

    @Override
    public String toString() {
        return "worker " + worker + " " + cause + (slot < 0 ? " holding no slot" : " in slot " + slot + " (opcode "
                + Opcodes.name(opcode) + ", tenant " + Integer.toUnsignedString(tenant) + ")") + ": " + error;
    }
}
