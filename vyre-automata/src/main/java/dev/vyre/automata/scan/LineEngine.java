package dev.vyre.automata.scan;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.literal.WindowFilter;
import dev.vyre.automata.literal.Factor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Patterns whose matches begin with a line-confined part (no byte set of it holds {@code \n}) holding a required
 * literal factor, in several group DFAs. One {@link WindowFilter} pass over all factors finds the lines where a match of a
 * group can begin: a match begins on the line of an occurrence of one of its pattern's factors. A group's DFA runs
 * from the start of such a line (fresh, lookbehind start of input or {@code \n}) and reports every match that
 * begins at or after its start, exactly. The run goes on while later lines hold hits of the group, and ends at a
 * line start where its state is the fresh after-newline start state: from there it would equal a fresh run, which
 * reports only matches beginning later, whose own hits start runs. For patterns that are wholly line-confined
 * (most log rules) that happens at every {@code \n}, so a group steps only the lines with its hits. Runs of one
 * group never overlap, so a group reports each offset at most once.
 *
 * <p>Streams: a line may span chunks. A run that starts in a later chunk than its line steps the line's earlier
 * bytes (kept in a carry buffer) without reporting: a match of the group ending there would have begun at or
 * after a hit an earlier feed found and ran. A line longer than {@link #MAX_CARRY} bytes starts every idle group's
 * run at once (so the carry can be dropped); that is exact too, merely slower.
 */
public final class LineEngine implements Engine {
    /** The most bytes of one unfinished line a stream keeps before it runs every group over the line. */
    public static final int MAX_CARRY = 1 << 20;
    /** The most group DFAs one engine holds (a hit packs its group into 16 bits). */
    public static final int MAX_GROUPS = 0xFFFF;

    private final WindowFilter matcher;
    private final int[] factorGroup;
    private final int[] factorLength;
    private final List<Dfa> groups;
    private final int[] quiet;
    private final int[] ids;

    /**
     * @param factors the required factors of all patterns (none holding {@code \n}), each
     *     {@link WindowFilter#usable} with {@code stride}
     * @param stride the {@link WindowFilter} stride
     * @param factorGroup for each factor, the index in {@code groups} of its pattern's DFA
     * @param groups the group DFAs
     * @param ids the pattern ids, sorted
     */
    public LineEngine(List<Factor> factors, int stride, int[] factorGroup, List<Dfa> groups, int[] ids) {
        if (factorGroup.length != factors.size() || groups.size() > MAX_GROUPS
                || Arrays.stream(factorGroup).anyMatch(g -> g < 0 || g >= groups.size())) {
            throw new AutomataException("line engine: " + factors.size() + " factors with " + factorGroup.length
                    + " group indices over " + groups.size() + " groups", "give every factor the index of one of "
                    + "at most " + MAX_GROUPS + " groups");
        }
        this.matcher = new WindowFilter(factors, stride);
        this.factorGroup = factorGroup.clone();
        this.factorLength = factors.stream().mapToInt(Factor::length).toArray();
        this.groups = List.copyOf(groups);
        this.ids = ids.clone();
        this.quiet = new int[groups.size()];
        for (int g = 0; g < quiet.length; g++) {
            quiet[g] = quietState(groups.get(g));
        }
    }

    /**
     * A state that reports nothing and stays on every byte but {@code \n}, or -1: once a line run reaches it, the
     * rest of the line reports nothing.
     */
    private static int quietState(Dfa dfa) {
        for (int s = dfa.matchLimit(); s < dfa.stateCount(); s++) {
            boolean stays = true;
            for (int b = 0; b < 256 && stays; b++) {
                stays = b == '\n' || dfa.step(s, b) == s;
            }
            if (stays) {
                return s;
            }
        }
        return -1;
    }

    /** The multi-literal filter. */
    public WindowFilter matcher() {
        return matcher;
    }

    /** The group DFAs. */
    public List<Dfa> groups() {
        return groups;
    }

    @Override
    public Kind kind() {
        return Kind.LINE;
    }

    @Override
    public int[] patternIds() {
        return ids.clone();
    }

    @Override
    public EngineStream open(ScanOptions options) {
        return new Stream();
    }

    /** A stream whose chunks may come with the filter's candidate windows found elsewhere (a device prefilter). */
    public WindowedStream openWindowed() {
        return new Stream();
    }

    /** A line-engine stream that also takes chunks with their candidate windows. */
    public interface WindowedStream extends EngineStream {
        /**
         * As {@link #feed}, but the filter looks up only the windows at the absolute offsets {@code windows[0 ..
         * count-1]} (ascending) inside the chunk: see {@link WindowFilter.Cursor#scanWindows} for what the list must
         * hold for the result to equal {@link #feed}'s.
         */
        void feedWindows(MemorySegment chunk, long chunkStart, long[] windows, int count, MatchSink sink);
    }

    private final class Stream implements WindowedStream, VisitCounter {
        private final StreamBytes history = new StreamBytes(matcher.lookBehind());
        private final WindowFilter.Cursor cursor = matcher.open();
        /** Start of the line that holds the next byte to feed. */
        private long openLine;
        /** Bytes [openLine, chunk start) of earlier chunks. */
        private byte[] carry = new byte[256];
        private int carrySize;
        /** Whether the open line passed {@link #MAX_CARRY} bytes and every group runs over it. */
        private boolean carryDropped;
        /** Per group: whether a run is active, its state and the next byte it steps. */
        private final boolean[] active = new boolean[groups.size()];
        private final int[] runState = new int[groups.size()];
        private final long[] runPos = new long[groups.size()];
        private long[] hits = new long[64];
        private int hitCount;
        private long visits;

        @Override
        public void feed(MemorySegment chunk, long chunkStart, MatchSink sink) {
            feedWindows(chunk, chunkStart, null, 0, sink);
        }

        @Override
        public void feedWindows(MemorySegment chunk, long chunkStart, long[] windows, int count, MatchSink sink) {
            long size = chunk.byteSize();
            if (size == 0) {
                return;
            }
            long end = chunkStart + size;
            hitCount = 0;
            history.begin(chunk, chunkStart);
            if (windows == null) {
                cursor.scan(chunk, chunkStart, chunkStart, end, history, this::hit);
            } else {
                cursor.scanWindows(chunk, chunkStart, chunkStart, end, history, windows, count, this::hit);
            }
            history.end();
            visits += size;
            // Hits in order of their start; their lines follow a position that only moves forward.
            Arrays.sort(hits, 0, hitCount);
            long at0 = chunkStart;
            long lineStart = openLine;
            for (int i = 0; i < hitCount; i++) {
                long at = hits[i] >>> 16;
                int g = (int) (hits[i] & 0xFFFF);
                long stop = Math.min(at, end);
                if (at0 < stop) {
                    long nl = Newlines.lastIndexOf(chunk, at0 - chunkStart, stop - chunkStart);
                    if (nl >= 0) {
                        lineStart = chunkStart + nl + 1;
                    }
                    at0 = stop;
                }
                if (active[g] && runPos[g] < lineStart) {
                    advance(g, chunk, chunkStart, lineStart, sink);
                }
                if (!active[g]) {
                    start(g, lineStart, chunkStart);
                }
            }
            for (int g = 0; g < active.length; g++) {
                if (active[g]) {
                    advance(g, chunk, chunkStart, end, sink);
                }
            }
            keepOpenLine(chunk, chunkStart, end);
        }

        private void hit(int f, long h) {
            if (hitCount == hits.length) {
                hits = Arrays.copyOf(hits, hitCount * 2);
            }
            hits[hitCount++] = ((h - factorLength[f]) << 16) | factorGroup[f];
        }

        /** Starts group {@code g}'s run fresh at line start {@code line}, stepping earlier chunks' bytes silently. */
        private void start(int g, long line, long chunkStart) {
            Dfa dfa = groups.get(g);
            int s = dfa.startState(line == 0 ? Dfa.CONTEXT_START : Dfa.CONTEXT_NEWLINE);
            for (long p = line; p < chunkStart; p++) {
                s = dfa.step(s, carry[(int) (p - line)]);
            }
            visits += Math.max(0, chunkStart - line);
            active[g] = true;
            runState[g] = s;
            runPos[g] = Math.max(line, chunkStart);
        }

        /**
         * Steps group {@code g}'s run up to {@code target} (reporting), line by line; the run ends at a line start
         * where its state is the fresh after-newline start state (from there it equals a fresh run, which only a
         * later hit needs).
         */
        private void advance(int g, MemorySegment chunk, long chunkStart, long target, MatchSink sink) {
            Dfa dfa = groups.get(g);
            int fresh = dfa.startState(Dfa.CONTEXT_NEWLINE);
            int q = quiet[g];
            long pos = runPos[g];
            int s = runState[g];
            while (pos < target) {
                long nl = Newlines.indexOf(chunk, pos - chunkStart, target - chunkStart);
                long stop = nl < 0 ? target : chunkStart + nl + 1;
                boolean newline = stop < target
                        || chunk.get(ValueLayout.JAVA_BYTE, stop - 1 - chunkStart) == '\n';
                if (s == q) {
                    // Nothing reports before the \n; only the \n leaves this state.
                    s = newline ? dfa.step(s, '\n') : s;
                } else {
                    s = dfa.run(chunk, chunkStart, pos, stop, s, sink);
                    visits += stop - pos;
                }
                pos = stop;
                if (newline && s == fresh) {
                    active[g] = false;
                    return;
                }
            }
            runState[g] = s;
            runPos[g] = pos;
        }

        /** Keeps the unfinished last line for the next chunk (or starts every group's run when it is too long). */
        private void keepOpenLine(MemorySegment chunk, long chunkStart, long end) {
            long nl = Newlines.lastIndexOf(chunk, 0, end - chunkStart);
            long last = nl < 0 ? -1 : chunkStart + nl;
            if (last >= 0) {
                openLine = last + 1;
                carrySize = 0;
                carryDropped = false;
            }
            if (carryDropped) {
                return;
            }
            long from = Math.max(openLine, chunkStart);
            long add = end - from;
            if (carrySize + add > MAX_CARRY) {
                // Too long a line: every idle group starts its run at the line's start now (no match of it can end
                // before the chunk's end: those were run already), so the carry is no longer needed.
                for (int g = 0; g < active.length; g++) {
                    if (!active[g]) {
                        start(g, openLine, chunkStart);
                        Dfa dfa = groups.get(g);
                        int s = runState[g];
                        for (long p = from; p < end; p++) {
                            s = dfa.step(s, chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart));
                        }
                        visits += add;
                        runState[g] = s;
                        runPos[g] = end;
                    }
                }
                carrySize = 0;
                carryDropped = true;
                return;
            }
            if (carrySize + add > carry.length) {
                carry = Arrays.copyOf(carry, (int) Math.min(MAX_CARRY, Math.max(carry.length * 2L, carrySize + add)));
            }
            MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, from - chunkStart, carry, carrySize, (int) add);
            carrySize += (int) add;
        }

        @Override
        public void finish(long end, MatchSink sink) {
            for (int g = 0; g < active.length; g++) {
                if (active[g] && runPos[g] == end) {
                    groups.get(g).reportEnd(runState[g], end, sink);
                }
            }
        }

        @Override
        public long visits() {
            return visits;
        }
    }
}
