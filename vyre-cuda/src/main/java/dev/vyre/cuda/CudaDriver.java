package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point to the CUDA driver API through java.lang.foreign (libcuda.so.1). The library is loaded and
 * initialised ({@code cuInit(0)}) once per process, on first use; if that fails, every later use fails with the
 * same {@link CudaUnavailableException}.
 */
public final class CudaDriver {
    /** {@code CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT}. */
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    /** {@code CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY}. */
    static final int ATTR_CAN_MAP_HOST_MEMORY = 19;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR}. */
    static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    /** {@code CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR}. */
    static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    /** Buffer for {@code cuDeviceGetName}. */
    static final int DEVICE_NAME_BYTES = 256;

    private CudaDriver() {
    }

    /** The process-wide driver: loaded and initialised, or the reason it could not be. */
    private static final class Process {
        static final Object STATE = loadAndInit();

        private static Object loadAndInit() {
            try {
                LibCuda api = LibCuda.load();
                initialize(api);
                return api;
            } catch (CudaUnavailableException e) {
                return e;
            }
        }
    }

    /**
     * The initialised driver binding.
     *
     * @throws CudaUnavailableException when libcuda.so.1 is missing or {@code cuInit} failed
     */
    static LibCuda api() {
        Object state = Process.STATE;
        if (state instanceof CudaUnavailableException e) {
            throw new CudaUnavailableException(e.problem(), e.fix(), e);
        }
        return (LibCuda) state;
    }

    /** Whether libcuda.so.1 loaded and {@code cuInit} succeeded in this process. */
    public static boolean isAvailable() {
        return Process.STATE instanceof LibCuda;
    }

    /** Runs {@code cuInit(0)} on {@code api}. */
    static void initialize(LibCuda api) {
        int rc = api.cuInit(0);
        if (rc != CuResult.SUCCESS) {
            String name = api.errorName(rc);
            String text = api.errorString(rc);
            throw new CudaUnavailableException("cuInit(0) failed with " + name + " (" + rc + ")"
                    + (text.isEmpty() ? "" : ": " + text), CuResult.fix(rc));
        }
    }

    /**
     * Probes libcuda.so.1 and the devices; never throws. When CUDA is unavailable the reason says why (library
     * not found, the {@code cuInit} error name, no devices) and ends with a Fix.
     */
    public static CudaProbe probe() {
        Object state = Process.STATE;
        if (state instanceof CudaUnavailableException e) {
            return new CudaProbe(false, e.getMessage(), 0, List.of());
        }
        return describe((LibCuda) state);
    }

    /** Initialises {@code api} and describes its devices; never throws. */
    static CudaProbe probe(LibCuda api) {
        try {
            initialize(api);
        } catch (RuntimeException e) {
            return new CudaProbe(false, e.getMessage(), 0, List.of());
        }
        return describe(api);
    }

    /** Describes the devices of an initialised driver; never throws. */
    private static CudaProbe describe(LibCuda api) {
        int version = 0;
        List<CudaProbe.Device> devices = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.INT);
            check(api, api.cuDriverGetVersion(out), "cuDriverGetVersion");
            version = out.get(CTypes.INT, 0);
            check(api, api.cuDeviceGetCount(out), "cuDeviceGetCount");
            int count = out.get(CTypes.INT, 0);
            for (int ordinal = 0; ordinal < count; ordinal++) {
                devices.add(device(api, arena, ordinal));
            }
            if (devices.isEmpty()) {
                return new CudaProbe(false, "the CUDA driver " + versionText(version) + " initialised but reports "
                        + "no devices. Fix: " + CuResult.fix(CuResult.NO_DEVICE), version, devices);
            }
            return new CudaProbe(true, "", version, devices);
        } catch (RuntimeException e) {
            return new CudaProbe(false, e.getMessage(), version, devices);
        }
    }

    private static CudaProbe.Device device(LibCuda api, Arena arena, int ordinal) {
        MemorySegment out = arena.allocate(CTypes.INT);
        check(api, api.cuDeviceGet(out, ordinal), "cuDeviceGet(ordinal " + ordinal + ")");
        int dev = out.get(CTypes.INT, 0);
        MemorySegment name = arena.allocate(DEVICE_NAME_BYTES + 1L);
        check(api, api.cuDeviceGetName(name, DEVICE_NAME_BYTES, dev), "cuDeviceGetName(device " + ordinal + ")");
        MemorySegment total = arena.allocate(CTypes.LONG);
        check(api, api.cuDeviceTotalMem(total, dev), "cuDeviceTotalMem_v2(device " + ordinal + ")");
        return new CudaProbe.Device(ordinal, name.getString(0),
                attribute(api, out, dev, ATTR_COMPUTE_CAPABILITY_MAJOR, ordinal),
                attribute(api, out, dev, ATTR_COMPUTE_CAPABILITY_MINOR, ordinal),
                total.get(CTypes.LONG, 0),
                attribute(api, out, dev, ATTR_MULTIPROCESSOR_COUNT, ordinal),
                attribute(api, out, dev, ATTR_CAN_MAP_HOST_MEMORY, ordinal) != 0);
    }

    private static int attribute(LibCuda api, MemorySegment out, int dev, int attribute, int ordinal) {
        check(api, api.cuDeviceGetAttribute(out, attribute, dev), "cuDeviceGetAttribute(" + attribute + ", device "
                + ordinal + ")");
        return out.get(CTypes.INT, 0);
    }

    private static void check(LibCuda api, int rc, String operation) {
        if (rc != CuResult.SUCCESS) {
            throw api.error(operation, rc, "");
        }
    }

    /** {@code 12080} as {@code 12.8}. */
    static String versionText(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }
}
