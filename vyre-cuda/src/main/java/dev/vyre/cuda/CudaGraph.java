package dev.vyre.cuda;

import java.lang.foreign.MemorySegment;

/**
 * An executable CUDA graph made by {@link CudaStream#capture}: replays the captured work with one
 * {@code cuGraphLaunch}. Destroyed on close ({@code cuGraphExecDestroy}).
 */
public final class CudaGraph extends CudaResource {
    private final MemorySegment exec;

    CudaGraph(CudaContext context, MemorySegment exec) {
        super(context);
        this.exec = exec;
    }

    /** Enqueues one replay of the graph on {@code stream} ({@code null}: the legacy default stream). */
    public void launch(CudaStream stream) {
        enter();
        MemorySegment s = CudaStream.handleFor(stream, context());
        context().check(context().api().cuGraphLaunch(exec, s), () -> "cuGraphLaunch(" + describe() + " on "
                + (stream == null ? "default stream" : stream.describe()) + ")");
    }

    @Override
    void release() {
        context().checkRelease(context().api().cuGraphExecDestroy(exec), () -> "cuGraphExecDestroy(" + describe()
                + ")");
    }

    @Override
    String describe() {
        return "CudaGraph(0x" + Long.toHexString(exec.address()) + " on device " + context().ordinal() + ")";
    }
}
