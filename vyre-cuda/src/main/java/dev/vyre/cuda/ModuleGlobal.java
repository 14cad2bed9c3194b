package dev.vyre.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A {@code .global} variable of a loaded module ({@code cuModuleGetGlobal_v2}). It lives as long as its module:
 * using it after the module is closed is a {@link CudaUsageException}.
 */
public final class ModuleGlobal implements DeviceMemory {
    private final CudaModule module;
    private final String name;
    private final DevicePtr ptr;
    private final long byteSize;

    ModuleGlobal(CudaModule module, String name, DevicePtr ptr, long byteSize) {
        this.module = module;
        this.name = name;
        this.ptr = ptr;
        this.byteSize = byteSize;
    }

    /** The variable's name in the PTX. */
    public String name() {
        return name;
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
        module.enter();
        DeviceCopy.toDevice(module.context(), this, src, offset);
    }

    @Override
    public void copyTo(MemorySegment dst, long offset) {
        module.enter();
        DeviceCopy.toHost(module.context(), this, dst, offset);
    }

    @Override
    public void memsetD32(int value, long offset, long count) {
        module.enter();
        DeviceCopy.fill32(module.context(), this, value, offset, count);
    }

    @Override
    public String toString() {
        return "ModuleGlobal(" + name + ", " + byteSize + " bytes at " + ptr + ")";
    }
}
