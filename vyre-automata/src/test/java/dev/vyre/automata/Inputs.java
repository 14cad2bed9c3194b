package dev.vyre.automata;

/** Shows test inputs readably in failure messages. */
public final class Inputs {
    private Inputs() {
    }

    /** {@code bytes} as a quoted string with non-printing bytes escaped. */
    public static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : bytes) {
            int u = b & 0xFF;
            if (u >= 32 && u < 127 && u != '"' && u != '\\') {
                sb.append((char) u);
            } else {
                sb.append(String.format("\\x%02X", u));
            }
        }
        return sb.append("\" (").append(bytes.length).append(" bytes)").toString();
    }
}
