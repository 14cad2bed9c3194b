package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import dev.vyre.automata.dfa.Dfa;
import dev.vyre.automata.literal.AhoCorasick;
import dev.vyre.automata.literal.Factor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Line-confined patterns (no byte set of theirs holds {@code \n}, so every match lies inside one line) with
 * required literal factors, in several group DFAs. One Aho-Corasick pass over all factors finds the lines that
 * can hold a match of a group: a line holds a match of a pattern only if it holds one of the pattern's factors.
 * A group's DFA then runs over exactly those lines, fresh from the line start (lookbehind: start of input or
 * {@code \n}), reporting at every offset of the line up to its {@code \n} (whose lookahead is that {@code \n}) or
 * the end of the input. Such a run is exact on its line: every match ending there began on the line, at or after
 * the run's start. Each line is run at most once per group, so nothing is reported twice by one group.
 *
 * <p>Streams: a line may span chunks. A run that starts in a later chunk than its line steps the line's earlier
 * bytes (kept in a carry buffer) without reporting: no match of the group can end there, since it would contain a
 * factor that an earlier feed found. A line longer than {@link #MAX_CARRY} bytes starts every group's run at once
 * (so the carry can be dropped); that is exact too, merely slower.
 */
public final class LineEngine implements Engine {
    /** The most bytes of one unfinished line a stream keeps before it runs every group over the line. */
    public static final int MAX_CARRY = 1 << 20;

    private final AhoCorasick matcher;
    private final int[] factorGroup;
    private final int[] factorLength;
    private final List<Dfa> groups;
    private final int[] quiet;
    private final int[] ids;

    /**
     * @param factors the required factors of all patterns (none holding {@code \n})
     * @param factorGroup for each factor, the index in {@code groups} of its pattern's DFA
     * @param groups the group DFAs
     * @param ids the pattern ids, sorted
     */
    public LineEngine(List<Factor> factors, int[] factorGroup, List<Dfa> groups, int[] ids) {
        this.matcher = new AhoCorasick(factors);
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

    /** The group DFAs. */
    public List<Dfa> groups() {
        return groups;
    }

    /** The multi-literal prefilter. */
    public AhoCorasick matcher() {
        return matcher;
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

    private final class Stream implements EngineStream, VisitCounter {
        private final StreamBytes history = new StreamBytes(matcher.maxLength());
        private int acState = matcher.initialState();
        /** Start of the line that holds the next byte to feed. */
        private long openLine;
        /** Bytes [openLine, position) of earlier chunks. */
        private byte[] carry = new byte[256];
        private int carrySize;
        /** Per group: the line its run is on (-1 none), the run's state and next byte. */
        private final long[] runLine = new long[groups.size()];
        private final int[] runState = new int[groups.size()];
        private final long[] runPos = new long[groups.size()];
        /** Per group: the line its last finished run was on (-1 none), so a line is run at most once. */
        private final long[] lastLine = new long[groups.size()];
        /** Whether the open line passed {@link #MAX_CARRY} and every group runs over it. */
        private boolean carryDropped;
        private long[] hits = new long[64];
        private int hitCount;
        private long visits;

        Stream() {
            Arrays.fill(runLine, -1);
            Arrays.fill(lastLine, -1);
        }

        @Override
        public void feed(MemorySegment chunk, long chunkStart, MatchSink sink) {
            long size = chunk.byteSize();
            if (size == 0) {
                return;
            }
            long end = chunkStart + size;
            hitCount = 0;
            history.begin(chunk, chunkStart);
            acState = matcher.scan(chunk, chunkStart, chunkStart, end, acState, history, (f, h) -> hit(f, h));
            history.end();
            visits += size;
            // Runs carried from earlier chunks are on the open line: continue them to its end.
            for (int g = 0; g < runLine.length; g++) {
                if (runLine[g] >= 0) {
                    advance(g, chunk, chunkStart, end, sink);
                }
            }
            // Lines with hits, in order; lineStart/lineEnd follow a cursor that moves forward only.
            long cursor = chunkStart;
            long lineStart = openLine;
            for (int i = 0; i < hitCount; i++) {
                long packed = hits[i];
                long at = packed >>> 16;
                int g = (int) (packed & 0xFFFF);
                long stop = Math.min(at, end);
                for (; cursor < stop; cursor++) {
                    if (chunk.get(ValueLayout.JAVA_BYTE, cursor - chunkStart) == '\n') {
                        lineStart = cursor + 1;
                    }
                }
                if (runLine[g] == lineStart || lastLine[g] == lineStart) {
                    continue;
                }
                start(g, lineStart, chunkStart);
                advance(g, chunk, chunkStart, end, sink);
            }
            keepOpenLine(chunk, chunkStart, end);
        }

        private void hit(int f, long h) {
            if (hitCount == hits.length) {
                hits = Arrays.copyOf(hits, hitCount * 2);
            }
            // A factor holds no \n, so its occurrence lies on the line of its first byte.
            hits[hitCount++] = ((h - factorLength[f]) << 16) | factorGroup[f];
        }

        /** Starts group {@code g}'s run fresh at {@code line}, stepping bytes of earlier chunks silently. */
        private void start(int g, long line, long chunkStart) {
            Dfa dfa = groups.get(g);
            int s = dfa.startState(line == 0 ? Dfa.CONTEXT_START : Dfa.CONTEXT_NEWLINE);
            for (long p = line; p < chunkStart; p++) {
                s = dfa.step(s, carry[(int) (p - line)]);
            }
            visits += Math.max(0, chunkStart - line);
            runLine[g] = line;
            runState[g] = s;
            runPos[g] = Math.max(line, chunkStart);
        }

        /** Runs group {@code g} from its position to its line's {@code \n} (inclusive) or the chunk's end. */
        private void advance(int g, MemorySegment chunk, long chunkStart, long end, MatchSink sink) {
            Dfa dfa = groups.get(g);
            long pos = runPos[g];
            long stop = end;
            for (long p = pos; p < end; p++) {
                if (chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) == '\n') {
                    stop = p + 1;
                    break;
                }
            }
            int s = runState[g];
            int q = quiet[g];
            if (s != q) {
                s = dfa.run(chunk, chunkStart, pos, stop, s, sink);
                visits += stop - pos;
            }
            if (stop < end || (stop == end && stop > pos
                    && chunk.get(ValueLayout.JAVA_BYTE, stop - 1 - chunkStart) == '\n')) {
                lastLine[g] = runLine[g];
                runLine[g] = -1;
            } else {
                runState[g] = s;
                runPos[g] = stop;
            }
        }

        /** Keeps the unfinished last line for the next chunk (or starts every group's run when it is too long). */
        private void keepOpenLine(MemorySegment chunk, long chunkStart, long end) {
            long last = -1;
            for (long p = end - 1; p >= chunkStart; p--) {
                if (chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart) == '\n') {
                    last = p;
                    break;
                }
            }
            if (last >= 0) {
                openLine = last + 1;
                carrySize = 0;
            }
            long from = Math.max(openLine, chunkStart);
            long add = end - from;
            if (carrySize + add > MAX_CARRY) {
                // Too long a line: every group runs over it from its start from now on.
                for (int g = 0; g < runLine.length; g++) {
                    if (runLine[g] < 0) {
                        int s = groups.get(g).startState(openLine == 0 ? Dfa.CONTEXT_START : Dfa.CONTEXT_NEWLINE);
                        for (int i = 0; i < carrySize; i++) {
                            s = groups.get(g).step(s, carry[i]);
                        }
                        for (long p = from; p < end; p++) {
                            s = groups.get(g).step(s, chunk.get(ValueLayout.JAVA_BYTE, p - chunkStart));
                        }
                        visits += carrySize + add;
                        runLine[g] = openLine;
                        runState[g] = s;
                        runPos[g] = end;
                    }
                }
                carrySize = 0;
                carryDropped = true;
                return;
            }
            if (carryDropped && last < 0) {
                return;
            }
            carryDropped = false;
            if (carrySize + add > carry.length) {
                carry = Arrays.copyOf(carry, (int) Math.min(MAX_CARRY, Math.max(carry.length * 2L, carrySize + add)));
            }
            MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, from - chunkStart, carry, carrySize, (int) add);
            carrySize += (int) add;
        }

        @Override
        public void finish(long end, MatchSink sink) {
            for (int g = 0; g < runLine.length; g++) {
                if (runLine[g] >= 0 && runPos[g] == end) {
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
