package dev.vyre.ir.codec;

import static dev.vyre.ir.codec.Vir0Format.MAX_DEPTH;

import dev.vyre.ir.DataType;
import dev.vyre.ir.ScalarType;

/** Reads a VIR0 DataType: a tag byte, then {@code u32 length, element} for Array or an extension payload for Opaque. */
final class TypeDecoder {
    private TypeDecoder() {
    }

    static DataType read(Vir0Reader in, String what) {
        return read(in, what, 1);
    }

    private static DataType read(Vir0Reader in, String what, int depth) {
        int at = in.pos();
        if (depth > MAX_DEPTH) {
            throw Vir0Reader.fail(at, what + ": Array types nest deeper than " + MAX_DEPTH + " levels",
                    "use at most " + MAX_DEPTH + " nested Array types");
        }
        int tag = in.u8(what, " tag");
        if (tag == DataType.ArrayType.TAG) {
            int length = in.u32(what, " Array length");
            return new DataType.ArrayType(length, read(in, what, depth + 1));
        }
        if (tag == DataType.OpaqueType.TAG) {
            int extension = in.u32(what, " Opaque extension id");
            return new DataType.OpaqueType(extension, in.payload("Opaque type payload"));
        }
        ScalarType t = ScalarType.fromTag(tag);
        if (t == null) {
            throw Vir0Reader.fail(at, "unknown " + what + " tag 0x" + hex(tag),
                    "use a DataType tag from VIR0.md (0x00..0x0C or 0x80 Opaque)");
        }
        return t;
    }

    static String hex(int v) {
        return String.format("%02X", v);
    }
}
