package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory mapped into the device address space ({@code cuMemHostAlloc} with
 * {@code CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP}). The host reads and writes it through
 * {@link #host()}; kernels through {@link #devicePtr()} ({@code cuMemHostGetDevicePointer_v2}). On close the host
 * segment becomes inaccessible (its arena closes) before the memory is freed ({@code cuMemFreeHost}).
 *
 * <p>Or existing host memory that the driver page-locks and maps in place ({@code cuMemHostRegister_v2} with
 * {@code CU_MEMHOSTREGISTER_PORTABLE | CU_MEMHOSTREGISTER_DEVICEMAP}, {@link CudaContext#registerHost}), e.g. a
 * file mapping that another process shares; close unregisters it ({@code cuMemHostUnregister}) and leaves the
 * memory to its owner.
 */
@SuppressWarnings("restricted") // native memory and library access is what this class is for
public final class PinnedBuffer extends CudaResource {
    /** {@code CU_MEMHOSTALLOC_PORTABLE}: pinned for every context. */
    static final int HOSTALLOC_PORTABLE = 0x01;
    /** {@code CU_MEMHOSTALLOC_DEVICEMAP}: mapped into the device address space. */
    static final int HOSTALLOC_DEVICEMAP = 0x02;
    /** {@code CU_MEMHOSTREGISTER_PORTABLE}. */
    static final int HOSTREGISTER_PORTABLE = 0x01;
    /** {@code CU_MEMHOSTREGISTER_DEVICEMAP}. */
    static final int HOSTREGISTER_DEVICEMAP = 0x02;

    private final MemorySegment raw;
    private final Arena arena;
    private final MemorySegment host;
    private final DevicePtr devicePtr;
    /** Registered host memory (not ours to free), or null for memory from cuMemHostAlloc. */
    private final MemorySegment registered;

    private PinnedBuffer(CudaContext context, MemorySegment raw, Arena arena, DevicePtr devicePtr) {
        super(context);
        this.raw = raw;
        this.arena = arena;
        this.host = raw.reinterpret(raw.byteSize(), arena, null);
        this.devicePtr = devicePtr;
        this.registered = null;
    }

    private PinnedBuffer(CudaContext context, MemorySegment registered, DevicePtr devicePtr) {
        super(context);
        this.raw = registered;
        this.arena = null;
        this.host = registered;
        this.devicePtr = devicePtr;
        this.registered = registered;
    }

    static PinnedBuffer register(CudaContext ctx, MemorySegment memory) {
        LibCuda api = ctx.api();
        long bytes = memory.byteSize();
        ctx.check(api.cuMemHostRegister(memory, bytes, HOSTREGISTER_PORTABLE | HOSTREGISTER_DEVICEMAP),
                () -> "cuMemHostRegister_v2(" + bytes + " bytes at 0x" + Long.toHexString(memory.address())
                        + ", PORTABLE|DEVICEMAP) for device " + ctx.ordinal());
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment dptr = scratch.allocate(CTypes.LONG);
            int rc = api.cuMemHostGetDevicePointer(dptr, memory, 0);
            if (rc != CuResult.SUCCESS) {
                api.cuMemHostUnregister(memory);
                throw ctx.failure(rc, "cuMemHostGetDevicePointer_v2(" + bytes + " registered bytes at 0x"
                        + Long.toHexString(memory.address()) + ") on device " + ctx.ordinal(), "");
            }
            return new PinnedBuffer(ctx, memory, new DevicePtr(dptr.get(CTypes.LONG, 0)));
        }
    }

    static PinnedBuffer allocate(CudaContext ctx, long bytes) {
        LibCuda api = ctx.api();
        MemorySegment raw;
        long device;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment out = scratch.allocate(CTypes.PTR);
            ctx.check(api.cuMemHostAlloc(out, bytes, HOSTALLOC_PORTABLE | HOSTALLOC_DEVICEMAP),
                    () -> "cuMemHostAlloc(" + bytes + " bytes, PORTABLE|DEVICEMAP) for device " + ctx.ordinal());
            raw = out.get(CTypes.PTR, 0).reinterpret(bytes);
            MemorySegment dptr = scratch.allocate(CTypes.LONG);
            int rc = api.cuMemHostGetDevicePointer(dptr, raw, 0);
            if (rc != CuResult.SUCCESS) {
                api.cuMemFreeHost(raw);
                throw ctx.failure(rc, "cuMemHostGetDevicePointer_v2(" + bytes + " pinned bytes at 0x"
                        + Long.toHexString(raw.address()) + ") on device " + ctx.ordinal(), "");
            }
            device = dptr.get(CTypes.LONG, 0);
        }
        return new PinnedBuffer(ctx, raw, Arena.ofShared(), new DevicePtr(device));
    }

    /** The host view of the memory; inaccessible after close. */
    public MemorySegment host() {
        return host;
    }

    /** The address kernels use to reach this memory. */
    public DevicePtr devicePtr() {
        return devicePtr;
    }

    /** The size in bytes. */
    public long byteSize() {
        return raw.byteSize();
    }

    @Override
    void release() {
        if (registered != null) {
            context().checkRelease(context().api().cuMemHostUnregister(registered), () -> "cuMemHostUnregister("
                    + describe() + ")");
            return;
        }
        arena.close();
        context().checkRelease(context().api().cuMemFreeHost(raw), () -> "cuMemFreeHost(" + describe() + ")");
    }

    @Override
    String describe() {
        return (registered != null ? "PinnedBuffer(registered, " : "PinnedBuffer(") + raw.byteSize() + " bytes at host 0x" + Long.toHexString(raw.address())
                + ", device " + devicePtr + ")";
    }
}
