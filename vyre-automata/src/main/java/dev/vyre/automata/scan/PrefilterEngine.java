package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.literal.AhoCorasick;
import dev.vyre.automata.literal.Factor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Patterns of bounded length L with required literal factors: every match contains one of its pattern's factors,
 * so a match (p, e) has {@code e} in {@code [h, h - len + L_p]} for some confirmed occurrence of a factor of
 * length {@code len} ending at {@code h}. One Aho-Corasick pass finds the occurrences; the group's DFA then runs
 * only around them. A run started fresh at {@code h - span} (span = the group's longest match) reports exactly at
 * every offset from {@code h} on, so a run is extended while the next window starts before its position, and
 * started afresh otherwise; each offset is stepped by at most one run, so nothing is reported twice.
 */
public final class PrefilterEngine implements Engine {
    private final AhoCorasick matcher;
    private final int[] reach;
    private final Dfa dfa;
    private final long span;
    private final int[] ids;

    /**
     * @param factors the required factors of all patterns
     * @param factorReach for each factor, {@code L_p - len}: how far past an occurrence a match can end
     * @param dfa the search DFA of all patterns of the group
     * @param span the longest match of the group
     * @param ids the pattern ids, sorted
     */
    public PrefilterEngine(List<Factor> factors, int[] factorReach, Dfa dfa, long span, int[] ids) {
        this.matcher = new AhoCorasick(factors);
        this.reach = factorReach.clone();
        this.dfa = dfa;
        this.span = span;
        this.ids = ids.clone();
    }

    /** The confirming DFA. */
    public Dfa dfa() {
        return dfa;
    }

    /** The multi-literal prefilter. */
    public AhoCorasick matcher() {
        return matcher;
    }

    @Override
    public Kind kind() {
        return Kind.PREFILTER;
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
        private final StreamBytes bytes = new StreamBytes((int) span + 1);
        private int acState = matcher.initialState();
        private boolean active;
        private int state;
        private long pos;
        private long target;
        private long visits;

        @Override
        public void feed(MemorySegment chunk, long chunkStart, MatchSink sink) {
            long end = chunkStart + chunk.byteSize();
            bytes.begin(chunk, chunkStart);
            // Hits arrive in offset order; each opens or extends a run at once (the whole chunk is readable).
            acState = matcher.scan(chunk, chunkStart, chunkStart, end, acState, bytes,
                    (f, h) -> window(chunk, chunkStart, end, h, h + reach[f], sink));
            visits += chunk.byteSize();
            if (active) {
                advance(chunk, chunkStart, end, sink);
            }
            bytes.end();
        }

        /** A factor occurrence ending at {@code h}: matches of its pattern may end in {@code [h, last]}. */
        private void window(MemorySegment chunk, long chunkStart, long end, long h, long last, MatchSink sink) {
            long from = Math.max(0, h - span);
            if (active) {
                advance(chunk, chunkStart, end, sink);
            }
            if (active && pos >= from) {
                target = Math.max(target, last);
                return;
            }
            active = true;
            state = dfa.startState(Dfa.contextAt(from, from == 0 ? 0 : bytes.byteAt(from - 1)));
            for (long p = from; p < h; p++) {
                state = dfa.step(state, bytes.byteAt(p));
            }
            visits += h - from;
            pos = h;
            target = last;
        }

        /** Steps the run up to its target or the chunk's end; offsets before the chunk cannot hold matches. */
        private void advance(MemorySegment chunk, long chunkStart, long end, MatchSink sink) {
            long to = Math.min(end, target + 1);
            for (; pos < Math.min(to, chunkStart); pos++) {
                state = dfa.step(state, bytes.byteAt(pos));
                visits++;
            }
            if (to > pos) {
                state = dfa.run(chunk, chunkStart, pos, to, state, sink);
                visits += to - pos;
                pos = to;
            }
        }

        @Override
        public void finish(long end, MatchSink sink) {
            if (active && pos == end && end <= target) {
                dfa.reportEnd(state, end, sink);
            }
        }

        @Override
        public long visits() {
            return visits;
        }
    }
}
