package dev.vyre.ir;

/** VIR0 atomic read-modify-write operators with their tag bytes (VIR0.md, Operator tags). */
public enum AtomicOp {
    ADD(0x01), OR(0x02), AND(0x03), XOR(0x04), MIN(0x05), MAX(0x06), EXCHANGE(0x07), COMPARE_EXCHANGE(0x08),
    COMPARE_EXCHANGE_WEAK(0x09), FETCH_NAND(0x0A), LRU_UPDATE(0x0B);

    private static final AtomicOp[] BY_TAG = new AtomicOp[0x0C];

    static {
        for (AtomicOp op : values()) {
            BY_TAG[op.tag] = op;
        }
    }

    private final int tag;

    AtomicOp(int tag) {
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }

    /** The operator with this tag, or null. */
    public static AtomicOp fromTag(int tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }

    /** True for the compare-exchange forms, which take an expected value. */
    public boolean needsExpected() {
        return this == COMPARE_EXCHANGE || this == COMPARE_EXCHANGE_WEAK;
    }
}
