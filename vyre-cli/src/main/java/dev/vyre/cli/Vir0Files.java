package dev.vyre.cli;

import dev.vyre.core.VyreException;
import dev.vyre.ir.Program;
import dev.vyre.ir.codec.Vir0Decoder;
import dev.vyre.ir.codec.Vir0Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes VIR0 program files, naming the file in every failure. */
final class Vir0Files {
    private Vir0Files() {
    }

    /** Largest VIR0 file the command loads. */
    static final long MAX_FILE_BYTES = 256L << 20;

    /** Reads and decodes {@code file}. */
    static Program read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new CliException(file + " is " + size + " bytes, larger than any VIR0 program vyre loads ("
                        + MAX_FILE_BYTES + ")", "check that this is a VIR0 file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(file + " does not exist", "check the path", e);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e, "check the file's permissions", e);
        }
        try {
            return Vir0Decoder.decode(bytes);
        } catch (VyreException e) {
            throw new CliException(file + ": " + e.problem(), e.fix(), e);
        }
    }

    /** Encodes {@code program} into {@code file}; returns the byte count. */
    static int write(Path file, Program program) {
        byte[] bytes = Vir0Encoder.encode(program);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e,
                    "check that the directory exists and is writable", e);
        }
        return bytes.length;
    }
}
