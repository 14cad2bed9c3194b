package dev.vyre.cuda;

import java.util.List;

/**
 * What the CUDA driver reports on this machine, without throwing: used by {@code vyre info} and to pick the
 * default backend.
 *
 * @param available     true when libcuda.so.1 loaded, cuInit succeeded and at least one device exists
 * @param reason        why not available (empty when available), ending with a Fix hint
 * @param driverVersion cuDriverGetVersion (e.g. 12080 for 12.8), 0 when unknown
 * @param devices       devices in ordinal order
 */
public record CudaProbe(boolean available, String reason, int driverVersion, List<Device> devices) {
    public CudaProbe {
        devices = List.copyOf(devices);
    }

    /**
     * One CUDA device.
     *
     * @param ordinal         device ordinal
     * @param name            device name
     * @param ccMajor         compute capability major
     * @param ccMinor         compute capability minor
     * @param totalMemBytes   total global memory
     * @param multiprocessors SM count
     * @param canMapHostMemory whether pinned host memory can be mapped into the device address space
     */
    public record Device(int ordinal, String name, int ccMajor, int ccMinor, long totalMemBytes, int multiprocessors,
                         boolean canMapHostMemory) {
    }

    /** Probes the driver; never throws. */
    public static CudaProbe run() {
        return CudaDriver.probe();
    }
}
