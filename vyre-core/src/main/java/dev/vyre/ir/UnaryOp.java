package dev.vyre.ir;

/** VIR0 unary operators with their tag bytes (VIR0.md, Operator tags). */
public enum UnaryOp {
    NEGATE(0x01), BIT_NOT(0x02), LOGICAL_NOT(0x03), POPCOUNT(0x04), CLZ(0x05), CTZ(0x06), REVERSE_BITS(0x07),
    COS(0x08), SIN(0x09), ABS(0x0A), SQRT(0x0B), FLOOR(0x0C), CEIL(0x0D), ROUND(0x0E), TRUNC(0x0F), SIGN(0x10),
    IS_NAN(0x11), IS_INF(0x12), IS_FINITE(0x13), EXP(0x14), LOG(0x15), LOG2(0x16), EXP2(0x17), TAN(0x18),
    ACOS(0x19), ASIN(0x1A), ATAN(0x1B), TANH(0x1C), SINH(0x1D), COSH(0x1E), INVERSE_SQRT(0x1F),
    UNPACK4_LOW(0x20), UNPACK4_HIGH(0x21), UNPACK8_LOW(0x22), UNPACK8_HIGH(0x23), RECIPROCAL(0x24);

    private static final UnaryOp[] BY_TAG = new UnaryOp[0x25];

    static {
        for (UnaryOp op : values()) {
            BY_TAG[op.tag] = op;
        }
    }

    private final int tag;

    UnaryOp(int tag) {
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }

    /** The operator with this tag, or null. */
    public static UnaryOp fromTag(int tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }
}
