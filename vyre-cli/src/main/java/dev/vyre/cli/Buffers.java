package dev.vyre.cli;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.ScalarType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Element sizes, visible lengths and text formatting of bound buffers (all data little-endian). */
final class Buffers {
    private Buffers() {
    }

    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The element types a buffer bound by the command line can have. */
    static boolean bindable(DataType type) {
        return type instanceof ScalarType s && BufferArg.VALUE_TYPES.contains(s);
    }

    /** Bytes per element of {@code decl}; throws {@link CliException} for types the command cannot bind. */
    static int elementSize(BufferDecl decl) {
        if (decl.elementType() instanceof ScalarType s && bindable(s)) {
            return s.byteSize();
        }
        throw new CliException("buffer '" + decl.name() + "' has element type " + typeName(decl.elementType())
                + ", which vyre vir0 run cannot bind", "declare the buffer as U32, I32, F32, Bool or Bytes");
    }

    /** A readable name of a data type. */
    static String typeName(DataType type) {
        return switch (type) {
            case ScalarType s -> s.name();
            case DataType.ArrayType a -> "Array[" + Integer.toUnsignedString(a.length()) + "] of "
                    + typeName(a.element());
            case DataType.OpaqueType o -> "Opaque(extension " + o.extensionId() + ")";
        };
    }

    /** Elements the program sees: the declared count where it is non-zero, else all the bound memory holds. */
    static long visibleElements(BufferDecl decl, MemorySegment segment) {
        long held = segment.byteSize() / elementSize(decl);
        return decl.count() != 0 ? Math.min(Integer.toUnsignedLong(decl.count()), held) : held;
    }

    /**
     * One line such as {@code y: F32[8] = 1.0, 2.5, ...}; at most {@code maxElements} elements are shown,
     * followed by how many were left out.
     */
    static String format(BufferDecl decl, MemorySegment segment, long maxElements) {
        long n = visibleElements(decl, segment);
        StringBuilder sb = new StringBuilder(decl.name()).append(": ").append(typeName(decl.elementType()))
                .append('[').append(n).append("] = ");
        if (n == 0) {
            return sb.append("(empty)").toString();
        }
        long shown = Math.min(n, maxElements);
        for (long i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(element((ScalarType) decl.elementType(), segment, i));
        }
        if (n > shown) {
            sb.append(shown > 0 ? ", " : "").append("... (").append(n - shown).append(" more)");
        }
        return sb.toString();
    }

    /** Element {@code i} as text: U32 unsigned, I32 signed, F32 as Java prints a float, Bool, Bytes unsigned. */
    static String element(ScalarType type, MemorySegment segment, long i) {
        return switch (type) {
            case BYTES -> Integer.toString(Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, i)));
            case U32 -> Integer.toUnsignedString(segment.get(LE_INT, i * 4));
            case I32 -> Integer.toString(segment.get(LE_INT, i * 4));
            case F32 -> Float.toString(Float.intBitsToFloat(segment.get(LE_INT, i * 4)));
            case BOOL -> Boolean.toString(segment.get(LE_INT, i * 4) != 0);
            default -> throw new IllegalArgumentException("not a bindable type: " + type);
        };
    }
}
