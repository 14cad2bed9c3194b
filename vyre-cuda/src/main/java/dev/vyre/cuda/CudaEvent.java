package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A timing event ({@code cuEventCreate}); destroyed on close ({@code cuEventDestroy_v2}). */
public final class CudaEvent extends CudaResource {
    private final MemorySegment handle;

    CudaEvent(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** Records the event after the work enqueued so far on {@code stream} ({@code null}: legacy default stream). */
    public void record(CudaStream stream) {
        enter();
        MemorySegment s = CudaStream.handleFor(stream, context());
        context().check(context().api().cuEventRecord(handle, s), () -> "cuEventRecord(" + describe() + ")");
    }

    /** Waits until the recorded work finished ({@code cuEventSynchronize}). */
    public void synchronize() {
        enter();
        context().check(context().api().cuEventSynchronize(handle), () -> "cuEventSynchronize(" + describe() + ")");
    }

    /**
     * Milliseconds between {@code start} and this event, both recorded and completed ({@code cuEventElapsedTime_v2},
     * or {@code cuEventElapsedTime} on drivers without it); resolution about half a microsecond.
     */
    public float millisSince(CudaEvent start) {
        if (start.context() != context()) {
            throw new CudaUsageException(start.describe() + " and " + describe() + " belong to different contexts",
                    "time events of one CudaContext");
        }
        start.enter();
        enter();
        LibCuda api = context().api();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.FLOAT);
            context().check(api.cuEventElapsedTime(out, start.handle, handle), () -> api.symbol(CuFn.EVENT_ELAPSED_TIME)
                    + "(" + start.describe() + " -> " + describe() + ")");
            return out.get(CTypes.FLOAT, 0);
        }
    }

    @Override
    void release() {
        context().checkRelease(context().api().cuEventDestroy(handle), () -> "cuEventDestroy_v2(" + describe() + ")");
    }

    @Override
    String describe() {
        return "CudaEvent(0x" + Long.toHexString(handle.address()) + " on device " + context().ordinal() + ")";
    }
}
