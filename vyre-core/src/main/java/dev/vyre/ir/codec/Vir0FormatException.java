package dev.vyre.ir.codec;

import dev.vyre.core.VyreException;

/** VIR0 bytes that cannot be decoded (or a program that cannot be encoded); names the byte offset. */
public class Vir0FormatException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public Vir0FormatException(long offset, String problem, String fix) {
        super("VIR0" + (offset >= 0 ? " at byte " + offset + ": " : ": ") + problem, fix);
        this.offset = offset;
    }

    /** Byte offset in the input where decoding failed, or -1 when not tied to a position. */
    public long offset() {
        return offset;
    }
}
