package dev.vyre.ir.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Builds VIR0 bytes field by field for tests, straight from docs/VIR0-FORMAT.md and independent of
 * {@link Vir0Encoder}: little-endian integers, {@code u32 length | UTF-8} identifiers.
 */
final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Wire of() {
        return new Wire();
    }

    Wire u8(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    Wire u16(int v) {
        return u8(v & 0xFF, v >>> 8 & 0xFF);
    }

    Wire u32(long v) {
        return u8((int) v & 0xFF, (int) (v >>> 8) & 0xFF, (int) (v >>> 16) & 0xFF, (int) (v >>> 24) & 0xFF);
    }

    Wire bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Raw bytes given as hex, spaces ignored. */
    Wire hex(String hex) {
        return bytes(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    Wire ident(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u32(b.length).bytes(b);
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A workgroup-size field (discriminant 0x01). */
    static Wire workgroup(int x, int y, int z) {
        return of().u8(0x01).u32(x).u32(y).u32(z);
    }

    /** {@code "VIR0" | 01 | flags | metadata_len | metadata | nodes | arena}. */
    static byte[] program(int flags, Wire metadata, Wire nodes, Wire arena) {
        byte[] m = metadata.bytes();
        return of().hex("56495230").u8(1).u16(flags).u32(m.length).bytes(m).bytes(nodes.bytes())
                .bytes(arena.bytes()).bytes();
    }

    /** Offset where the node tree starts for a metadata section of {@code metadataLength} bytes. */
    static int nodeTreeOffset(int metadataLength) {
        return 11 + metadataLength;
    }

    /** The smallest valid program: workgroup size [1,1,1], no nodes, empty arena. */
    static byte[] minimal() {
        return program(0, workgroup(1, 1, 1), of().u32(0), of().u32(0));
    }
}
