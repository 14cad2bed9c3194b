package dev.vyre.cuda;

import java.lang.foreign.MemorySegment;

/** Device memory from {@code cuMemAlloc_v2}, freed ({@code cuMemFree_v2}) on close. */
public final class DeviceBuffer extends CudaResource implements DeviceMemory {
    private final DevicePtr ptr;
    private final long byteSize;

    DeviceBuffer(CudaContext context, DevicePtr ptr, long byteSize) {
        super(context);
        this.ptr = ptr;
        this.byteSize = byteSize;
    }

    @Override
    public DevicePtr ptr() {
        return ptr;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    @Override
    public void copyFrom(MemorySegment src, long offset) {
        enter();
        DeviceCopy.toDevice(context(), this, src, offset);
    }

    @Override
    public void copyTo(MemorySegment dst, long offset) {
        enter();
        DeviceCopy.toHost(context(), this, dst, offset);
    }

    @Override
    public void memsetD32(int value, long offset, long count) {
        enter();
        DeviceCopy.fill32(context(), this, value, offset, count);
    }

    @Override
    void release() {
        context().checkRelease(context().api().cuMemFree(ptr.address()), () -> "cuMemFree_v2(" + describe() + ")");
    }

    @Override
    String describe() {
        return "DeviceBuffer(" + byteSize + " bytes at " + ptr + " on device " + context().ordinal() + ")";
    }
}
