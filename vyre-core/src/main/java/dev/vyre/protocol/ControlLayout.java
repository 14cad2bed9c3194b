package dev.vyre.protocol;

/**
 * Word layout of the control block (PROTOCOL.md, Control block). Words 141..159 are reserved: zero, and not
 * interpreted by this implementation.
 */
public final class ControlLayout {
    /** Non-zero: the kernel drains and exits. */
    public static final int SHUTDOWN = 0;
    /** Count of slots that reached DONE (or FAULT). */
    public static final int DONE_COUNT = 1;
    /** First per-tenant opcode/permission mask word. */
    public static final int TENANT_BASE = 2;
    /** Tenant mask words (2..31): tenants 0..29 have one. */
    public static final int TENANT_SLOTS = 30;
    /** First per-tenant quota word. */
    public static final int TENANT_QUOTA_BASE = 32;
    /** Tenant quota words (32..63). */
    public static final int TENANT_QUOTA_SLOTS = 32;
    /** First per-tenant fairness counter. */
    public static final int TENANT_FAIRNESS_BASE = 64;
    /** Tenant fairness counters (64..95). */
    public static final int TENANT_FAIRNESS_SLOTS = 32;
    /** First metrics word. */
    public static final int METRICS_BASE = 96;
    /** Metrics words (96..127). */
    public static final int METRICS_SLOTS = 32;
    /** Batch epoch, advanced by BATCH_FENCE. */
    public static final int EPOCH = 128;
    /** First priority offset word. */
    public static final int PRIORITY_OFFSETS_BASE = 129;
    /** Priority offset words (129..134). */
    public static final int PRIORITY_OFFSETS_SLOTS = 6;
    /** Priority starvation counter. */
    public static final int PRIORITY_STARVATION_COUNTER = 135;
    /** First per-priority fairness word. */
    public static final int PRIORITY_FAIRNESS_BASE = 136;
    /** Per-priority fairness words (136..140), one per {@link Priority}. */
    public static final int PRIORITY_FAIRNESS_SLOTS = 5;
    /** First observable word: values the kernel publishes for the host. */
    public static final int OBSERVABLE_BASE = 160;
    /** Smallest control block, in words (no observables). */
    public static final int CONTROL_MIN_WORDS = 160;
    /** Most observables an encoder or decoder accepts. */
    public static final int MAX_ENCODED_OBSERVABLE_SLOTS = 1_048_576;

    private ControlLayout() {
    }
}
