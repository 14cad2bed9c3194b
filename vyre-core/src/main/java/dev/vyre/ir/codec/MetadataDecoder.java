package dev.vyre.ir.codec;

import static dev.vyre.ir.codec.Vir0Format.FIELD_BUFFER;
import static dev.vyre.ir.codec.Vir0Format.FIELD_ENTRY_OP;
import static dev.vyre.ir.codec.Vir0Format.FIELD_MAP_ENTRY;
import static dev.vyre.ir.codec.Vir0Format.FIELD_WORKGROUP_SIZE;
import static dev.vyre.ir.codec.Vir0Format.FIRST_EXTENSION_FIELD;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.DataType;
import dev.vyre.ir.MetadataExtension;
import dev.vyre.ir.Payload;
import dev.vyre.ir.Program;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads the metadata section and enforces its canonical form: entry op (at most once), workgroup size (exactly
 * once), buffers, map entries with strictly ascending keys, then extension fields.
 */
final class MetadataDecoder {
    /** Canonical rank of each kind of field; ranks never decrease along the section. */
    private static final String[] RANK_NAMES = {"entry op", "workgroup size", "buffer declaration",
            "metadata map entry", "extension field"};
    private static final String ORDER_FIX = "write metadata fields in canonical order: entry op, workgroup size, "
            + "buffers, map entries by ascending key, extension fields (docs/VIR0-FORMAT.md)";

    private final Vir0Reader in;
    String entryOp;
    Program.WorkgroupSize workgroupSize;
    final List<BufferDecl> buffers = new ArrayList<>();
    final SortedMap<String, Payload> map = new TreeMap<>();
    final List<MetadataExtension> extensions = new ArrayList<>();
    private int lastRank = -1;
    private byte[] lastKey;

    private MetadataDecoder(Vir0Reader in) {
        this.in = in;
    }

    /** Reads the {@code length} bytes of metadata at the reader's position. */
    static MetadataDecoder read(Vir0Reader in, int length) {
        MetadataDecoder m = new MetadataDecoder(in);
        int end = in.pos() + length;
        in.beginRegion(end, "metadata section");
        while (in.pos() < end) {
            m.field();
        }
        in.endRegion();
        if (m.workgroupSize == null) {
            throw Vir0Reader.fail(end, "the metadata section has no workgroup size field (0x01)",
                    "every program carries exactly one workgroup size field");
        }
        return m;
    }

    private void field() {
        int at = in.pos();
        int d = in.u8("metadata field discriminant");
        int rank = rank(at, d);
        if (rank < lastRank || rank == lastRank && rank <= 1) {
            throw Vir0Reader.fail(at, "non-canonical metadata: " + RANK_NAMES[rank] + " field (0x"
                    + TypeDecoder.hex(d) + ") " + (rank == lastRank ? "appears twice" : "follows a "
                    + RANK_NAMES[lastRank] + " field"), ORDER_FIX);
        }
        lastRank = rank;
        switch (rank) {
            case 0 -> entryOp = in.ident("entry op id");
            case 1 -> workgroupSize = new Program.WorkgroupSize(in.u32("workgroup size x"),
                    in.u32("workgroup size y"), in.u32("workgroup size z"));
            case 2 -> buffers.add(buffer());
            case 3 -> mapEntry(at);
            default -> extensions.add(new MetadataExtension(d, in.payload("extension field payload")));
        }
    }

    private static int rank(int at, int discriminant) {
        return switch (discriminant) {
            case FIELD_ENTRY_OP -> 0;
            case FIELD_WORKGROUP_SIZE -> 1;
            case FIELD_BUFFER -> 2;
            case FIELD_MAP_ENTRY -> 3;
            default -> {
                if (discriminant >= FIRST_EXTENSION_FIELD) {
                    yield 4;
                }
                throw Vir0Reader.fail(at, "unknown core metadata discriminant 0x" + TypeDecoder.hex(discriminant),
                        "core discriminants 0x00..0x03 are defined; carry other data as an extension field "
                                + "(0x80..0xFF) or upgrade the decoder");
            }
        };
    }

    private BufferDecl buffer() {
        String name = in.ident("buffer name");
        int binding = in.u32("buffer binding");
        int accessAt = in.pos();
        int accessTag = in.u8("buffer access");
        BufferAccess access = BufferAccess.fromTag(accessTag);
        if (access == null) {
            throw Vir0Reader.fail(accessAt, "buffer \"" + name + "\": unknown access tag " + accessTag,
                    "use ReadOnly=0, ReadWrite=1, Uniform=2, Workgroup=3 or WriteOnly=4");
        }
        DataType element = TypeDecoder.read(in, "buffer element type");
        int count = in.u32("buffer count");
        boolean output = in.bool("buffer output flag");
        BufferDecl.ByteRange range = null;
        if (in.bool("buffer has_range flag")) {
            range = new BufferDecl.ByteRange(in.u32("output range start"), in.u32("output range end"));
        }
        int hints = in.u32("buffer hints");
        return new BufferDecl(name, binding, access, element, count, output, range, hints);
    }

    private void mapEntry(int at) {
        String key = in.ident("metadata key");
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        if (lastKey != null && Arrays.compareUnsigned(lastKey, keyBytes) >= 0) {
            throw Vir0Reader.fail(at, "non-canonical metadata: map key \"" + key + "\" "
                    + (Arrays.equals(lastKey, keyBytes) ? "is repeated" : "is not after the previous key")
                    + "; keys must be strictly ascending by UTF-8 bytes", ORDER_FIX);
        }
        lastKey = keyBytes;
        map.put(key, in.payload("metadata value"));
    }
}
