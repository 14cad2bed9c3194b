package dev.vyre.automata.scan;

import dev.vyre.automata.AutomataException;
import dev.vyre.automata.MatchSink;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A scan over a stream fed in chunks. Offsets are absolute stream offsets; each {@code (pattern_id, end_offset)}
 * is reported exactly once, in order of offset then id, whatever the chunk sizes: a feed reports the offsets of
 * its own bytes (the match state before each byte is reported once the byte, the lookahead of end anchors, is
 * known), and {@link #finish} reports the end of the stream.
 */
public final class ScanStream {
    /** Chunks are handed to engines in pieces of at most this many bytes. */
    static final long MAX_PIECE = 1L << 30;

    private final List<EngineStream> streams = new ArrayList<>();
    private final MatchBuffer buffer = new MatchBuffer();
    private final boolean direct;
    private long position;
    private boolean finished;

    ScanStream(List<Engine> engines, ScanOptions options) {
        for (Engine e : engines) {
            streams.add(e.open(options));
        }
        // A lone DFA engine reports in order and without repeats already.
        this.direct = engines.size() == 1 && engines.getFirst().kind() == Engine.Kind.DFA;
    }

    /** Scans {@code length} bytes of {@code bytes} from {@code offset}, the stream's next bytes. */
    public void feed(byte[] bytes, int offset, int length, MatchSink sink) {
        if (bytes == null || offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new AutomataException("feed: range [" + offset + ", " + offset + "+" + length + ") is not inside "
                    + "the " + (bytes == null ? "missing" : bytes.length + "-byte") + " array",
                    "pass an offset and length inside the array");
        }
        feed(MemorySegment.ofArray(bytes).asSlice(offset, length), sink);
    }

    /** Scans {@code chunk}, the stream's next bytes. */
    public void feed(MemorySegment chunk, MatchSink sink) {
        if (finished) {
            throw new AutomataException("feed after finish at offset " + position, "open a new stream");
        }
        for (long off = 0; off < chunk.byteSize(); off += MAX_PIECE) {
            MemorySegment piece = chunk.asSlice(off, Math.min(MAX_PIECE, chunk.byteSize() - off));
            for (EngineStream s : streams) {
                s.feed(piece, position, direct ? sink : buffer);
            }
            if (!direct) {
                buffer.emitSortedUnique(position, sink);
            }
            position += piece.byteSize();
        }
    }

    /** Ends the stream: reports the matches that end at its last offset. No feed may follow. */
    public void finish(MatchSink sink) {
        if (finished) {
            throw new AutomataException("finish called twice at offset " + position, "call finish once per stream");
        }
        finished = true;
        for (EngineStream s : streams) {
            s.finish(position, direct ? sink : buffer);
        }
        if (!direct) {
            buffer.emitSortedUnique(position, sink);
        }
    }

    /** Bytes fed so far. */
    public long position() {
        return position;
    }

    /** State visits spent by all engines so far (bytes stepped, warm-ups, fix-ups and NFA pairs included). */
    public long stateVisits() {
        long v = 0;
        for (EngineStream s : streams) {
            if (s instanceof VisitCounter c) {
                v += c.visits();
            }
        }
        return v;
    }
}
