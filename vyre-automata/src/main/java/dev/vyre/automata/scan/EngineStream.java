package dev.vyre.automata.scan;

import dev.vyre.automata.MatchSink;
import java.lang.foreign.MemorySegment;

/**
 * An engine's state between chunks of one stream. Offset {@code p} is reported by the feed whose chunk holds the
 * byte at {@code p} (that byte is the lookahead of end anchors), or by {@link #finish} when {@code p} is the end of
 * the stream; so each feed reports offsets in {@code [chunkStart, chunkStart + chunk size)} only.
 */
public interface EngineStream {
    /** Scans the next chunk, which starts at absolute offset {@code chunkStart}. */
    void feed(MemorySegment chunk, long chunkStart, MatchSink sink);

    /** Ends the stream at absolute offset {@code end}, reporting the matches that end there. */
    void finish(long end, MatchSink sink);
}
