package dev.vyre.runtime.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.commons.codec.digest.Blake3;

/**
 * The bytes of one cache entry file (docs/PIPELINE-CACHE.md): a 96-byte header, then the payload. All numbers are
 * little-endian.
 *
 * <pre>
 * offset size field
 *      0    4 magic "VYPC"
 *      4    4 format version ({@link #VERSION})
 *      8    4 kind ({@link EntryKind#wire()})
 *     12    4 reserved, 0
 *     16    8 build time in nanoseconds
 *     24    8 payload length in bytes
 *     32   32 key (the BLAKE3 fingerprint the entry was built for)
 *     64   32 checksum: BLAKE3 of header bytes 0..63 followed by the payload
 *     96    n payload
 * </pre>
 *
 * {@link #decode} checks, in order: length at least the header, magic, version, kind, reserved word, key, payload
 * length against the bytes present (a truncated or extended file fails here), then the checksum; any failure is a
 * {@link CorruptEntryException} naming the field.
 */
public final class EntryCodec {
    /** "VYPC" as the first four bytes. */
    public static final int MAGIC = 'V' | 'Y' << 8 | 'P' << 16 | 'C' << 24;
    /** Format version written and accepted. */
    public static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int KIND_OFFSET = 8;
    static final int RESERVED_OFFSET = 12;
    static final int BUILD_NANOS_OFFSET = 16;
    static final int LENGTH_OFFSET = 24;
    static final int KEY_OFFSET = 32;
    static final int CHECKSUM_OFFSET = KEY_OFFSET + Fingerprint.BYTES;
    /** Header bytes before the payload. */
    public static final int HEADER_BYTES = CHECKSUM_OFFSET + Fingerprint.BYTES;

    private EntryCodec() {
    }

    /** The file bytes of {@code entry}. */
    public static byte[] encode(CacheEntry entry) {
        byte[] payload = entry.payload();
        if (payload.length > Integer.MAX_VALUE - HEADER_BYTES) {
            throw new CacheException("cache entry payload of " + payload.length + " bytes is too large",
                    "cache artifacts below 2 GiB");
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, VERSION).putInt(KIND_OFFSET, entry.kind().wire())
                .putInt(RESERVED_OFFSET, 0).putLong(BUILD_NANOS_OFFSET, entry.buildNanos())
                .putLong(LENGTH_OFFSET, payload.length).put(KEY_OFFSET, entry.key().bytes())
                .put(HEADER_BYTES, payload);
        byte[] bytes = b.array();
        System.arraycopy(checksum(bytes), 0, bytes, CHECKSUM_OFFSET, Fingerprint.BYTES);
        return bytes;
    }

    /**
     * The entry in {@code bytes}, which must be one for {@code key} and {@code kind}.
     *
     * @throws CorruptEntryException when any check fails (see the class comment)
     */
    public static CacheEntry decode(byte[] bytes, Fingerprint key, EntryKind kind) {
        if (bytes.length < HEADER_BYTES) {
            throw new CorruptEntryException("cache entry has " + bytes.length + " bytes, less than its "
                    + HEADER_BYTES + "-byte header (truncated)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(MAGIC_OFFSET) != MAGIC) {
            throw new CorruptEntryException("cache entry at byte 0: magic 0x" + Integer.toHexString(b.getInt(0))
                    + " is not \"VYPC\"");
        }
        if (b.getInt(VERSION_OFFSET) != VERSION) {
            throw new CorruptEntryException("cache entry at byte " + VERSION_OFFSET + ": format version "
                    + Integer.toUnsignedString(b.getInt(VERSION_OFFSET)) + ", expected " + VERSION);
        }
        if (b.getInt(KIND_OFFSET) != kind.wire()) {
            throw new CorruptEntryException("cache entry at byte " + KIND_OFFSET + ": kind "
                    + Integer.toUnsignedString(b.getInt(KIND_OFFSET)) + ", expected " + kind.wire() + " (" + kind
                    + ")");
        }
        if (b.getInt(RESERVED_OFFSET) != 0) {
            throw new CorruptEntryException("cache entry at byte " + RESERVED_OFFSET + ": reserved word is not 0");
        }
        byte[] stored = Arrays.copyOfRange(bytes, KEY_OFFSET, KEY_OFFSET + Fingerprint.BYTES);
        if (!Fingerprint.of(stored).equals(key)) {
            throw new CorruptEntryException("cache entry at byte " + KEY_OFFSET + ": key " + Fingerprint.of(stored)
                    + "... is not the requested " + key + "...");
        }
        long length = b.getLong(LENGTH_OFFSET);
        if (length != bytes.length - (long) HEADER_BYTES) {
            throw new CorruptEntryException("cache entry at byte " + LENGTH_OFFSET + ": payload length "
                    + Long.toUnsignedString(length) + " but " + (bytes.length - HEADER_BYTES) + " payload bytes are"
                    + " present (truncated or extended)");
        }
        long buildNanos = b.getLong(BUILD_NANOS_OFFSET);
        if (buildNanos < 0) {
            throw new CorruptEntryException("cache entry at byte " + BUILD_NANOS_OFFSET + ": negative build time");
        }
        byte[] expected = checksum(bytes);
        if (!Arrays.equals(bytes, CHECKSUM_OFFSET, CHECKSUM_OFFSET + Fingerprint.BYTES, expected, 0,
                Fingerprint.BYTES)) {
            throw new CorruptEntryException("cache entry at byte " + CHECKSUM_OFFSET + ": checksum does not match"
                    + " the header and " + length + "-byte payload");
        }
        return new CacheEntry(key, kind, buildNanos, Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length));
    }

    /** BLAKE3 of the header before the checksum, then the payload. */
    private static byte[] checksum(byte[] bytes) {
        return Blake3.initHash().update(bytes, 0, CHECKSUM_OFFSET)
                .update(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES).doFinalize(Fingerprint.BYTES);
    }
}
