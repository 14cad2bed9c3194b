package dev.vyre.ir;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string (extension payloads, metadata values) with value equality. */
public final class Payload {
    public static final Payload EMPTY = new Payload(new byte[0]);

    private final byte[] bytes;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Payload of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Payload(bytes.clone());
    }

    /** Wraps without copying; the caller must not modify the array afterwards. */
    public static Payload wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Payload(bytes);
    }

    public int length() {
        return bytes.length;
    }

    public byte get(int i) {
        return bytes[i];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length <= 32 ? "0x" + HexFormat.of().formatHex(bytes)
                : "0x" + HexFormat.of().formatHex(bytes, 0, 32) + "...(" + bytes.length + " bytes)";
    }
}
