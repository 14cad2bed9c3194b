package dev.vyre.runtime.isolated;

import dev.vyre.protocol.Wire;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The isolation header: one shared page range beside the ring through which the parent and the child process of an
 * isolated backend talk (docs/TENANTS.md, isolated backend). Words (u32, protocol byte order):
 * <ul>
 *   <li>{@link #MAGIC}: {@link #MAGIC_VALUE}, written by the parent;</li>
 *   <li>{@link #STATE}: the child's state ({@link #STARTING}, {@link #RUNNING}, {@link #DRAINED});</li>
 *   <li>{@link #WORKERS}: the child's worker count, written before RUNNING;</li>
 *   <li>{@link #CURSOR_BASE} + w: worker w's cursor: the slot it starts at (written by the parent, or by a first
 *       child as w itself), then, stored by the worker with release before each result it commits, the next slot it
 *       will visit. One word per possible worker (the slot count).</li>
 * </ul>
 */
final class IsolationHeader {
    static final int MAGIC = 0;
    static final int STATE = 1;
    static final int WORKERS = 2;
    static final int CURSOR_BASE = 16;
    static final int MAGIC_VALUE = 0x5659_4953; // "VYIS"

    static final int STARTING = 0;
    static final int RUNNING = 1;
    /** The child's workers exited after SHUTDOWN and it is about to exit normally. */
    static final int DRAINED = 2;

    private static final VarHandle WORDS = Wire.WORD.varHandle();

    private final MemorySegment segment;
    private final int slots;

    IsolationHeader(MemorySegment segment, int slots) {
        this.segment = segment;
        this.slots = slots;
    }

    /** Bytes of the header of a ring of {@code slots} slots. */
    static long bytes(int slots) {
        return (long) (CURSOR_BASE + slots) * Wire.WORD_BYTES;
    }

    MemorySegment segment() {
        return segment;
    }

    /** The cursor words, one per possible worker. */
    MemorySegment cursors() {
        return segment.asSlice((long) CURSOR_BASE * Wire.WORD_BYTES, (long) slots * Wire.WORD_BYTES);
    }

    int get(int word) {
        return (int) WORDS.getAcquire(segment, (long) word * Wire.WORD_BYTES);
    }

    void set(int word, int value) {
        WORDS.setRelease(segment, (long) word * Wire.WORD_BYTES, value);
    }

    int cursor(int worker) {
        return get(CURSOR_BASE + worker);
    }

    void setCursor(int worker, int slot) {
        set(CURSOR_BASE + worker, slot);
    }
}
