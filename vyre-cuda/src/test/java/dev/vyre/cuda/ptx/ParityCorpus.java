package dev.vyre.cuda.ptx;

import dev.vyre.ir.Program;
import dev.vyre.ir.interp.Dispatch;
import java.util.List;

/**
 * The emitter's parity programs for other modules' tests (the megakernel's bytecode interpreter runs them against
 * the fused kernels): the hand-written corpus and the random race-free programs over every operator (the
 * transcendental ones included), with their grids and buffer lengths.
 */
public final class ParityCorpus {
    /**
     * One program.
     *
     * @param elements the element count of every buffer declared with count 0
     */
    public record Entry(String name, Program program, Dispatch grid, int elements) {
    }

    private ParityCorpus() {
    }

    /** The hand-written kernels of {@link ProgramCorpus#kernels()}. */
    public static List<Entry> kernels() {
        return ProgramCorpus.kernels().stream().map(ParityCorpus::entry).toList();
    }

    /** {@code count} random programs from {@code seed} ({@link RandomPrograms}). */
    public static List<Entry> random(long seed, int count) {
        return RandomPrograms.generate(seed, count).stream().map(ParityCorpus::entry).toList();
    }

    private static Entry entry(ProgramCorpus.Case c) {
        return new Entry(c.name(), c.program(), c.grid(), c.elements());
    }
}
