package dev.vyre.ir.codec;

import dev.vyre.ir.Payload;
import java.util.Arrays;

/** A growable little-endian byte buffer for the encoder. */
final class ByteSink {
    /** Largest array the JVM reliably allocates. */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private byte[] buf = new byte[64];
    private int size;

    int size() {
        return size;
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
    }

    void u32(int v) {
        ensure(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
    }

    void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /** {@code u32 length | bytes}. */
    void payload(Payload p) {
        u32(p.length());
        ensure(p.length());
        p.copyTo(buf, size);
        size += p.length();
    }

    void append(ByteSink other) {
        ensure(other.size);
        System.arraycopy(other.buf, 0, buf, size, other.size);
        size += other.size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (more > MAX_SIZE - size) {
            throw new Vir0FormatException(-1, "the encoding would exceed " + MAX_SIZE + " bytes",
                    "split the program or move large payloads out of its metadata");
        }
        if (size + more > buf.length) {
            long grown = Math.max((long) buf.length * 2, (long) size + more);
            buf = Arrays.copyOf(buf, (int) Math.min(grown, MAX_SIZE));
        }
    }
}
