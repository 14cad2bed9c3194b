package dev.vyre.uring;

import java.lang.foreign.MemorySegment;

/**
 * Where a {@link BufferPool}'s memory comes from. The CPU backend uses {@link #offHeap()}; a GPU backend plugs in
 * page-locked, device-mapped host memory so that the GPU reads the buffers in place.
 */
public interface BufferAllocator extends AutoCloseable {

    /**
     * Allocates {@code byteSize} bytes aligned to {@code alignment} (a power of two), usable from any thread and
     * valid until {@link #close()}.
     */
    MemorySegment allocate(long byteSize, long alignment);

    /** What kind of memory this is, for reports (e.g. {@code off-heap}). */
    String description();

    /** Frees everything this allocator handed out; the segments become inaccessible. Idempotent. */
    @Override
    void close();

    /** Plain off-heap memory from a shared {@link java.lang.foreign.Arena}: the CPU backend's buffers. */
    static BufferAllocator offHeap() {
        return new OffHeapAllocator();
    }
}
