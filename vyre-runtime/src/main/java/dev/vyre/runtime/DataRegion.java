package dev.vyre.runtime;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A megakernel's data region ({@link MegakernelConfig#dataBytes()}): shared memory allocated by the backend at
 * bootstrap (pinned and device-mapped on CUDA, off-heap on the CPU) that user handlers declaring a
 * {@value HandlerTable#DATA} buffer read in place. Users of the region (a GpuStream's buffer pool) lease disjoint,
 * page-aligned ranges of it; byte offsets into the region are what slots carry.
 *
 * <p>{@link Megakernel#close()} frees the region only after every lease is closed: it first asks each holder to
 * give its range back (the {@code onRevoke} action, run on the closing thread once the workers have drained), then
 * waits for the leases within the drain timeout. So an io_uring read still in flight never writes into freed memory.
 */
public final class DataRegion {
    private final MemorySegment segment;
    /** Leased ranges, start to lease, by byte offset. */
    private final TreeMap<Long, Lease> leases = new TreeMap<>();
    private boolean closing;

    DataRegion(MemorySegment segment) {
        this.segment = segment;
    }

    /** The whole region (zero-length when the megakernel has none). */
    public MemorySegment segment() {
        return segment;
    }

    /** Its size in bytes. */
    public long byteSize() {
        return segment.byteSize();
    }

    /**
     * Leases {@code bytes} bytes (rounded up to {@link RingBuffers#DATA_ALIGNMENT}) at the lowest free aligned
     * offset. {@code onRevoke} runs when the megakernel closes while the lease is open: it should stop using the
     * range and close the lease (it may do so later, within the drain timeout).
     *
     * @throws MegakernelException   when no free range is large enough
     * @throws KernelClosedException once the megakernel is closing
     */
    public synchronized Lease lease(long bytes, Runnable onRevoke) {
        if (closing) {
            throw new KernelClosedException("the megakernel is closing; its data region is not leased any more",
                    "lease data before closing the megakernel");
        }
        if (bytes < 1 || onRevoke == null) {
            throw new MegakernelException("a data-region lease of " + bytes + " bytes" + (onRevoke == null
                    ? " without a revoke action" : ""), "lease at least one byte and pass what to do on close");
        }
        long size = (bytes + RingBuffers.DATA_ALIGNMENT - 1) & -RingBuffers.DATA_ALIGNMENT;
        long start = 0;
        long used = 0;
        for (Map.Entry<Long, Lease> e : leases.entrySet()) {
            if (e.getKey() - start >= size) {
                break;
            }
            start = e.getKey() + e.getValue().segment.byteSize();
        }
        for (Lease l : leases.values()) {
            used += l.segment.byteSize();
        }
        if (size > segment.byteSize() - start) {
            throw new MegakernelException("the data region holds " + segment.byteSize() + " bytes (" + used
                    + " leased); " + size + " contiguous bytes were asked for", "bootstrap with"
                    + " MegakernelConfig.withDataBytes(...) large enough for every user of the region (a GpuStream"
                    + " needs GpuStream.dataBytes(buffers, chunkSize)), or ask for less");
        }
        Lease lease = new Lease(start, segment.asSlice(start, size), onRevoke);
        leases.put(start, lease);
        return lease;
    }

    /** Leases open now. */
    public synchronized int leases() {
        return leases.size();
    }

    /**
     * Refuses new leases, runs the revoke action of every open lease (a throwing action is attached to the timeout
     * exception, if any), then waits until all are closed or {@code deadlineNanos} passes.
     *
     * @throws KernelTimeoutException when leases are still open at the deadline
     */
    void revokeAndAwait(long deadlineNanos) {
        List<Lease> open;
        synchronized (this) {
            closing = true;
            open = new ArrayList<>(leases.values());
        }
        List<RuntimeException> failures = new ArrayList<>();
        for (Lease l : open) {
            try {
                l.onRevoke.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        boolean interrupted = false;
        synchronized (this) {
            try {
                while (!leases.isEmpty()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        KernelTimeoutException e = new KernelTimeoutException(leases.size() + " lease(s) of the data"
                                + " region are still open; the memory was not freed", "close every GpuStream of"
                                + " the megakernel before closing the megakernel (not from its own callbacks)");
                        failures.forEach(e::addSuppressed);
                        throw e;
                    }
                    try {
                        wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private synchronized void release(Lease lease) {
        if (leases.get(lease.offset) == lease) {
            leases.remove(lease.offset);
            notifyAll();
        }
    }

    /** A leased range of the region: {@link #segment()} at byte {@link #offset()} of it. */
    public final class Lease implements AutoCloseable {
        private final long offset;
        private final MemorySegment segment;
        private final Runnable onRevoke;

        private Lease(long offset, MemorySegment segment, Runnable onRevoke) {
            this.offset = offset;
            this.segment = segment;
            this.onRevoke = onRevoke;
        }

        /** Byte offset of the range in the region. */
        public long offset() {
            return offset;
        }

        /** The range. */
        public MemorySegment segment() {
            return segment;
        }

        /** Gives the range back; idempotent. */
        @Override
        public void close() {
            release(this);
        }
    }
}
