package dev.vyre.automata;

/**
 * One reported match.
 *
 * @param patternId the pattern's id
 * @param endOffset the offset just past the match's last byte
 */
public record Match(int patternId, long endOffset) implements Comparable<Match> {
    /** Orders by end offset, then pattern id: the order scanners report in. */
    @Override
    public int compareTo(Match o) {
        int c = Long.compare(endOffset, o.endOffset);
        return c != 0 ? c : Integer.compare(patternId, o.patternId);
    }
}
