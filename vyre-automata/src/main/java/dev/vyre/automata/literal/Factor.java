package dev.vyre.automata.literal;

import dev.vyre.automata.regex.ByteSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A literal string up to ASCII case: position {@code i} matches the bytes of {@code positions.get(i)}, all of which
 * fold (see {@link ByteSet#fold(int)}) to the same byte {@link #key(int)}. A multi-literal matcher finds
 * candidates by the folded key and confirms them against the exact sets.
 */
public record Factor(List<ByteSet> positions) {
    public Factor {
        positions = List.copyOf(positions);
    }

    /** Number of bytes. */
    public int length() {
        return positions.size();
    }

    /** The folded byte at position {@code i}. */
    public int key(int i) {
        return ByteSet.fold(positions.get(i).next(0));
    }

    /** This factor followed by {@code o}. */
    public Factor concat(Factor o) {
        List<ByteSet> all = new ArrayList<>(positions.size() + o.positions.size());
        all.addAll(positions);
        all.addAll(o.positions);
        return new Factor(all);
    }
}
