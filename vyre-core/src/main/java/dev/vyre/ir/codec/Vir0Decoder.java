package dev.vyre.ir.codec;

import dev.vyre.ir.Program;

/** Decodes VIR0 bytes into a {@link Program}; hostile input ends in {@link Vir0FormatException}, nothing else. */
public final class Vir0Decoder {
    private Vir0Decoder() {
    }

    /** Decodes {@code bytes}; throws {@link Vir0FormatException} on any malformed, truncated or non-canonical input. */
    public static Program decode(byte[] bytes) {
        throw new UnsupportedOperationException("TODO");
    }
}
