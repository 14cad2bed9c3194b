package dev.vyre.runtime;

import dev.vyre.protocol.Priority;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tenants, priority scheduling and worker recovery (docs/TENANTS.md). Held by {@link MegakernelConfig#scheduler()};
 * checked at bootstrap.
 *
 * @param tenants        declared tenants (0..29) and what each may do; publish through {@link Megakernel#tenant}
 * @param lookahead      slots each CPU worker considers when it claims (1..64): 1 is ring order (priorities
 *                       carried but not interpreted); more lets a worker claim the most urgent of its next
 *                       {@code lookahead} published slots. Written to {@code control[PRIORITY_OFFSETS_BASE + 5]}
 * @param bypassLimits   per priority class (CRITICAL..IDLE), how many claims may overtake the oldest waiting slot of
 *                       that class before it is claimed regardless of urgency (starvation protection, counted in
 *                       {@code control[PRIORITY_STARVATION_COUNTER]}); written to
 *                       {@code control[PRIORITY_OFFSETS_BASE + p]}
 * @param admissionSlots most slots published through tenant handles that may be in flight at once, all tenants
 *                       together (1..slotCount, 0: the ring's size); tenants waiting for it are admitted by share
 * @param recoverWorkers whether a CPU worker that dies (or stalls, see {@code watchdogPeriod}) is rebuilt and its
 *                       slot reported; false: a dead worker shuts the megakernel down as before
 * @param watchdogPeriod how long a CPU worker may hold one slot without finishing it before the watchdog declares it
 *                       stalled (ZERO: no watchdog; dead workers are still detected)
 */
public record SchedulerConfig(Map<Integer, TenantSpec> tenants, int lookahead, int[] bypassLimits, int admissionSlots,
                              boolean recoverWorkers, Duration watchdogPeriod) {
    /** Largest look-ahead window (the worker keeps one bit per slot of it in a long). */
    public static final int MAX_LOOKAHEAD = 64;
    /** Default bypass limit of every class. */
    public static final int DEFAULT_BYPASS_LIMIT = 16;
    /** Classes with a bypass limit: one per {@link Priority}. */
    public static final int CLASSES = Priority.values().length;

    public SchedulerConfig {
        if (tenants == null || bypassLimits == null || watchdogPeriod == null) {
            throw new BootstrapException("scheduler config has a null tenant map, bypass limits or watchdog period",
                    "start from SchedulerConfig.defaults()");
        }
        for (Map.Entry<Integer, TenantSpec> e : tenants.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new BootstrapException("scheduler config tenant map has a null key or spec",
                        "map tenant ids 0..29 to TenantSpecs");
            }
        }
        if (bypassLimits.length != CLASSES) {
            throw new BootstrapException(bypassLimits.length + " bypass limits given, one per priority class ("
                    + CLASSES + ") is needed", "pass limits for CRITICAL, HIGH, NORMAL, LOW, IDLE");
        }
        tenants = Map.copyOf(tenants);
        bypassLimits = bypassLimits.clone();
    }

    /** No tenants, ring-order claims, default bypass limits, admission = the ring, recovery on, no watchdog. */
    public static SchedulerConfig defaults() {
        int[] limits = new int[CLASSES];
        Arrays.fill(limits, DEFAULT_BYPASS_LIMIT);
        return new SchedulerConfig(Map.of(), 1, limits, 0, true, Duration.ZERO);
    }

    @Override
    public int[] bypassLimits() {
        return bypassLimits.clone();
    }

    /** The bypass limit of {@code priority}. */
    public int bypassLimit(Priority priority) {
        return bypassLimits[priority.wire()];
    }

    public SchedulerConfig withTenant(int tenant, TenantSpec spec) {
        Map<Integer, TenantSpec> m = new TreeMap<>(tenants);
        m.put(tenant, spec);
        return new SchedulerConfig(m, lookahead, bypassLimits, admissionSlots, recoverWorkers, watchdogPeriod);
    }

    public SchedulerConfig withLookahead(int slots) {
        return new SchedulerConfig(tenants, slots, bypassLimits, admissionSlots, recoverWorkers, watchdogPeriod);
    }

    public SchedulerConfig withBypassLimit(Priority priority, int claims) {
        int[] limits = bypassLimits.clone();
        limits[priority.wire()] = claims;
        return new SchedulerConfig(tenants, lookahead, limits, admissionSlots, recoverWorkers, watchdogPeriod);
    }

    public SchedulerConfig withAdmissionSlots(int slots) {
        return new SchedulerConfig(tenants, lookahead, bypassLimits, slots, recoverWorkers, watchdogPeriod);
    }

    public SchedulerConfig withRecovery(boolean on) {
        return new SchedulerConfig(tenants, lookahead, bypassLimits, admissionSlots, on, watchdogPeriod);
    }

    public SchedulerConfig withWatchdog(Duration period) {
        return new SchedulerConfig(tenants, lookahead, bypassLimits, admissionSlots, recoverWorkers, period);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulerConfig s && tenants.equals(s.tenants) && lookahead == s.lookahead
                && Arrays.equals(bypassLimits, s.bypassLimits) && admissionSlots == s.admissionSlots
                && recoverWorkers == s.recoverWorkers && watchdogPeriod.equals(s.watchdogPeriod);
    }

    @Override
    public int hashCode() {
        return tenants.hashCode() * 31 + Arrays.hashCode(bypassLimits) + lookahead;
    }

    @Override
    public String toString() {
        return "SchedulerConfig[tenants=" + tenants + ", lookahead=" + lookahead + ", bypassLimits="
                + Arrays.toString(bypassLimits) + ", admissionSlots=" + admissionSlots + ", recoverWorkers="
                + recoverWorkers + ", watchdogPeriod=" + watchdogPeriod + "]";
    }
}
