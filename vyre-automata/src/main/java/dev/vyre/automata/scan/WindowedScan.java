package dev.vyre.automata.scan;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.CompiledAutomaton;
import dev.vyre.automata.MatchSink;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled pattern set scanned with the line engine's window candidates found elsewhere (a device prefilter,
 * docs/SCAN.md "Filtered scan"): streams are fed chunk by chunk with the absolute offsets of the windows whose
 * prefilter bit is set; the {@link LineEngine} looks up only those, every other engine scans the chunk as usual,
 * and the reports are merged as {@link ScanStream} merges them (sorted by offset then id, each pair once). Given a
 * superset of the windows the filter registers, the matches equal a {@link Scanner} stream's.
 */
public final class WindowedScan {
    private final List<Engine> others;
    private final LineEngine line;
    private final ScanOptions options;

    /** @param automaton a set with at most one {@link LineEngine} (what {@code RegexCompiler} builds) */
    public WindowedScan(CompiledAutomaton automaton, ScanOptions options) {
        this(automaton, options, List.of());
    }

    /**
     * @param automaton a set with at most one {@link LineEngine}
     * @param elsewhere engines of the set whose matches the caller supplies itself (through the {@code extra}
     *     arguments of {@link Stream#feed(MemorySegment, long[], int, java.util.function.Consumer, MatchSink)} and
     *     {@link Stream#finish(java.util.function.Consumer, MatchSink)}): they are not run here
     */
    public WindowedScan(CompiledAutomaton automaton, ScanOptions options, List<Engine> elsewhere) {
        List<Engine> lines = automaton.engines(Engine.Kind.LINE);
        if (lines.size() > 1) {
            throw new AutomataException("windowed scan: " + lines.size() + " line engines",
                    "compile the set with RegexCompiler, which builds at most one line engine");
        }
        this.line = lines.isEmpty() ? null : (LineEngine) lines.getFirst();
        this.others = automaton.engines().stream().filter(e -> e != line && !elsewhere.contains(e)).toList();
        this.options = options;
    }

    /** The line engine whose windows a prefilter finds, or null when the set has none. */
    public LineEngine lineEngine() {
        return line;
    }

    /** A new stream at offset 0. */
    public Stream stream() {
        return new Stream();
    }

    /** One input fed in chunks of at most {@link ScanStream#MAX_PIECE} bytes. */
    public final class Stream {
        private final LineEngine.WindowedStream lineStream = line == null ? null : line.openWindowed();
        private final List<EngineStream> streams = new ArrayList<>();
        private final MatchBuffer buffer = new MatchBuffer();
        private long position;
        private boolean finished;

        private Stream() {
            for (Engine e : others) {
                streams.add(e.open(options));
            }
        }

        /**
         * Scans the next chunk; {@code windows[0 .. count-1]} are the ascending absolute offsets of the candidate
         * windows inside it (null: the line engine reads every window itself, as {@link ScanStream} does).
         */
        public void feed(MemorySegment chunk, long[] windows, int count, MatchSink sink) {
            feed(chunk, windows, count, null, sink);
        }

        /**
         * As {@link #feed(MemorySegment, long[], int, MatchSink)}; {@code extra} (when not null) adds the matches of
         * the engines run elsewhere at offsets of this chunk, merged with the others.
         */
        public void feed(MemorySegment chunk, long[] windows, int count,
                java.util.function.Consumer<MatchSink> extra, MatchSink sink) {
            if (finished || chunk.byteSize() > ScanStream.MAX_PIECE) {
                throw new AutomataException("windowed feed of " + chunk.byteSize() + " bytes at offset " + position
                        + (finished ? " after finish" : ""), "feed chunks of at most " + ScanStream.MAX_PIECE
                        + " bytes before finish");
            }
            if (lineStream != null) {
                lineStream.feedWindows(chunk, position, windows, count, buffer);
            }
            for (EngineStream s : streams) {
                s.feed(chunk, position, buffer);
            }
            if (extra != null) {
                extra.accept(buffer);
            }
            buffer.emitSortedUnique(position, sink);
            position += chunk.byteSize();
        }

        /** Ends the stream, reporting the matches at its end. */
        public void finish(MatchSink sink) {
            finish(null, sink);
        }

        /** As {@link #finish(MatchSink)}; {@code extra} adds the end-of-input matches of the engines run elsewhere. */
        public void finish(java.util.function.Consumer<MatchSink> extra, MatchSink sink) {
            if (finished) {
                throw new AutomataException("windowed finish called twice at offset " + position,
                        "call finish once per stream");
            }
            finished = true;
            if (lineStream != null) {
                lineStream.finish(position, buffer);
            }
            for (EngineStream s : streams) {
                s.finish(position, buffer);
            }
            if (extra != null) {
                extra.accept(buffer);
            }
            buffer.emitSortedUnique(position, sink);
        }

        /** Bytes fed so far. */
        public long position() {
            return position;
        }
    }
}
