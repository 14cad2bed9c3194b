package dev.vyre.ir.codec;

import dev.vyre.ir.Payload;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bounds-checked little-endian cursor over VIR0 input. Every read checks what remains before the limit (the
 * end of the input, or the end of the metadata section while that is parsed) before it touches or allocates
 * anything; every failure is a {@link Vir0FormatException} naming the offset and the expected item.
 */
final class Vir0Reader {
    private static final String TRUNCATED_FIX = "the input is truncated or corrupt; re-encode the program with Vir0Encoder";

    private final byte[] bytes;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private int limit;
    private String region = "input";

    Vir0Reader(byte[] bytes) {
        this.bytes = bytes;
        this.limit = bytes.length;
    }

    int pos() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    /** Restricts reads to {@code [pos, end)}, named {@code region} in errors; {@link #endRegion} lifts it. */
    void beginRegion(int end, String name) {
        limit = end;
        region = name;
    }

    void endRegion() {
        limit = bytes.length;
        region = "input";
    }

    int u8(String what) {
        return u8(what, "");
    }

    /** Reads a u8 named {@code what + part} in errors (the parts are joined only on failure). */
    int u8(String what, String part) {
        need(1, what, part);
        return bytes[pos++] & 0xFF;
    }

    int u16(String what) {
        need(2, what, "");
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    /** A u32 as its raw 32 bits. */
    int u32(String what) {
        return u32(what, "");
    }

    /** A u32 named {@code what + part} in errors. */
    int u32(String what, String part) {
        need(4, what, part);
        int v = (bytes[pos] & 0xFF) | (bytes[pos + 1] & 0xFF) << 8 | (bytes[pos + 2] & 0xFF) << 16
                | (bytes[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /** A u8 that must be 0 or 1. */
    boolean bool(String what) {
        int at = pos;
        int v = u8(what);
        if (v > 1) {
            throw fail(at, what + " must be 0 or 1 but is " + v,
                    "write booleans as the single byte 0 (false) or 1 (true)");
        }
        return v == 1;
    }

    /**
     * A u32 count of items that each take at least {@code minItemSize} bytes; the count is refused unless that
     * many items can fit in what remains, so callers never size anything by an unchecked count.
     */
    int count(String what, int minItemSize) {
        return count(what, "", minItemSize);
    }

    /** {@link #count(String, int)} named {@code what + part} in errors. */
    int count(String what, String part, int minItemSize) {
        int at = pos;
        long n = Integer.toUnsignedLong(u32(what, part));
        if (n * minItemSize > remaining()) {
            throw fail(at, what + part + " is " + n + " but only " + remaining() + " bytes remain in the " + region
                    + " (each item takes at least " + minItemSize + " byte" + (minItemSize == 1 ? "" : "s") + ")",
                    TRUNCATED_FIX);
        }
        return (int) n;
    }

    /** {@code u32 length | bytes}, the length checked before the copy. */
    Payload payload(String what) {
        int len = count(what, " length", 1);
        Payload p = Payload.wrap(Arrays.copyOfRange(bytes, pos, pos + len));
        pos += len;
        return p;
    }

    /** {@code u32 length | UTF-8 bytes}: strict UTF-8 (no overlong forms, surrogates or truncated sequences), no NUL. */
    String ident(String what) {
        int len = count(what, " length", 1);
        int start = pos;
        for (int i = start; i < start + len; i++) {
            if (bytes[i] == 0) {
                throw fail(i, what + " contains a NUL byte", "identifiers must not contain NUL (0x00) bytes");
            }
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, start, len);
        CharBuffer out = CharBuffer.allocate(len);
        utf8.reset();
        CoderResult r = utf8.decode(in, out, true);
        if (!r.isError()) {
            r = utf8.flush(out);
        }
        if (r.isError() || in.hasRemaining()) {
            throw fail(in.position(), what + " is not valid UTF-8 (malformed sequence at this byte)",
                    "encode identifiers as well-formed UTF-8");
        }
        pos = start + len;
        return out.flip().toString();
    }

    /** Checks that {@code n} more bytes can be read. */
    void need(int n, String what) {
        need(n, what, "");
    }

    private void need(int n, String what, String part) {
        if (n > remaining()) {
            throw fail(pos, "expected " + what + part + " (" + n + " byte" + (n == 1 ? "" : "s") + ") but only "
                    + remaining() + " remain in the " + region, TRUNCATED_FIX);
        }
    }

    static Vir0FormatException fail(long offset, String problem, String fix) {
        return new Vir0FormatException(offset, problem, fix);
    }
}
