package dev.vyre.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A driver object owned by a {@link CudaContext}. Closing is idempotent; closing the context closes every resource
 * it still owns, newest first, so nothing leaks when a caller forgets one.
 */
public abstract sealed class CudaResource implements AutoCloseable
        permits DeviceBuffer, PinnedBuffer, CudaModule, CudaStream, CudaEvent, CudaGraph {
    private final CudaContext context;
    private final AtomicBoolean closed = new AtomicBoolean();

    CudaResource(CudaContext context) {
        this.context = context;
    }

    /** The context that owns this resource. */
    public final CudaContext context() {
        return context;
    }

    /** Whether {@link #close()} ran (directly or through the context). */
    public final boolean isClosed() {
        return closed.get();
    }

    /** Frees the driver object; later calls do nothing. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            context.forget(this);
            context.enter();
            release();
        }
    }

    /**
     * Called by the context while it closes: frees the driver object without unregistering (the context is
     * already doing that) and without making the context current again.
     */
    final void closeFromContext() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    /** Frees the driver object; the context is current. Throws {@link CudaException} when the driver refuses. */
    abstract void release();

    /** Names this resource in messages, e.g. {@code DeviceBuffer(4096 bytes at 0x7f0000000000)}. */
    abstract String describe();

    /** Makes the context current on this thread, or fails when this resource or its context is closed. */
    final void enter() {
        if (closed.get()) {
            throw new CudaUsageException(describe() + " is closed",
                    "do not use a CUDA resource after close() or after its CudaContext was closed");
        }
        context.enter();
    }

    @Override
    public String toString() {
        return describe() + (isClosed() ? " [closed]" : "");
    }
}
