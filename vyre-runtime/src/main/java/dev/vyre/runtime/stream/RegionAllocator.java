package dev.vyre.runtime.stream;

import dev.vyre.runtime.DataRegion;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.uring.BufferAllocator;
import java.lang.foreign.MemorySegment;

/**
 * A {@link BufferAllocator} over a megakernel's data region: the pool's one allocation is a leased range of the
 * region, which the backend allocated (pinned and device-mapped on CUDA, off-heap on the CPU), so the workers read
 * the buffers where the reader wrote them. Closing gives the range back; the memory itself belongs to the
 * megakernel and is freed when it closes (after this lease is closed).
 */
final class RegionAllocator implements BufferAllocator {
    private final DataRegion region;
    private final String backend;
    private final Runnable onRevoke;
    private DataRegion.Lease lease;
    private boolean closed;

    /** An allocator over {@code region}; {@code onRevoke} runs when the megakernel closes while it is in use. */
    RegionAllocator(DataRegion region, String backend, Runnable onRevoke) {
        this.region = region;
        this.backend = backend;
        this.onRevoke = onRevoke;
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
        try {
            lease = region.lease(byteSize, onRevoke);
        } catch (MegakernelException e) {
            throw new GpuStreamException("the stream's buffers do not fit: " + e.problem(), e.fix(), null, e);
        }
        return lease.segment().asSlice(0, byteSize);
    }

    @Override
    public String description() {
        return "the data region of a " + backend + " megakernel";
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (lease != null) {
                lease.close();
            }
        }
    }
}
