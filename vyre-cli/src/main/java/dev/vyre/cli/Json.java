package dev.vyre.cli;

import java.util.Collection;
import java.util.Map;

/**
 * A minimal JSON writer (RFC 8259) for {@code --json} output: maps (string keys, iteration order kept),
 * collections, strings, booleans, finite numbers and null.
 */
public final class Json {
    private Json() {
    }

    /** {@code value} as one line of JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(finite(d));
            case Float f -> sb.append(finite(f));
            case Byte b -> sb.append(b);
            case Short s -> sb.append(s);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case CharSequence s -> string(sb, s);
            case Map<?, ?> map -> object(sb, map);
            case Collection<?> items -> array(sb, items);
            default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static String finite(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no representation for " + d);
        }
        return Double.toString(d);
    }

    private static void object(StringBuilder sb, Map<?, ?> map) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, key);
            sb.append(':');
            append(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void array(StringBuilder sb, Collection<?> items) {
        sb.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            append(sb, item);
        }
        sb.append(']');
    }

    private static void string(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
