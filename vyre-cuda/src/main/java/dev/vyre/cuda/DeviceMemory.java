package dev.vyre.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A range of device memory: an allocation ({@link DeviceBuffer}) or a module global ({@link ModuleGlobal}).
 *
 * <p>The copies and fills here are synchronous: they finished when they return. They run on the legacy default
 * stream and do not wait for kernels on a {@link CudaStream} (those streams are non-blocking), so synchronize the
 * stream before copying results out of memory a kernel on it writes.
 */
public sealed interface DeviceMemory permits DeviceBuffer, ModuleGlobal {
    /** The device address of the first byte. */
    DevicePtr ptr();

    /** The size in bytes. */
    long byteSize();

    /** Copies all of {@code src} to the start of this memory ({@code cuMemcpyHtoD_v2}). */
    default void copyFrom(MemorySegment src) {
        copyFrom(src, 0);
    }

    /** Copies all of {@code src} to this memory at {@code offset} bytes ({@code cuMemcpyHtoD_v2}). */
    void copyFrom(MemorySegment src, long offset);

    /** Fills all of {@code dst} from the start of this memory ({@code cuMemcpyDtoH_v2}). */
    default void copyTo(MemorySegment dst) {
        copyTo(dst, 0);
    }

    /** Fills all of {@code dst} from this memory at {@code offset} bytes ({@code cuMemcpyDtoH_v2}). */
    void copyTo(MemorySegment dst, long offset);

    /** Sets every 32-bit word of this memory to {@code value}; the size must be a multiple of 4. */
    default void memsetD32(int value) {
        if (byteSize() % Integer.BYTES != 0) {
            throw new CudaUsageException(this + " is " + byteSize() + " bytes, not a whole number of 32-bit words",
                    "use memsetD32(value, offset, count) with a count that fits");
        }
        memsetD32(value, 0, byteSize() / Integer.BYTES);
    }

    /**
     * Sets {@code count} 32-bit words starting at byte {@code offset} (a multiple of 4) to {@code value}
     * ({@code cuMemsetD32_v2}).
     */
    void memsetD32(int value, long offset, long count);
}
