package dev.vyre.ir.check;

import dev.vyre.ir.DataType;
import dev.vyre.ir.ScalarType;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/** How problems name operators, types and identifiers (the spelling of docs/VIR0-SEMANTICS.md). */
final class Names {
    private static final int MAX_SHOWN_IDENT = 64;

    private Names() {
    }

    /** {@code WRAPPING_ADD -> WrappingAdd}, {@code UNPACK8_LOW -> Unpack8Low}. */
    static String op(Enum<?> op) {
        StringBuilder sb = new StringBuilder();
        for (String part : op.name().split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** The VIR0 name of a type, e.g. {@code Bool}, {@code Vec2U32}, {@code Array(4 x F16)}. */
    static String type(DataType type) {
        StringBuilder prefix = new StringBuilder();
        int arrays = 0;
        DataType t = type;
        while (t instanceof DataType.ArrayType a) {
            prefix.append("Array(").append(Integer.toUnsignedString(a.length())).append(" x ");
            arrays++;
            t = a.element();
        }
        String leaf = switch (t) {
            case ScalarType s -> scalar(s);
            case DataType.OpaqueType o -> "Opaque(extension " + hex(o.extensionId()) + ")";
            case DataType.ArrayType a -> throw new AssertionError("unwrapped above");
        };
        return prefix + leaf + ")".repeat(arrays);
    }

    private static String scalar(ScalarType s) {
        return switch (s) {
            case U32 -> "U32";
            case I32 -> "I32";
            case F32 -> "F32";
            case BOOL -> "Bool";
            case BYTES -> "Bytes";
            case U64 -> "U64";
            case F16 -> "F16";
            case BF16 -> "BF16";
            case F64 -> "F64";
            case VEC2_U32 -> "Vec2U32";
            case VEC4_U32 -> "Vec4U32";
            case TENSOR -> "Tensor";
        };
    }

    /** {@code "U32, I32 or F32"}; the set is listed in enum order. */
    static String oneOf(Set<ScalarType> types) {
        StringBuilder sb = new StringBuilder();
        Iterator<ScalarType> it = types.iterator();
        int i = 0;
        while (it.hasNext()) {
            String name = scalar(it.next());
            if (i > 0) {
                sb.append(it.hasNext() ? ", " : " or ");
            }
            sb.append(name);
            i++;
        }
        return sb.toString();
    }

    /** An identifier in quotes, control characters escaped ({@code \0} for NUL), long ones shortened. */
    static String quote(String ident) {
        StringBuilder sb = new StringBuilder("'");
        int shown = Math.min(ident.length(), MAX_SHOWN_IDENT);
        for (int i = 0; i < shown; i++) {
            char c = ident.charAt(i);
            if (c == 0) {
                sb.append("\\0");
            } else if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (shown < ident.length()) {
            sb.append("...(").append(ident.length()).append(" chars)");
        }
        return sb.append('\'').toString();
    }

    /** Why {@code ident} is not a valid identifier of this kind, or null when it is (non-empty, no NUL). */
    static String badIdent(String kind, String ident) {
        if (ident.isEmpty()) {
            return "empty " + kind + " name";
        }
        if (ident.indexOf('\0') >= 0) {
            return kind + " name " + quote(ident) + " contains a NUL character";
        }
        return null;
    }

    /** The fix for {@link #badIdent}. */
    static String identFix(String kind) {
        return "use a non-empty " + kind + " name without NUL characters";
    }

    static String hex(int value) {
        return "0x" + Integer.toHexString(value).toUpperCase(Locale.ROOT);
    }
}
