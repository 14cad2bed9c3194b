package dev.vyre.ir.codec;

import dev.vyre.ir.Program;

/** Encodes a {@link Program} to canonical VIR0 bytes (docs/VIR0-FORMAT.md). */
public final class Vir0Encoder {
    private Vir0Encoder() {
    }

    /** The canonical VIR0 bytes of {@code program}. */
    public static byte[] encode(Program program) {
        throw new UnsupportedOperationException("TODO");
    }
}
