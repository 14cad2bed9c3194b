package dev.vyre.cli;

import dev.vyre.ir.ScalarType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code --buffer NAME=SPEC} argument of {@code vyre vir0 run}. SPEC is one of
 * <ul>
 *   <li>{@code u32:1,2,0xff}, {@code i32:-1,2}, {@code f32:1.5,-0,NaN}, {@code bool:true,0},
 *       {@code bytes:0,255}: the elements, little-endian; the type must be the buffer's element type;</li>
 *   <li>{@code file:PATH}: the raw little-endian bytes of a file;</li>
 *   <li>{@code zeros:N}: N zero bytes.</li>
 * </ul>
 *
 * @param name   the buffer's name
 * @param source where its initial contents come from
 */
public record BufferArg(String name, Source source) {

    /** Largest buffer the command line can create, in bytes. */
    public static final long MAX_BYTES = Integer.MAX_VALUE;

    /** The spec keywords of the element types a buffer can be given as values. */
    static final List<ScalarType> VALUE_TYPES =
            List.of(ScalarType.U32, ScalarType.I32, ScalarType.F32, ScalarType.BOOL, ScalarType.BYTES);

    public BufferArg {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }

    /** Where a buffer's initial bytes come from. */
    public sealed interface Source {
    }

    /** Elements given on the command line, already encoded little-endian. */
    public record Values(ScalarType type, byte[] bytes) implements Source {
        public Values {
            Objects.requireNonNull(type, "type");
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Values v && v.type == type && Arrays.equals(v.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Values[" + type + ", " + bytes.length + " bytes]";
        }
    }

    /** The raw bytes of a file. */
    public record FromFile(Path path) implements Source {
        public FromFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** {@code byteCount} zero bytes. */
    public record Zeros(long byteCount) implements Source {
    }

    /** The spec keyword of a value type, e.g. {@code f32}. */
    static String keyword(ScalarType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code NAME=SPEC}; throws {@link CliException} naming the bad part. */
    public static BufferArg parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new CliException("--buffer '" + arg + "' is not NAME=SPEC",
                    "write e.g. --buffer in=u32:1,2,3 or --buffer in=file:data.bin or --buffer out=zeros:1024");
        }
        String name = arg.substring(0, eq);
        String spec = arg.substring(eq + 1);
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? null : spec.substring(colon + 1);
        if (rest == null) {
            throw new CliException("--buffer " + name + ": '" + spec + "' has no ':' after the kind",
                    "write KIND:VALUE, with KIND one of " + kinds());
        }
        return new BufferArg(name, switch (kind) {
            case "file" -> {
                if (rest.isEmpty()) {
                    throw new CliException("--buffer " + name + "=file: names no file", "write file:PATH");
                }
                try {
                    yield new FromFile(Path.of(rest));
                } catch (InvalidPathException e) {
                    throw new CliException("--buffer " + name + "=file:" + rest + " is not a valid path ("
                            + e.getReason() + ")", "write file:PATH with a path this system accepts");
                }
            }
            case "zeros" -> new Zeros(parseByteCount(name, rest));
            default -> new Values(valueType(name, kind), encodeValues(name, valueType(name, kind), rest));
        });
    }

    private static String kinds() {
        StringBuilder sb = new StringBuilder();
        for (ScalarType t : VALUE_TYPES) {
            sb.append(keyword(t)).append(", ");
        }
        return sb.append("file, zeros").toString();
    }

    private static ScalarType valueType(String name, String kind) {
        for (ScalarType t : VALUE_TYPES) {
            if (keyword(t).equals(kind)) {
                return t;
            }
        }
        throw new CliException("--buffer " + name + ": unknown kind '" + kind + "'", "use one of " + kinds());
    }

    private static long parseByteCount(String name, String text) {
        long n;
        try {
            n = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new CliException("--buffer " + name + "=zeros:" + text + ": the byte count is not a number",
                    "write zeros:N with N a byte count, e.g. zeros:1024");
        }
        if (n < 0 || n > MAX_BYTES) {
            throw new CliException("--buffer " + name + "=zeros:" + text + ": byte count out of range",
                    "give a byte count from 0 to " + MAX_BYTES);
        }
        return n;
    }

    private static byte[] encodeValues(String name, ScalarType type, String list) {
        String[] tokens = list.isBlank() ? new String[0] : list.split(",", -1);
        ByteBuffer buf = ByteBuffer.allocate(tokens.length * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i].strip();
            try {
                switch (type) {
                    case U32 -> buf.putInt(parseU32(token));
                    case I32 -> buf.putInt(parseI32(token));
                    case F32 -> buf.putFloat(parseF32(token));
                    case BOOL -> buf.putInt(parseBool(token) ? 1 : 0);
                    case BYTES -> buf.put(parseByte(token));
                    default -> throw new IllegalStateException("not a value type: " + type);
                }
            } catch (NumberFormatException e) {
                throw new CliException("--buffer " + name + ": element " + i + " '" + token + "' is not a "
                        + keyword(type) + " value (" + e.getMessage() + ")", hint(type));
            }
        }
        return buf.array();
    }

    private static String hint(ScalarType type) {
        return switch (type) {
            case U32 -> "write u32 values as 0..4294967295 or hex 0x0..0xffffffff, separated by commas";
            case I32 -> "write i32 values as -2147483648..2147483647 or hex bits 0x0..0xffffffff, separated by commas";
            case F32 -> "write f32 values as decimal numbers such as 1.5, -0, 1e-3, NaN or Infinity, separated by commas";
            case BOOL -> "write bool values as true, false, 1 or 0, separated by commas";
            default -> "write byte values as 0..255 or hex 0x00..0xff, separated by commas";
        };
    }

    private static boolean isHex(String t) {
        return t.startsWith("0x") || t.startsWith("0X");
    }

    private static int parseHex32(String t) {
        String digits = t.substring(2);
        if (digits.isEmpty() || digits.length() > 8) {
            throw new NumberFormatException("hex needs 1 to 8 digits");
        }
        return Integer.parseUnsignedInt(digits, 16);
    }

    static int parseU32(String t) {
        if (isHex(t)) {
            return parseHex32(t);
        }
        if (t.startsWith("-") || t.startsWith("+")) {
            throw new NumberFormatException("u32 takes no sign");
        }
        return Integer.parseUnsignedInt(t);
    }

    static int parseI32(String t) {
        return isHex(t) ? parseHex32(t) : Integer.parseInt(t);
    }

    static float parseF32(String t) {
        if (t.isEmpty() || isHex(t) || t.endsWith("f") || t.endsWith("F") || t.endsWith("d") || t.endsWith("D")) {
            throw new NumberFormatException("not a plain decimal number");
        }
        return Float.parseFloat(t);
    }

    static boolean parseBool(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new NumberFormatException("not true, false, 1 or 0");
        };
    }

    static byte parseByte(String t) {
        int v = isHex(t) ? parseHex32(t) : Integer.parseInt(t);
        if (v < 0 || v > 255) {
            throw new NumberFormatException("out of range 0..255");
        }
        return (byte) v;
    }
}
