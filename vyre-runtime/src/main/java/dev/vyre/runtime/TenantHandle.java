package dev.vyre.runtime;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Publishing as one declared tenant ({@link Megakernel#tenant(int)}, docs/TENANTS.md). Every slot goes out with the
 * tenant's id in its TENANT word. Before touching the ring the handle refuses an opcode outside the tenant's
 * opcodes ({@link OpcodeNotPermittedException}) and waits for admission: at most the tenant's quota of its slots
 * are in flight, and tenants contending for the shared admission window are admitted by share. A full quota is
 * backpressure, never an error: {@link #publish} waits, {@link #tryPublish} returns empty, and the timed
 * {@link #publish(Duration, int, Priority, int...)} throws {@link QuotaTimeoutException} only after its timeout.
 * A slot counts against the quota from admission until its ticket completes (or, for {@link #call}, returns).
 */
public final class TenantHandle {
    private final Megakernel kernel;
    private final TenantGate gate;
    private final int id;
    private final TenantSpec spec;
    private final int quota;

    TenantHandle(Megakernel kernel, TenantGate gate, int id, TenantSpec spec, int quota) {
        this.kernel = kernel;
        this.gate = gate;
        this.id = id;
        this.spec = spec;
        this.quota = quota;
    }

    /** The tenant id (the TENANT word of its slots). */
    public int id() {
        return id;
    }

    /** What the tenant was declared with. */
    public TenantSpec spec() {
        return spec;
    }

    /** The tenant's in-flight quota (resolved: a declared 0 is the ring's size). */
    public int quota() {
        return quota;
    }

    /** Slots of this tenant admitted and not yet finished. */
    public int inFlight() {
        return gate.inFlight(id);
    }

    /** Slots of this tenant admitted since bootstrap. */
    public long admitted() {
        return gate.admitted(id);
    }

    /**
     * Publishes one slot, waiting for the tenant's quota (and the admission window) as long as it takes.
     *
     * @throws OpcodeNotPermittedException when {@code opcode} is not one of the tenant's opcodes
     * @throws PublishRefusedException     as {@link Megakernel#publish}
     * @throws KernelClosedException       once shutdown has begun
     */
    public Ticket publish(int opcode, Priority priority, int... args) {
        checkOpcode(opcode);
        gate.acquire(id, -1);
        return publishAdmitted(opcode, priority, args);
    }

    /**
     * Publishes one slot, waiting at most {@code timeout} for admission.
     *
     * @throws QuotaTimeoutException when the quota or the admission window stayed full for {@code timeout}, or the
     *                               thread was interrupted while waiting (the flag stays set); nothing published
     */
    public Ticket publish(Duration timeout, int opcode, Priority priority, int... args) {
        checkOpcode(opcode);
        if (timeout == null || timeout.isNegative()) {
            throw new PublishRefusedException("tenant " + id + ": timeout " + timeout + " is null or negative",
                    "pass a timeout of zero or more");
        }
        if (!gate.acquire(id, Math.max(0, saturatedNanos(timeout)))) {
            throw new QuotaTimeoutException("tenant " + id + " could not publish " + Opcodes.name(opcode) + " within "
                    + timeout + ": " + gate.inFlight(id) + " of its quota of " + quota + " slots are in flight (or"
                    + " the shared admission window is full)", "wait for its tickets, raise TenantSpec.quota, or use"
                    + " publish without a timeout to wait as long as it takes");
        }
        return publishAdmitted(opcode, priority, args);
    }

    /** Publishes one slot if the tenant can be admitted at once; empty when its quota is full (nothing published). */
    public Optional<Ticket> tryPublish(int opcode, Priority priority, int... args) {
        checkOpcode(opcode);
        if (!gate.acquire(id, 0)) {
            return Optional.empty();
        }
        return Optional.of(publishAdmitted(opcode, priority, args));
    }

    /** {@link Megakernel#call} as this tenant, after admission (waits for the quota like {@link #publish}). */
    public SlotOutcome call(int opcode, Priority priority, int... args) {
        checkOpcode(opcode);
        gate.acquire(id, -1);
        try {
            return kernel.call(opcode, id, priority, args);
        } finally {
            gate.release(id);
        }
    }

    private Ticket publishAdmitted(int opcode, Priority priority, int[] args) {
        try {
            return kernel.publish(opcode, id, priority, args, () -> gate.release(id));
        } catch (RuntimeException | Error e) {
            gate.release(id);
            throw e;
        }
    }

    private void checkOpcode(int opcode) {
        if (!spec.opcodes().contains(opcode)) {
            throw new OpcodeNotPermittedException("tenant " + id + " may not publish opcode " + Opcodes.name(opcode)
                    + " (its opcodes: " + names() + ")", "publish one of the tenant's opcodes, or declare "
                    + Opcodes.name(opcode) + " in its TenantSpec at bootstrap");
        }
    }

    private String names() {
        StringBuilder b = new StringBuilder();
        for (int op : new TreeSet<>(spec.opcodes())) {
            b.append(b.isEmpty() ? "" : ", ").append(Opcodes.name(op));
        }
        return b.isEmpty() ? "none" : b.toString();
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
