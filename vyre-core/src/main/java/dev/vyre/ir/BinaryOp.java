package dev.vyre.ir;

/** VIR0 binary operators with their tag bytes (VIR0.md, Operator tags). */
public enum BinaryOp {
    ADD(0x01), SUB(0x02), MUL(0x03), DIV(0x04), MOD(0x05), BIT_AND(0x06), BIT_OR(0x07), BIT_XOR(0x08),
    SHL(0x09), SHR(0x0A), EQ(0x0B), NE(0x0C), LT(0x0D), GT(0x0E), LE(0x0F), GE(0x10), AND(0x11), OR(0x12),
    ABS_DIFF(0x13), MIN(0x14), MAX(0x15), SATURATING_ADD(0x16), SATURATING_SUB(0x17), SATURATING_MUL(0x18),
    SHUFFLE(0x19), BALLOT(0x1A), WAVE_REDUCE(0x1B), WAVE_BROADCAST(0x1C), ROTATE_LEFT(0x1D),
    ROTATE_RIGHT(0x1E), WRAPPING_ADD(0x1F), WRAPPING_SUB(0x20), MUL_HIGH(0x21);

    private static final BinaryOp[] BY_TAG = new BinaryOp[0x22];

    static {
        for (BinaryOp op : values()) {
            BY_TAG[op.tag] = op;
        }
    }

    private final int tag;

    BinaryOp(int tag) {
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }

    /** The operator with this tag, or null. */
    public static BinaryOp fromTag(int tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }

    /** True for operators whose result is Bool (comparisons and logical connectives). */
    public boolean isComparison() {
        return this == EQ || this == NE || this == LT || this == GT || this == LE || this == GE;
    }

    /** True for the wave (subgroup) collectives, which need all live lanes of a wave. */
    public boolean isWaveOp() {
        return this == SHUFFLE || this == BALLOT || this == WAVE_REDUCE || this == WAVE_BROADCAST;
    }
}
