package dev.vyre.automata;

/** Receives matches as {@code (pattern_id, end_offset)}: the pattern matches some input bytes ending there. */
@FunctionalInterface
public interface MatchSink {
    /**
     * One match.
     *
     * @param patternId the pattern's id
     * @param endOffset the offset just past the last matched byte (absolute within the scanned input or stream)
     */
    void onMatch(int patternId, long endOffset);
}
