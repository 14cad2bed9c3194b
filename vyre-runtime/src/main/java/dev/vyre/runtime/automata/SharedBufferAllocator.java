package dev.vyre.runtime.automata;

import dev.vyre.runtime.Megakernel;
import dev.vyre.uring.BufferAllocator;
import java.lang.foreign.MemorySegment;

/**
 * A {@link BufferAllocator} over a megakernel's shared memory ({@link Megakernel#allocateShared}): chunk buffers
 * that the kernel's workers read in place (pinned and device-mapped on CUDA), so a {@link RingScanner} can name
 * them as DFA_STEP inputs on every backend. The memory belongs to the megakernel and is freed when it closes;
 * {@link #close()} only ends this allocator's use of it.
 */
public final class SharedBufferAllocator implements BufferAllocator {
    /** Largest alignment the backends accept. */
    private static final long MAX_ALIGNMENT = 4096;

    private final Megakernel kernel;
    private boolean closed;

    /** An allocator over {@code kernel}'s shared memory. */
    public SharedBufferAllocator(Megakernel kernel) {
        if (kernel == null) {
            throw new ScanException("shared buffer allocator: the megakernel is null", "pass a bootstrapped kernel");
        }
        this.kernel = kernel;
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long alignment) {
        if (closed) {
            throw new ScanException("the shared buffer allocator is closed", "allocate before closing the pool");
        }
        if (alignment > MAX_ALIGNMENT) {
            throw new ScanException("a buffer alignment of " + alignment + " bytes was asked of megakernel shared"
                    + " memory, which aligns to at most " + MAX_ALIGNMENT, "use the default 4096-byte alignment");
        }
        return kernel.allocateShared(byteSize, alignment);
    }

    @Override
    public String description() {
        return "shared memory of a " + kernel.backendName() + " megakernel";
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
