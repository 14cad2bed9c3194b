package dev.vyre.ir.codec;

import dev.vyre.ir.Program;

/** A readable, indented text form of a program (for {@code vyre vir0 dump}). */
public final class ProgramPrinter {
    private ProgramPrinter() {
    }

    public static String print(Program program) {
        throw new UnsupportedOperationException("TODO");
    }
}
