package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.literal.AhoCorasick;
import dev.vyre.automata.literal.Factor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Patterns whose whole language is a small set of literals without anchors: every confirmed occurrence of a
 * literal is a match, reported straight from one Aho-Corasick pass.
 */
public final class LiteralEngine implements Engine {
    private final AhoCorasick matcher;
    private final int[] factorPattern;
    private final int[] ids;

    /**
     * @param factors the literals
     * @param factorPattern the pattern id of each literal
     */
    public LiteralEngine(List<Factor> factors, int[] factorPattern) {
        this.matcher = new AhoCorasick(factors);
        this.factorPattern = factorPattern.clone();
        this.ids = Arrays.stream(factorPattern).sorted().distinct().toArray();
    }

    /** The multi-literal matcher. */
    public AhoCorasick matcher() {
        return matcher;
    }

    @Override
    public Kind kind() {
        return Kind.LITERAL;
    }

    @Override
    public int[] patternIds() {
        return ids.clone();
    }

    @Override
    public EngineStream open(ScanOptions options) {
        return new Stream();
    }

    private final class Stream implements EngineStream, VisitCounter {
        private final StreamBytes bytes = new StreamBytes(matcher.maxLength());
        private int state = matcher.initialState();
        private final MatchBuffer carried = new MatchBuffer();
        private long visits;

        @Override
        public void feed(MemorySegment chunk, long chunkStart, MatchSink sink) {
            if (chunk.byteSize() == 0) {
                return;
            }
            long end = chunkStart + chunk.byteSize();
            // Hits ending exactly at a chunk's end belong to the next feed (the offset of its first byte).
            carried.emitRange(Long.MIN_VALUE, Long.MAX_VALUE, sink);
            carried.clear();
            bytes.begin(chunk, chunkStart);
            state = matcher.scan(chunk, chunkStart, chunkStart, end, state, bytes, (f, at) -> {
                if (at < end) {
                    sink.onMatch(factorPattern[f], at);
                } else {
                    carried.onMatch(factorPattern[f], at);
                }
            });
            bytes.end();
            visits += chunk.byteSize();
        }

        @Override
        public void finish(long end, MatchSink sink) {
            carried.emitRange(Long.MIN_VALUE, Long.MAX_VALUE, sink);
            carried.clear();
        }

        @Override
        public long visits() {
            return visits;
        }
    }
}
