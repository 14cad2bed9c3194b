package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.regex.Analysis;
import java.lang.foreign.MemorySegment;

/** A DFA over the whole input, run sequentially or in lanes ({@link ScanMode}). */
public final class DfaEngine implements Engine {
    private final Dfa dfa;
    private final int[] ids;
    private final long maxMatchLength;

    /**
     * @param dfa the packed DFA
     * @param ids the pattern ids it reports, sorted
     * @param maxMatchLength the longest match of its patterns, or {@link Analysis#UNBOUNDED}
     */
    public DfaEngine(Dfa dfa, int[] ids, long maxMatchLength) {
        this.dfa = dfa;
        this.ids = ids.clone();
        this.maxMatchLength = maxMatchLength;
    }

    /** The DFA table. */
    public Dfa dfa() {
        return dfa;
    }

    /** The longest match, or {@link Analysis#UNBOUNDED}. */
    public long maxMatchLength() {
        return maxMatchLength;
    }

    @Override
    public Kind kind() {
        return Kind.DFA;
    }

    @Override
    public int[] patternIds() {
        return ids.clone();
    }

    @Override
    public EngineStream open(ScanOptions options) {
        return new Stream(options);
    }

    private final class Stream implements EngineStream, VisitCounter {
        private final ScanOptions options;
        private int state = dfa.startState(Dfa.CONTEXT_START);
        private long visits;

        Stream(ScanOptions options) {
            this.options = options;
        }

        @Override
        public void feed(MemorySegment chunk, long chunkStart, MatchSink sink) {
            long end = chunkStart + chunk.byteSize();
            long warmup = maxMatchLength == Analysis.UNBOUNDED ? options.warmup() : maxMatchLength;
            state = switch (options.mode()) {
                case SEQUENTIAL -> {
                    visits += chunk.byteSize();
                    yield dfa.run(chunk, chunkStart, chunkStart, end, state, sink);
                }
                case BLOCKING, NON_BLOCKING -> {
                    DfaLanes lanes = new DfaLanes(dfa, chunk, chunkStart, state, warmup, options);
                    int next = options.mode() == ScanMode.BLOCKING ? lanes.runBlocking(sink)
                            : lanes.runNonBlocking(sink);
                    visits += lanes.visits();
                    yield next;
                }
            };
        }

        @Override
        public void finish(long end, MatchSink sink) {
            dfa.reportEnd(state, end, sink);
        }

        @Override
        public long visits() {
            return visits;
        }
    }
}
