package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A non-blocking stream ({@code cuStreamCreate} with {@code CU_STREAM_NON_BLOCKING}): work on it neither waits for
 * nor blocks the legacy default stream. Destroyed on close ({@code cuStreamDestroy_v2}).
 */
public final class CudaStream extends CudaResource {
    /** {@code CU_STREAM_CAPTURE_MODE_GLOBAL}. */
    static final int CAPTURE_MODE_GLOBAL = 0;
    /** Flags for {@code cuGraphInstantiateWithFlags}: none. */
    static final long GRAPH_INSTANTIATE_DEFAULT = 0L;

    private final MemorySegment handle;

    CudaStream(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** Waits until all work on this stream finished ({@code cuStreamSynchronize}). */
    public void synchronize() {
        enter();
        context().check(context().api().cuStreamSynchronize(handle), () -> "cuStreamSynchronize(" + describe() + ")");
    }

    /**
     * Enqueues a copy of all of {@code src} into {@code dst} at {@code dstOffset} bytes on this stream
     * ({@code cuMemcpyHtoDAsync_v2}); it runs asynchronously, so {@code src} must stay valid and unchanged until the
     * stream is synchronized. From page-locked memory ({@link PinnedBuffer#host()}) the copy is a DMA transfer that
     * overlaps other work; from pageable memory the driver stages it and the call may return only once it is done.
     *
     * @throws CudaUsageException when {@code src} is not native memory, or the range does not fit {@code dst}
     * @throws CudaException      when the driver refuses the copy
     */
    public void copyToDevice(MemorySegment src, DeviceMemory dst, long dstOffset) {
        if (!src.isNative()) {
            throw new CudaUsageException("copyToDevice on " + describe() + " got a heap segment of " + src.byteSize()
                    + " bytes, which the driver cannot read asynchronously",
                    "copy from native memory, ideally pinned (PinnedBuffer.host()), or use DeviceMemory.copyFrom");
        }
        DeviceCopy.checkRange(dst, dstOffset, src.byteSize(), "copyToDevice");
        if (src.byteSize() == 0) {
            return;
        }
        enter();
        long bytes = src.byteSize();
        context().check(context().api().cuMemcpyHtoDAsync(dst.ptr().address() + dstOffset, src, bytes, handle),
                () -> "cuMemcpyHtoDAsync_v2(" + bytes + " bytes to " + dst + " at offset " + dstOffset + " on "
                        + describe() + ")");
    }

    /** Whether all work on this stream finished ({@code cuStreamQuery}); never blocks. */
    public boolean isComplete() {
        enter();
        int rc = context().api().cuStreamQuery(handle);
        if (rc == CuResult.NOT_READY) {
            return false;
        }
        context().check(rc, () -> "cuStreamQuery(" + describe() + ")");
        return true;
    }

    /**
     * Records the work that {@code work} enqueues on this stream into a graph instead of running it
     * ({@code cuStreamBeginCapture_v2} in global mode, {@code cuStreamEndCapture}), and instantiates it
     * ({@code cuGraphInstantiateWithFlags}). Inside {@code work} only enqueue asynchronous work on this stream: no
     * allocations, copies or synchronisation.
     *
     * @return the executable graph, owned by this stream's context
     * @throws CudaException when capture is refused or invalidated by a call that capture does not allow
     */
    public CudaGraph capture(Runnable work) {
        enter();
        CudaContext ctx = context();
        LibCuda api = ctx.api();
        ctx.check(api.cuStreamBeginCapture(handle, CAPTURE_MODE_GLOBAL),
                () -> "cuStreamBeginCapture_v2(" + describe() + ")");
        MemorySegment graph;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.PTR);
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                ctx.enter();
                api.cuStreamEndCapture(handle, out);
                destroyGraph(api, out.get(CTypes.PTR, 0));
                throw e;
            }
            ctx.enter();
            ctx.check(api.cuStreamEndCapture(handle, out), () -> "cuStreamEndCapture(" + describe() + ")");
            graph = out.get(CTypes.PTR, 0);
            MemorySegment exec = arena.allocate(CTypes.PTR);
            int rc = api.cuGraphInstantiateWithFlags(exec, graph, GRAPH_INSTANTIATE_DEFAULT);
            destroyGraph(api, graph);
            ctx.check(rc, () -> "cuGraphInstantiateWithFlags(graph captured on " + describe() + ")");
            return ctx.adopt(new CudaGraph(ctx, exec.get(CTypes.PTR, 0)));
        }
    }

    private static void destroyGraph(LibCuda api, MemorySegment graph) {
        if (!graph.equals(MemorySegment.NULL)) {
            api.cuGraphDestroy(graph);
        }
    }

    /** The driver handle for launching on {@code stream} in {@code ctx}: NULL (legacy stream) for null. */
    static MemorySegment handleFor(CudaStream stream, CudaContext ctx) {
        if (stream == null) {
            return MemorySegment.NULL;
        }
        if (stream.context() != ctx) {
            throw new CudaUsageException(stream.describe() + " belongs to " + stream.context() + ", not " + ctx,
                    "launch and record on streams of the same CudaContext");
        }
        stream.enter();
        return stream.handle;
    }

    @Override
    void release() {
        context().checkRelease(context().api().cuStreamDestroy(handle), () -> "cuStreamDestroy_v2(" + describe() + ")");
    }

    @Override
    String describe() {
        return "CudaStream(0x" + Long.toHexString(handle.address()) + " on device " + context().ordinal() + ")";
    }
}
