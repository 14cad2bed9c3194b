package dev.vyre.runtime.stream;

import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.uring.BufferAllocator;
import java.lang.foreign.MemorySegment;

/**
 * A {@link BufferAllocator} over a megakernel's data region: the pool's one allocation is a leased range of the
 * region, which the backend allocated (pinned and device-mapped on CUDA, off-heap on the CPU), so the workers read
 * the buffers where the reader wrote them. Closing gives the range back; the memory itself belongs to the
 * megakernel and is freed when it closes.
 */
final class RegionAllocator implements BufferAllocator {
    private final Megakernel kernel;
    private DataRegionLeases.Lease lease;
    private boolean closed;

    RegionAllocator(Megakernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long alignment) {
        if (closed || lease != null) {
            throw new GpuStreamException("the data-region allocator of a stream was asked for a second allocation"
                    + (closed ? " after it closed" : ""), "give each stream's pool its own allocator");
        }
        if (alignment > RingBuffers.DATA_ALIGNMENT) {
            throw new GpuStreamException("a buffer alignment of " + alignment + " bytes was asked of the data region,"
                    + " which aligns ranges to " + RingBuffers.DATA_ALIGNMENT, "use the default 4096-byte alignment");
        }
        lease = DataRegionLeases.lease(kernel, byteSize);
        return lease.segment().asSlice(0, byteSize);
    }

    @Override
    public String description() {
        return "the data region of a " + kernel.backendName() + " megakernel";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (lease != null) {
                lease.release();
            }
        }
    }
}
