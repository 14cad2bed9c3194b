package dev.vyre.runtime.automata;

/**
 * One lane's work of one kind: a span of a chunk that DFA_STEP slots advance from {@code (state, pc)}, one slot in
 * blocking mode, one per quantum (a requeued state/index pair) in non-blocking mode.
 */
final class LaneJob {
    /** What the job is for. */
    enum Kind {
        /** The warm-up before lane j > 0 (QUIET): its final state is the lane's guessed start. */
        WARM,
        /** Lane j > 0 from its guessed start. */
        SPEC,
        /** Lane 0 from the true state carried from the previous chunk. */
        TRUE,
        /** Lane j > 0 again from its true start, because the guess was wrong. */
        FIX
    }

    final ChunkWork chunk;
    final int engine;
    final int lane;
    final Kind kind;
    /** Byte offset of the span in the chunk's buffer. */
    final int offset;
    final int length;
    /** Absolute stream offset of span byte 0. */
    final long base;
    int state;
    int pc;

    LaneJob(ChunkWork chunk, int engine, int lane, Kind kind, int offset, int length, int state) {
        this.chunk = chunk;
        this.engine = engine;
        this.lane = lane;
        this.kind = kind;
        this.offset = offset;
        this.length = length;
        this.base = chunk.base + offset;
        this.state = state;
    }
}
