package dev.vyre.runtime.replay;

import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.HandlerTable;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.cache.Fingerprint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.commons.codec.digest.Blake3;

/**
 * The replay log's bytes (docs/REPLAY.md): a header, fixed-size blocks (records, then one trailer). Little-endian.
 *
 * <pre>
 * header
 *      0  4 magic "VYRL"
 *      4  4 version (1)
 *      8  4 header length H in bytes (the checksum included)
 *     12  4 block length ({@link #BLOCK_BYTES})
 *     16  8 start time, milliseconds since the epoch
 *     24 32 config fingerprint: BLAKE3 of the config section
 *     56  4 config section length C
 *     60  C config section: slotCount, workers, observables, debugRecords (u32 each), handlerStepBudget,
 *           dataBytes (u64 each), mask count M (u32), M x (tenant u32, mask u32), handler count N (u32),
 *           N x (opcode u32, VIR0 length L u32, L VIR0 bytes)
 *   60+C 32 header checksum: BLAKE3 of bytes 0 .. 60+C
 * block (168 bytes)
 *      0  4 tag: "REC1" (record) or "END1" (trailer)
 *      4  4 CRC32C of block bytes 8..167
 * record:  8 sequence u64, 16 slot u32, 20 final status u32, 24 publish ns u64, 32 finish ns u64,
 *         40 16 published words, 104 16 result words
 * trailer: 8 records u64, 16 dropped u64, 24 unfinished u64, the rest 0
 * </pre>
 */
public final class ReplayFormat {
    /** "VYRL". */
    public static final int MAGIC = 'V' | 'Y' << 8 | 'R' << 16 | 'L' << 24;
    /** Version written and accepted. */
    public static final int VERSION = 1;
    /** "REC1". */
    public static final int RECORD_TAG = 'R' | 'E' << 8 | 'C' << 16 | '1' << 24;
    /** "END1". */
    public static final int TRAILER_TAG = 'E' | 'N' << 8 | 'D' << 16 | '1' << 24;
    static final int FIXED_HEADER = 60;
    static final int CONFIG_LENGTH_OFFSET = 56;
    static final int FINGERPRINT_OFFSET = 24;
    static final int WORDS_BYTES = SlotLayout.SLOT_WORDS * Integer.BYTES;
    static final int CRC_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int SLOT_OFFSET = 16;
    static final int STATUS_OFFSET = 20;
    static final int PUBLISH_NANOS_OFFSET = 24;
    static final int FINISH_NANOS_OFFSET = 32;
    static final int PUBLISHED_OFFSET = 40;
    static final int RESULT_OFFSET = PUBLISHED_OFFSET + WORDS_BYTES;
    /** Bytes of every block (record or trailer). */
    public static final int BLOCK_BYTES = RESULT_OFFSET + WORDS_BYTES;
    /** Most handlers a header may list ({@link HandlerTable}'s bound). */
    static final int MAX_HANDLERS = 20;
    /** Bytes of the config section without masks and handlers. */
    static final int CONFIG_FIXED = 4 * 4 + 2 * 8 + 4 + 4;

    private ReplayFormat() {
    }

    /** The config section of {@code h}. */
    static byte[] configSection(ReplayHeader h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = le(CONFIG_FIXED - 4);
        b.putInt(h.slotCount()).putInt(h.workers()).putInt(h.observables()).putInt(h.debugRecords())
                .putLong(h.handlerStepBudget()).putLong(h.dataBytes()).putInt(h.tenantMasks().size());
        out.writeBytes(b.array());
        h.tenantMasks().forEach((t, m) -> out.writeBytes(le(8).putInt(t).putInt(m).array()));
        out.writeBytes(le(4).putInt(h.handlers().size()).array());
        h.handlers().forEach((op, vir0) -> {
            out.writeBytes(le(8).putInt(op).putInt(vir0.length).array());
            out.writeBytes(vir0);
        });
        return out.toByteArray();
    }

    /** The header bytes of {@code h}. */
    public static byte[] encodeHeader(ReplayHeader h) {
        byte[] config = configSection(h);
        ByteBuffer b = le(FIXED_HEADER + config.length + Fingerprint.BYTES);
        b.putInt(MAGIC).putInt(VERSION).putInt(b.capacity()).putInt(BLOCK_BYTES).putLong(h.startMillis())
                .put(Fingerprint.hash(config).bytes()).putInt(config.length).put(config);
        byte[] bytes = b.array();
        System.arraycopy(Blake3.initHash().update(bytes, 0, bytes.length - Fingerprint.BYTES)
                .doFinalize(Fingerprint.BYTES), 0, bytes, bytes.length - Fingerprint.BYTES, Fingerprint.BYTES);
        return bytes;
    }

    /** Writes the block of record {@code r} into {@code out} ({@link #BLOCK_BYTES} bytes from its position). */
    public static void encodeRecord(ReplayRecord r, ByteBuffer out) {
        ByteBuffer b = out.slice(out.position(), BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, RECORD_TAG).putLong(SEQUENCE_OFFSET, r.sequence()).putInt(SLOT_OFFSET, r.slot())
                .putInt(STATUS_OFFSET, r.finalStatus()).putLong(PUBLISH_NANOS_OFFSET, r.publishNanos())
                .putLong(FINISH_NANOS_OFFSET, r.finishNanos());
        int[] p = r.published();
        int[] q = r.result();
        for (int i = 0; i < SlotLayout.SLOT_WORDS; i++) {
            b.putInt(PUBLISHED_OFFSET + 4 * i, p[i]).putInt(RESULT_OFFSET + 4 * i, q[i]);
        }
        b.putInt(CRC_OFFSET, crc(b));
        out.position(out.position() + BLOCK_BYTES);
    }

    /** The trailer block. */
    public static byte[] encodeTrailer(ReplayLog.Trailer t) {
        ByteBuffer b = le(BLOCK_BYTES);
        b.putInt(0, TRAILER_TAG).putLong(8, t.records()).putLong(16, t.dropped()).putLong(24, t.unfinished());
        b.putInt(CRC_OFFSET, crc(b));
        return b.array();
    }

    /** Reads and decodes the log in {@code file}. */
    public static ReplayLog read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new ReplayException("cannot read replay log " + file + ": " + e, "pass a readable log file", e);
        }
        return decode(bytes);
    }

    /**
     * Decodes a whole log. Every length is checked against the bytes present before it is used, so hostile input
     * costs time and memory linear in its size and fails only with {@link ReplayFormatException}.
     */
    public static ReplayLog decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        need(bytes, 0, FIXED_HEADER + Fingerprint.BYTES, "a header");
        if (b.getInt(0) != MAGIC) {
            throw new ReplayFormatException(0, "magic 0x" + Integer.toHexString(b.getInt(0)) + " is not \"VYRL\"");
        }
        if (b.getInt(4) != VERSION) {
            throw new ReplayFormatException(4, "version " + Integer.toUnsignedString(b.getInt(4)) + ", expected "
                    + VERSION);
        }
        long headerBytes = Integer.toUnsignedLong(b.getInt(8));
        if (headerBytes < FIXED_HEADER + Fingerprint.BYTES || headerBytes > bytes.length) {
            throw new ReplayFormatException(8, "header length " + headerBytes + " outside "
                    + (FIXED_HEADER + Fingerprint.BYTES) + ".." + bytes.length);
        }
        if (b.getInt(12) != BLOCK_BYTES) {
            throw new ReplayFormatException(12, "block length " + Integer.toUnsignedString(b.getInt(12))
                    + ", expected " + BLOCK_BYTES);
        }
        int h = (int) headerBytes;
        byte[] sum = Blake3.initHash().update(bytes, 0, h - Fingerprint.BYTES).doFinalize(Fingerprint.BYTES);
        if (!Arrays.equals(sum, 0, Fingerprint.BYTES, bytes, h - Fingerprint.BYTES, h)) {
            throw new ReplayFormatException(h - Fingerprint.BYTES, "header checksum does not match");
        }
        long configLength = Integer.toUnsignedLong(b.getInt(CONFIG_LENGTH_OFFSET));
        if (configLength != h - FIXED_HEADER - Fingerprint.BYTES) {
            throw new ReplayFormatException(CONFIG_LENGTH_OFFSET, "config section length " + configLength
                    + " disagrees with the header length " + h);
        }
        ReplayHeader header = decodeConfig(b, b.getLong(16), FIXED_HEADER, h - Fingerprint.BYTES);
        if (!Arrays.equals(header.fingerprint().bytes(), 0, Fingerprint.BYTES, bytes, FINGERPRINT_OFFSET,
                FINGERPRINT_OFFSET + Fingerprint.BYTES)) {
            throw new ReplayFormatException(FINGERPRINT_OFFSET, "config fingerprint does not match the config"
                    + " section");
        }
        return decodeBlocks(b, header, h);
    }

    private static ReplayHeader decodeConfig(ByteBuffer b, long startMillis, int at, int end) {
        int p = at;
        need(b, p, CONFIG_FIXED - 4, end, "the config section");
        int slotCount = b.getInt(p);
        int workers = b.getInt(p + 4);
        int observables = b.getInt(p + 8);
        int debugRecords = b.getInt(p + 12);
        long budget = b.getLong(p + 16);
        long dataBytes = b.getLong(p + 24);
        int masks = b.getInt(p + 32);
        p += CONFIG_FIXED - 4;
        if (slotCount < 1 || slotCount > SlotLayout.MAX_ENCODED_RING_SLOTS) {
            throw new ReplayFormatException(at, "slot count " + Integer.toUnsignedString(slotCount)
                    + " outside 1.." + SlotLayout.MAX_ENCODED_RING_SLOTS);
        }
        if (masks < 0 || masks > Permissions.TENANTS) {
            throw new ReplayFormatException(at + 32, "tenant mask count " + Integer.toUnsignedString(masks));
        }
        Map<Integer, Integer> tenantMasks = new TreeMap<>();
        for (int i = 0; i < masks; i++) {
            need(b, p, 8, end, "tenant mask " + i);
            int tenant = b.getInt(p);
            if (!Permissions.isTenant(tenant) || tenantMasks.put(tenant, b.getInt(p + 4)) != null) {
                throw new ReplayFormatException(p, "tenant " + Integer.toUnsignedString(tenant) + " is not a tenant"
                        + " or listed twice");
            }
            p += 8;
        }
        need(b, p, 4, end, "the handler count");
        int handlerCount = b.getInt(p);
        if (handlerCount < 0 || handlerCount > MAX_HANDLERS) {
            throw new ReplayFormatException(p, "handler count " + Integer.toUnsignedString(handlerCount)
                    + " above " + MAX_HANDLERS);
        }
        p += 4;
        Map<Integer, byte[]> handlers = new TreeMap<>();
        for (int i = 0; i < handlerCount; i++) {
            need(b, p, 8, end, "handler " + i);
            int opcode = b.getInt(p);
            long len = Integer.toUnsignedLong(b.getInt(p + 4));
            p += 8;
            if (len > end - p) {
                throw new ReplayFormatException(p - 4, "handler " + i + " VIR0 length " + len + " runs past the"
                        + " config section");
            }
            byte[] vir0 = new byte[(int) len];
            b.get(p, vir0);
            if (handlers.put(opcode, vir0) != null) {
                throw new ReplayFormatException(p - 8, "handler opcode 0x" + Integer.toHexString(opcode)
                        + " listed twice");
            }
            p += (int) len;
        }
        if (p != end) {
            throw new ReplayFormatException(p, (end - p) + " unexpected bytes at the end of the config section");
        }
        return new ReplayHeader(startMillis, slotCount, workers, observables, debugRecords, budget, dataBytes,
                tenantMasks, handlers);
    }

    private static ReplayLog decodeBlocks(ByteBuffer b, ReplayHeader header, int start) {
        List<ReplayRecord> records = new ArrayList<>((b.capacity() - start) / BLOCK_BYTES);
        int p = start;
        long previous = -1;
        while (b.capacity() - p >= BLOCK_BYTES) {
            ByteBuffer block = b.slice(p, BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            if (block.getInt(CRC_OFFSET) != crc(block)) {
                throw new ReplayFormatException(p + CRC_OFFSET, "block " + records.size() + ": CRC32C does not"
                        + " match");
            }
            int tag = block.getInt(0);
            if (tag == TRAILER_TAG) {
                ReplayLog.Trailer t = new ReplayLog.Trailer(block.getLong(8), block.getLong(16), block.getLong(24));
                if (p + BLOCK_BYTES != b.capacity()) {
                    throw new ReplayFormatException(p + BLOCK_BYTES, "bytes after the trailer");
                }
                if (t.records() != records.size()) {
                    throw new ReplayFormatException(p + 8, "trailer counts " + t.records() + " records, the log"
                            + " holds " + records.size());
                }
                return new ReplayLog(header, records, t, 0);
            }
            if (tag != RECORD_TAG) {
                throw new ReplayFormatException(p, "block tag 0x" + Integer.toHexString(tag) + " is neither REC1"
                        + " nor END1");
            }
            ReplayRecord r = decodeRecord(block, p, header.slotCount(), previous);
            previous = r.sequence();
            records.add(r);
            p += BLOCK_BYTES;
        }
        return new ReplayLog(header, records, null, b.capacity() - p);
    }

    private static ReplayRecord decodeRecord(ByteBuffer block, int at, int slotCount, long previous) {
        long seq = block.getLong(SEQUENCE_OFFSET);
        int slot = block.getInt(SLOT_OFFSET);
        if (seq <= previous) {
            throw new ReplayFormatException(at + SEQUENCE_OFFSET, "sequence " + Long.toUnsignedString(seq)
                    + " does not follow " + previous);
        }
        if (slot != seq % slotCount) {
            throw new ReplayFormatException(at + SLOT_OFFSET, "slot " + Integer.toUnsignedString(slot)
                    + " is not sequence " + seq + " mod " + slotCount);
        }
        int[] published = new int[SlotLayout.SLOT_WORDS];
        int[] result = new int[SlotLayout.SLOT_WORDS];
        for (int i = 0; i < SlotLayout.SLOT_WORDS; i++) {
            published[i] = block.getInt(PUBLISHED_OFFSET + 4 * i);
            result[i] = block.getInt(RESULT_OFFSET + 4 * i);
        }
        return new ReplayRecord(seq, slot, block.getInt(STATUS_OFFSET), block.getLong(PUBLISH_NANOS_OFFSET),
                block.getLong(FINISH_NANOS_OFFSET), published, result);
    }

    private static int crc(ByteBuffer block) {
        CRC32C c = new CRC32C();
        c.update(block.slice(SEQUENCE_OFFSET, BLOCK_BYTES - SEQUENCE_OFFSET));
        return (int) c.getValue();
    }

    private static void need(byte[] bytes, int at, int n, String what) {
        if (bytes.length - at < n) {
            throw new ReplayFormatException(at, "need " + n + " bytes for " + what + ", " + (bytes.length - at)
                    + " left");
        }
    }

    private static void need(ByteBuffer b, int at, int n, int end, String what) {
        if (end - at < n) {
            throw new ReplayFormatException(at, "need " + n + " bytes for " + what + ", " + (end - at)
                    + " left in the config section");
        }
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
