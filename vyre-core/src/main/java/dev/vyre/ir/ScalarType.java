package dev.vyre.ir;

/** The field-less VIR0 data types, with their tag bytes and element sizes in bytes (0 where not fixed). */
public enum ScalarType implements DataType {
    U32(0x00, 4), I32(0x01, 4), F32(0x02, 4), BOOL(0x03, 4), BYTES(0x04, 1), U64(0x05, 8), F16(0x06, 2),
    BF16(0x07, 2), F64(0x08, 8), VEC2_U32(0x09, 8), VEC4_U32(0x0A, 16), TENSOR(0x0C, 0);

    private final int tag;
    private final int byteSize;

    ScalarType(int tag, int byteSize) {
        this.tag = tag;
        this.byteSize = byteSize;
    }

    @Override
    public int tag() {
        return tag;
    }

    /** Size of one element in a buffer, in bytes; 0 for {@link #TENSOR}. */
    public int byteSize() {
        return byteSize;
    }

    /** The scalar type with this tag, or null if the tag is not a field-less type. */
    public static ScalarType fromTag(int tag) {
        for (ScalarType t : values()) {
            if (t.tag == tag) {
                return t;
            }
        }
        return null;
    }
}
