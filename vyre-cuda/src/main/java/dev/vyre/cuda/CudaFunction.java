package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A kernel of a loaded {@link CudaModule}; valid while the module is open. */
public final class CudaFunction {
    private final CudaModule module;
    private final String name;
    private final MemorySegment handle;

    CudaFunction(CudaModule module, String name, MemorySegment handle) {
        this.module = module;
        this.name = name;
        this.handle = handle;
    }

    /** The kernel's {@code .entry} name. */
    public String name() {
        return name;
    }

    /** The module this kernel belongs to. */
    public CudaModule module() {
        return module;
    }

    /**
     * Enqueues the kernel ({@code cuLaunchKernel}); it runs asynchronously.
     *
     * @param grid            blocks per grid
     * @param block           threads per block
     * @param sharedMemBytes  dynamic shared memory per block
     * @param stream          the stream, or {@code null} for the legacy default stream
     * @param params          the kernel's parameters in order: Integer, Long, Float or DevicePtr (see
     *                        {@link KernelParams})
     * @throws CudaUsageException for a parameter of another type, a negative shared size, a closed module or a
     *                            stream of another context
     * @throws CudaException      when the driver refuses the launch
     */
    public void launch(Dim3 grid, Dim3 block, int sharedMemBytes, CudaStream stream, Object... params) {
        if (sharedMemBytes < 0) {
            throw new CudaUsageException("launch of " + name + " asked for " + sharedMemBytes
                    + " bytes of shared memory", "pass a shared memory size of 0 or more bytes");
        }
        module.enter();
        CudaContext ctx = module.context();
        MemorySegment streamHandle = CudaStream.handleFor(stream, ctx);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = KernelParams.pack(arena, params);
            ctx.check(ctx.api().cuLaunchKernel(handle, grid, block, sharedMemBytes, streamHandle, packed),
                    () -> "cuLaunchKernel(" + name + ", grid " + grid + ", block " + block + ", " + sharedMemBytes
                            + " shared bytes, " + params.length + " params, "
                            + (stream == null ? "default stream" : stream.describe()) + ")");
        }
    }

    @Override
    public String toString() {
        return "CudaFunction(" + name + ")";
    }
}
