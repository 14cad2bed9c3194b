package dev.vyre.uring;

import java.lang.foreign.MemorySegment;

/**
 * One buffer of a {@link BufferPool}, lent out until {@link #release()}.
 *
 * @param pool    the pool it belongs to
 * @param index   its index in the pool (and its {@code buf_index} where the pool is registered with an io_uring)
 * @param lease   which lending of this buffer the handle stands for: a stale handle cannot release a later lease
 * @param segment the whole buffer
 * @param length  the bytes in use, from the start of the buffer
 */
public record BufferHandle(BufferPool pool, int index, long lease, MemorySegment segment, int length) {

    public BufferHandle {
        if (length < 0 || length > segment.byteSize()) {
            throw new BufferPoolException("length " + length + " does not fit buffer " + index + " of "
                    + segment.byteSize() + " bytes", "use a length between 0 and the buffer size");
        }
    }

    /** The bytes in use: the first {@link #length()} bytes of the buffer. */
    public MemorySegment data() {
        return segment.asSlice(0, length);
    }

    /** The same lease with {@code newLength} bytes in use. */
    public BufferHandle withLength(int newLength) {
        return new BufferHandle(pool, index, lease, segment, newLength);
    }

    /** Gives the buffer back to its pool; the handle must not be used afterwards. */
    public void release() {
        pool.release(this);
    }
}
