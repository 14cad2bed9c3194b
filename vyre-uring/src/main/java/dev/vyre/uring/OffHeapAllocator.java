package dev.vyre.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** {@link BufferAllocator#offHeap()}: one shared arena, closed with the allocator. */
final class OffHeapAllocator implements BufferAllocator {
    private final Arena arena = Arena.ofShared();
    private boolean closed;

    @Override
    public synchronized MemorySegment allocate(long byteSize, long alignment) {
        if (closed) {
            throw new BufferPoolException("the off-heap allocator is closed",
                    "allocate before closing it, or create a new allocator");
        }
        return arena.allocate(byteSize, alignment);
    }

    @Override
    public String description() {
        return "off-heap";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
