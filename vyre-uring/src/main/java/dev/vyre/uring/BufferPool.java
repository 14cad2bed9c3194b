package dev.vyre.uring;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of equally sized, aligned buffers carved from one allocation, lent out as {@link BufferHandle}s and
 * recycled when released. Readers take buffers, fill them and hand them to a consumer; the consumer releases each
 * one when it is done with the bytes (for the GPU: when the slot that references it is DONE). When every buffer
 * is out, {@link #acquire()} blocks: that is the backpressure that keeps a reader from running ahead of its
 * consumer.
 *
 * <p>The pool may be registered with several io_urings ({@link #registerWith}; one per reader of a parallel read);
 * buffer {@code i} is then {@code buf_index i} of {@code IORING_OP_READ_FIXED} in each of them. Acquire and release are thread-safe. The pool owns its
 * allocator and closes it on {@link #close()}.
 */
public final class BufferPool implements AutoCloseable {
    /** Page alignment: what O_DIRECT and the GPU's host mapping want. */
    public static final long DEFAULT_ALIGNMENT = 4096;
    /** The most buffers one io_uring registration takes ({@code IORING_MAX_REG_BUFFERS}). */
    public static final int MAX_BUFFERS = 1 << 14;
    /** The largest buffer one io_uring registration takes (1 GiB). */
    public static final int MAX_BUFFER_SIZE = 1 << 30;

    private final BufferAllocator allocator;
    private final int bufferSize;
    private final long alignment;
    private final List<MemorySegment> buffers;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final int[] free;
    private int freeCount;
    /** The lease of each lent buffer; 0 while the buffer is in the pool. */
    private final long[] leases;
    private long nextLease = 1;
    private boolean closed;
    /** The rings the buffers are registered with (closed rings are dropped when next looked at). */
    private final List<IoUring> registeredRings = new ArrayList<>();

    private BufferPool(BufferAllocator allocator, int count, int bufferSize, long alignment) {
        this.allocator = allocator;
        this.bufferSize = bufferSize;
        this.alignment = alignment;
        long stride = (bufferSize + alignment - 1) & -alignment;
        MemorySegment slab = allocator.allocate(stride * count, alignment);
        List<MemorySegment> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(slab.asSlice(i * stride, bufferSize));
        }
        this.buffers = List.copyOf(list);
        this.free = new int[count];
        this.leases = new long[count];
        for (int i = 0; i < count; i++) {
            free[i] = count - 1 - i; // buffer 0 is lent first
        }
        this.freeCount = count;
    }

    /** {@code count} buffers of {@code bufferSize} bytes from {@code allocator}, page aligned. */
    public static BufferPool create(BufferAllocator allocator, int count, int bufferSize) {
        return create(allocator, count, bufferSize, DEFAULT_ALIGNMENT);
    }

    /**
     * {@code count} buffers of {@code bufferSize} bytes from {@code allocator}, each aligned to {@code alignment}.
     * The pool takes ownership of the allocator (also when this throws).
     */
    public static BufferPool create(BufferAllocator allocator, int count, int bufferSize, long alignment) {
        try {
            if (count < 1 || count > MAX_BUFFERS) {
                throw new BufferPoolException("a pool of " + count + " buffers",
                        "use 1 to " + MAX_BUFFERS + " buffers");
            }
            if (bufferSize < 1 || bufferSize > MAX_BUFFER_SIZE) {
                throw new BufferPoolException("a buffer size of " + bufferSize + " bytes",
                        "use 1 byte to 1 GiB per buffer");
            }
            if (alignment < 1 || Long.bitCount(alignment) != 1 || alignment > MAX_BUFFER_SIZE) {
                throw new BufferPoolException("an alignment of " + alignment + " bytes",
                        "use a power of two up to 1 GiB, e.g. 4096");
            }
            return new BufferPool(allocator, count, bufferSize, alignment);
        } catch (RuntimeException e) {
            allocator.close();
            throw e;
        }
    }

    /** {@code count} page-aligned off-heap buffers of {@code bufferSize} bytes: the CPU backend's pool. */
    public static BufferPool offHeap(int count, int bufferSize) {
        return create(BufferAllocator.offHeap(), count, bufferSize);
    }

    /** How many buffers the pool has. */
    public int count() {
        return buffers.size();
    }

    /** The size of each buffer in bytes. */
    public int bufferSize() {
        return bufferSize;
    }

    /** The alignment of each buffer's start address. */
    public long alignment() {
        return alignment;
    }

    /** Every buffer, by index. */
    public List<MemorySegment> buffers() {
        return buffers;
    }

    /** Buffers in the pool right now. */
    public int available() {
        lock.lock();
        try {
            return freeCount;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a buffer if one is free, without waiting. */
    public Optional<BufferHandle> tryAcquire() {
        lock.lock();
        try {
            ensureOpen();
            return freeCount == 0 ? Optional.empty() : Optional.of(take());
        } finally {
            lock.unlock();
        }
    }

    /** Takes a buffer, waiting for one to be released. */
    public BufferHandle acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (freeCount == 0 && !closed) {
                released.await();
            }
            ensureOpen();
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** Takes a buffer, waiting at most {@code timeout} for one to be released; empty when none came. */
    public Optional<BufferHandle> acquire(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (freeCount == 0 && !closed) {
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = released.awaitNanos(nanos);
            }
            ensureOpen();
            return Optional.of(take());
        } finally {
            lock.unlock();
        }
    }

    private BufferHandle take() {
        int index = free[--freeCount];
        long lease = nextLease++;
        leases[index] = lease;
        return new BufferHandle(this, index, lease, buffers.get(index), 0);
    }

    /**
     * Puts a lent buffer back. Releasing after {@link #close()} does nothing.
     *
     * @throws BufferPoolException when the handle belongs to another pool or its lease already ended
     */
    public void release(BufferHandle handle) {
        if (handle.pool() != this) {
            throw new BufferPoolException("buffer " + handle.index() + " released to a pool it does not belong to",
                    "release each handle with handle.release() or to the pool that lent it");
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            int index = handle.index();
            if (leases[index] != handle.lease()) {
                throw new BufferPoolException("buffer " + index + " (lease " + handle.lease()
                        + ") was already released", "release each handle exactly once");
            }
            leases[index] = 0;
            free[freeCount++] = index;
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers every buffer with {@code ring} ({@code IORING_REGISTER_BUFFERS}, index = buffer index). A pool may be
     * registered with several rings at once (a parallel read registers it with each reader's ring).
     *
     * @throws UringException when the kernel refuses (typically ENOMEM: the locked-memory limit); the pool stays
     *                        usable with plain reads
     * @throws BufferPoolException when the pool is already registered with this ring
     */
    public void registerWith(IoUring ring) {
        lock.lock();
        try {
            ensureOpen();
            if (isRegisteredWith(ring)) {
                throw new BufferPoolException("this pool is already registered with " + ring,
                        "register a pool once per ring; unregisterFrom(ring) first to register it again");
            }
            ring.registerBuffers(buffers);
            registeredRings.add(ring);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code ring} is open and has exactly this pool's buffers registered. */
    public boolean isRegisteredWith(IoUring ring) {
        return ring != null && ring.isOpen() && ring.registeredBuffers() == buffers;
    }

    /** Unregisters the buffers from {@code ring} if they are registered with it; other rings keep them. */
    public void unregisterFrom(IoUring ring) {
        lock.lock();
        try {
            registeredRings.remove(ring);
            if (isRegisteredWith(ring)) {
                ring.unregisterBuffers();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unregisters the buffers from every ring they are registered with, if any.
     *
     * @throws UringException the first ring that refused (after trying every ring)
     */
    public void unregister() {
        lock.lock();
        try {
            UringException failure = null;
            for (Iterator<IoUring> it = registeredRings.iterator(); it.hasNext(); ) {
                IoUring ring = it.next();
                it.remove();
                try {
                    if (isRegisteredWith(ring)) {
                        ring.unregisterBuffers();
                    }
                } catch (UringException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new BufferPoolException("the buffer pool (" + buffers.size() + " x " + bufferSize
                    + " bytes) is closed", "acquire buffers before closing the pool");
        }
    }

    /**
     * Unregisters the buffers from their ring, wakes waiting acquirers (they fail), and frees the memory through
     * the allocator. Buffers still lent become inaccessible. Idempotent.
     */
    @Override
    public void close() {
        UringException failure = null;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                unregister();
            } catch (UringException e) {
                failure = e;
            }
            closed = true;
            released.signalAll();
        } finally {
            lock.unlock();
        }
        allocator.close();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "BufferPool(" + buffers.size() + " x " + bufferSize + " bytes, " + allocator.description() + ")";
    }
}
