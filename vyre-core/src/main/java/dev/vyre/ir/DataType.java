package dev.vyre.ir;

/**
 * A VIR0 data type. Scalars are {@link ScalarType} constants; {@link ArrayType} and {@link OpaqueType} carry
 * fields. Tags follow VIR0.md: {@code 00 U32 .. 0A Vec4U32, 0B Array, 0C Tensor, 80 Opaque}.
 */
public sealed interface DataType permits ScalarType, DataType.ArrayType, DataType.OpaqueType {

    /** The VIR0 tag byte of this type. */
    int tag();

    /** {@code 0B Array}: a fixed-length array of an element type. */
    record ArrayType(int length, DataType element) implements DataType {
        public static final int TAG = 0x0B;

        public ArrayType {
            java.util.Objects.requireNonNull(element, "element");
        }

        @Override
        public int tag() {
            return TAG;
        }
    }

    /** {@code 80 Opaque}: an extension type kept verbatim. */
    record OpaqueType(int extensionId, Payload payload) implements DataType {
        public static final int TAG = 0x80;

        public OpaqueType {
            java.util.Objects.requireNonNull(payload, "payload");
        }

        @Override
        public int tag() {
            return TAG;
        }
    }
}
