package dev.vyre.runtime;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Wire;
import java.util.Map;

/**
 * The declared tenants of one megakernel, checked against its configuration and handlers (docs/TENANTS.md):
 * masks, quotas, shares and regions, and the control words that carry them.
 */
public final class Tenants {
    private final TenantSpec[] specs = new TenantSpec[Permissions.TENANTS];
    private final int[] masks = new int[Permissions.TENANTS];
    private final int[] quotas = new int[Permissions.TENANTS];
    private final int admissionSlots;

    private Tenants(int admissionSlots) {
        this.admissionSlots = admissionSlots;
    }

    /**
     * Checks the tenants of {@code config} under {@code handlers}: ids 0..29 without an explicit mask as well,
     * known opcodes, quota 0..slotCount, share 1..65535, regions inside the observables and the data region, word
     * aligned, not overlapping another confined tenant's, and no DFA_STEP for a confined tenant (its buffers are
     * the megakernel's, not the tenant's); the look-ahead 1..64, bypass limits >= 1, admission 0..slotCount.
     *
     * @throws BootstrapException naming the tenant and the bad value
     */
    public static Tenants resolve(MegakernelConfig config, HandlerTable handlers) {
        SchedulerConfig s = config.scheduler();
        check(s.lookahead() >= 1 && s.lookahead() <= SchedulerConfig.MAX_LOOKAHEAD, "lookahead " + s.lookahead()
                + " is outside 1.." + SchedulerConfig.MAX_LOOKAHEAD, "pass 1 for ring order, up to 64 to let"
                + " workers pick the most urgent of their next slots");
        for (Priority p : Priority.values()) {
            check(s.bypassLimit(p) >= 1, "bypass limit of " + p + " is " + s.bypassLimit(p), "pass a limit of 1 or"
                    + " more claims");
        }
        check(s.admissionSlots() >= 0 && s.admissionSlots() <= config.slotCount(), "admissionSlots "
                + s.admissionSlots() + " is outside 0.." + config.slotCount(), "pass 0 for the ring's size");
        check(!s.watchdogPeriod().isNegative(), "watchdog period " + s.watchdogPeriod() + " is negative",
                "pass Duration.ZERO for no watchdog, or a positive period");
        Tenants t = new Tenants(s.admissionSlots() == 0 ? config.slotCount() : s.admissionSlots());
        long controlWords = ControlLayout.CONTROL_MIN_WORDS + (long) config.observables();
        long dataBytes = (config.dataBytes() + RingBuffers.DATA_ALIGNMENT - 1) & -RingBuffers.DATA_ALIGNMENT;
        for (Map.Entry<Integer, TenantSpec> e : s.tenants().entrySet()) {
            int id = e.getKey();
            TenantSpec spec = e.getValue();
            String who = "tenant " + id + ": ";
            check(Permissions.isTenant(id), "tenant " + id + " is outside 0.." + (Permissions.TENANTS - 1),
                    "declare tenants 0.." + (Permissions.TENANTS - 1) + " (one mask word each)");
            check(!config.tenantMasks().containsKey(id), who + "has both a TenantSpec and a tenant mask",
                    "declare its opcodes in the TenantSpec only");
            check(spec.quota() >= 0 && spec.quota() <= config.slotCount(), who + "quota " + spec.quota()
                    + " is outside 0.." + config.slotCount(), "pass a quota of at most the ring's slots (0: all)");
            check(spec.share() >= 1 && spec.share() <= TenantSpec.MAX_SHARE, who + "share " + spec.share()
                    + " is outside 1.." + TenantSpec.MAX_SHARE, "pass a share in 1..65535");
            int mask = Permissions.NONE;
            for (int op : spec.opcodes()) {
                int bit = Permissions.bit(op, handlers);
                check(bit >= 0, who + "opcode " + Opcodes.name(op) + " is neither a system opcode nor a registered"
                        + " user handler", "register its handler first, or leave it out of the tenant's opcodes");
                mask |= 1 << bit;
            }
            TenantSpec.Regions r = spec.regions();
            if (r != null) {
                check(!spec.opcodes().contains(Opcodes.DFA_STEP), who + "is confined to regions but may publish"
                        + " DFA_STEP, whose automata and buffers belong to the whole megakernel", "leave DFA_STEP out"
                        + " of a confined tenant's opcodes");
                check(r.controlWords() >= 0 && r.controlFirst() >= ControlLayout.OBSERVABLE_BASE
                        && (long) r.controlFirst() + r.controlWords() <= controlWords, who + "control window "
                        + r.controlFirst() + "+" + r.controlWords() + " is not inside the observables "
                        + ControlLayout.OBSERVABLE_BASE + ".." + (controlWords - 1), "give a window of observable"
                        + " words; the fixed control words are never a tenant's");
                check(r.dataOffset() >= 0 && r.dataBytes() >= 0 && r.dataOffset() % Wire.WORD_BYTES == 0
                        && r.dataBytes() % Wire.WORD_BYTES == 0 && r.dataOffset() + r.dataBytes() <= dataBytes,
                        who + "data range " + r.dataOffset() + "+" + r.dataBytes() + " is not a word-aligned part of"
                        + " the " + dataBytes + "-byte data region", "give a word-aligned range inside"
                        + " MegakernelConfig.dataBytes");
                for (int other = 0; other < Permissions.TENANTS; other++) {
                    TenantSpec o = t.specs[other];
                    if (o != null && o.regions() != null) {
                        TenantSpec.Regions q = o.regions();
                        check(!overlap(r.controlFirst(), r.controlWords(), q.controlFirst(), q.controlWords())
                                && !overlap(r.dataOffset(), r.dataBytes(), q.dataOffset(), q.dataBytes()),
                                who + "regions overlap those of tenant " + other, "give confined tenants disjoint"
                                + " control windows and data ranges");
                    }
                }
            }
            t.specs[id] = spec;
            t.masks[id] = mask;
            t.quotas[id] = spec.quota() == 0 ? config.slotCount() : spec.quota();
        }
        return t;
    }

    /** Per tenant 0..29 of {@code config}: its regions, or null when it is undeclared or unconfined. */
    public static TenantSpec.Regions[] regions(MegakernelConfig config) {
        TenantSpec.Regions[] regions = new TenantSpec.Regions[Permissions.TENANTS];
        config.scheduler().tenants().forEach((t, spec) -> {
            if (Permissions.isTenant(t)) {
                regions[t] = spec.regions();
            }
        });
        return regions;
    }

    private static boolean overlap(long a, long aLen, long b, long bLen) {
        return aLen > 0 && bLen > 0 && a < b + bLen && b < a + aLen;
    }

    private static void check(boolean ok, String problem, String fix) {
        if (!ok) {
            throw new BootstrapException(problem, fix);
        }
    }

    /**
     * Writes the tenants' words: {@code TENANT_BASE + t} = mask, {@code TENANT_QUOTA_BASE + t} = quota,
     * {@code TENANT_FAIRNESS_BASE + t} = share; and, when the look-ahead is above 1 (priority scheduling on), the
     * scheduler's: {@code PRIORITY_OFFSETS_BASE + p} = bypass limit of class p (p = 0..4),
     * {@code PRIORITY_OFFSETS_BASE + 5} = look-ahead. Without priority scheduling those words stay 0.
     */
    void writeTo(ControlView control, SchedulerConfig scheduler) {
        for (int t = 0; t < Permissions.TENANTS; t++) {
            if (specs[t] != null) {
                control.setTenantMask(t, masks[t]);
                control.setTenantQuota(t, quotas[t]);
                control.store(ControlLayout.TENANT_FAIRNESS_BASE + t, specs[t].share());
            }
        }
        if (scheduler.lookahead() > 1) {
            for (Priority p : Priority.values()) {
                control.setPriorityOffset(p.wire(), scheduler.bypassLimit(p));
            }
            control.setPriorityOffset(SchedulerConfig.CLASSES, scheduler.lookahead());
        }
    }

    /** The spec of {@code tenant}, or null when it was not declared. */
    public TenantSpec spec(int tenant) {
        return Permissions.isTenant(tenant) ? specs[tenant] : null;
    }

    /** The permission mask of a declared tenant. */
    public int mask(int tenant) {
        return masks[tenant];
    }

    /** The in-flight quota of a declared tenant (resolved: 0 became the ring's size). */
    public int quota(int tenant) {
        return quotas[tenant];
    }

    /** Slots published through tenant handles that may be in flight at once. */
    public int admissionSlots() {
        return admissionSlots;
    }
}
