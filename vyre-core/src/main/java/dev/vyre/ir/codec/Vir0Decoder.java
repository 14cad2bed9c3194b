package dev.vyre.ir.codec;

import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decodes VIR0 bytes into a {@link Program}; hostile input ends in {@link Vir0FormatException}, nothing else.
 * Only canonical input is accepted, so for every input that decodes, {@code Vir0Encoder.encode(decode(bytes))}
 * equals {@code bytes}.
 */
public final class Vir0Decoder {
    private static final byte[] MAGIC = Vir0Format.MAGIC.getBytes(StandardCharsets.US_ASCII);

    private Vir0Decoder() {
    }

    /**
     * Decodes {@code bytes}.
     *
     * @throws Vir0VersionException if the header names a version other than {@link Vir0Format#VERSION}
     * @throws Vir0FormatException  on any malformed, truncated or non-canonical input; the message names the byte
     *                              offset and what was expected there
     */
    public static Program decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        Vir0Reader in = new Vir0Reader(bytes);
        in.need(MAGIC.length, "the magic \"VIR0\"");
        if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw Vir0Reader.fail(Vir0Format.OFFSET_MAGIC, "the input does not start with the magic \"VIR0\"",
                    "pass VIR0 bytes (as written by Vir0Encoder)");
        }
        in.u32("magic");
        int version = in.u8("version");
        if (version != Vir0Format.VERSION) {
            throw new Vir0VersionException(version);
        }
        int flags = in.u16("header flags");
        int metadataLength = in.count("metadata_len", 1);
        MetadataDecoder meta = MetadataDecoder.read(in, metadataLength);
        List<NodeTreeDecoder.Pending> pending = NodeTreeDecoder.read(in);
        ExprArenaDecoder arena = ExprArenaDecoder.read(in);
        if (in.remaining() > 0) {
            throw Vir0Reader.fail(in.pos(), in.remaining() + " trailing bytes after the expression arena",
                    "remove bytes after the end of the program");
        }
        List<Node> body = NodeTreeDecoder.build(pending, arena);
        arena.checkAllUsed();
        Program program = new Program(flags, meta.entryOp, meta.workgroupSize, meta.buffers, meta.map,
                meta.extensions, body);
        requireCanonical(bytes, program);
        return program;
    }

    /** The last line of defence for canonical form: the program must re-encode to exactly the input. */
    private static void requireCanonical(byte[] bytes, Program program) {
        byte[] canonical = Vir0Encoder.encode(program);
        int at = Arrays.mismatch(bytes, canonical);
        if (at < 0) {
            return;
        }
        String found = at < bytes.length ? "0x" + TypeDecoder.hex(bytes[at] & 0xFF) : "the end of the input";
        String expected = at < canonical.length ? "0x" + TypeDecoder.hex(canonical[at] & 0xFF) : "the end";
        throw Vir0Reader.fail(at, "non-canonical encoding: found " + found + " where the canonical encoding of "
                + "the same program has " + expected + " (for example an expression arena not in post-order of "
                + "the node tree)", "re-encode the program with Vir0Encoder, which writes canonical VIR0");
    }
}
