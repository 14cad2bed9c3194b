package dev.vyre.cuda;

import java.util.Map;
import java.util.Set;

/**
 * The CUDA driver's {@code CUresult} codes: their names (as {@code cuGetErrorName} spells them, used when the
 * driver cannot be asked), which of them poison a context, and the fix hint vyre gives for each.
 */
public final class CuResult {
    /** {@code CUDA_SUCCESS}. */
    public static final int SUCCESS = 0;
    /** {@code CUDA_ERROR_INVALID_VALUE}. */
    public static final int INVALID_VALUE = 1;
    /** {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public static final int OUT_OF_MEMORY = 2;
    /** {@code CUDA_ERROR_NOT_INITIALIZED}. */
    public static final int NOT_INITIALIZED = 3;
    /** {@code CUDA_ERROR_DEINITIALIZED}. */
    public static final int DEINITIALIZED = 4;
    /** {@code CUDA_ERROR_STUB_LIBRARY}. */
    public static final int STUB_LIBRARY = 34;
    /** {@code CUDA_ERROR_DEVICE_UNAVAILABLE}. */
    public static final int DEVICE_UNAVAILABLE = 46;
    /** {@code CUDA_ERROR_NO_DEVICE}. */
    public static final int NO_DEVICE = 100;
    /** {@code CUDA_ERROR_INVALID_DEVICE}. */
    public static final int INVALID_DEVICE = 101;
    /** {@code CUDA_ERROR_INVALID_IMAGE}. */
    public static final int INVALID_IMAGE = 200;
    /** {@code CUDA_ERROR_INVALID_CONTEXT}. */
    public static final int INVALID_CONTEXT = 201;
    /** {@code CUDA_ERROR_NO_BINARY_FOR_GPU}. */
    public static final int NO_BINARY_FOR_GPU = 209;
    /** {@code CUDA_ERROR_INVALID_PTX}. */
    public static final int INVALID_PTX = 218;
    /** {@code CUDA_ERROR_JIT_COMPILER_NOT_FOUND}. */
    public static final int JIT_COMPILER_NOT_FOUND = 221;
    /** {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}. */
    public static final int UNSUPPORTED_PTX_VERSION = 222;
    /** {@code CUDA_ERROR_INVALID_HANDLE}. */
    public static final int INVALID_HANDLE = 400;
    /** {@code CUDA_ERROR_NOT_FOUND}. */
    public static final int NOT_FOUND = 500;
    /** {@code CUDA_ERROR_NOT_READY}: not a failure for queries (the work is still running). */
    public static final int NOT_READY = 600;
    /** {@code CUDA_ERROR_ILLEGAL_ADDRESS}. */
    public static final int ILLEGAL_ADDRESS = 700;
    /** {@code CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES}. */
    public static final int LAUNCH_OUT_OF_RESOURCES = 701;
    /** {@code CUDA_ERROR_LAUNCH_TIMEOUT}. */
    public static final int LAUNCH_TIMEOUT = 702;
    /** {@code CUDA_ERROR_LAUNCH_FAILED}. */
    public static final int LAUNCH_FAILED = 719;
    /** {@code CUDA_ERROR_SYSTEM_DRIVER_MISMATCH}. */
    public static final int SYSTEM_DRIVER_MISMATCH = 803;
    /** {@code CUDA_ERROR_UNKNOWN}. */
    public static final int UNKNOWN = 999;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "CUDA_SUCCESS"),
            Map.entry(1, "CUDA_ERROR_INVALID_VALUE"),
            Map.entry(2, "CUDA_ERROR_OUT_OF_MEMORY"),
            Map.entry(3, "CUDA_ERROR_NOT_INITIALIZED"),
            Map.entry(4, "CUDA_ERROR_DEINITIALIZED"),
            Map.entry(5, "CUDA_ERROR_PROFILER_DISABLED"),
            Map.entry(6, "CUDA_ERROR_PROFILER_NOT_INITIALIZED"),
            Map.entry(7, "CUDA_ERROR_PROFILER_ALREADY_STARTED"),
            Map.entry(8, "CUDA_ERROR_PROFILER_ALREADY_STOPPED"),
            Map.entry(34, "CUDA_ERROR_STUB_LIBRARY"),
            Map.entry(36, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER"),
            Map.entry(46, "CUDA_ERROR_DEVICE_UNAVAILABLE"),
            Map.entry(100, "CUDA_ERROR_NO_DEVICE"),
            Map.entry(101, "CUDA_ERROR_INVALID_DEVICE"),
            Map.entry(102, "CUDA_ERROR_DEVICE_NOT_LICENSED"),
            Map.entry(200, "CUDA_ERROR_INVALID_IMAGE"),
            Map.entry(201, "CUDA_ERROR_INVALID_CONTEXT"),
            Map.entry(202, "CUDA_ERROR_CONTEXT_ALREADY_CURRENT"),
            Map.entry(205, "CUDA_ERROR_MAP_FAILED"),
            Map.entry(206, "CUDA_ERROR_UNMAP_FAILED"),
            Map.entry(207, "CUDA_ERROR_ARRAY_IS_MAPPED"),
            Map.entry(208, "CUDA_ERROR_ALREADY_MAPPED"),
            Map.entry(209, "CUDA_ERROR_NO_BINARY_FOR_GPU"),
            Map.entry(210, "CUDA_ERROR_ALREADY_ACQUIRED"),
            Map.entry(211, "CUDA_ERROR_NOT_MAPPED"),
            Map.entry(212, "CUDA_ERROR_NOT_MAPPED_AS_ARRAY"),
            Map.entry(213, "CUDA_ERROR_NOT_MAPPED_AS_POINTER"),
            Map.entry(214, "CUDA_ERROR_ECC_UNCORRECTABLE"),
            Map.entry(215, "CUDA_ERROR_UNSUPPORTED_LIMIT"),
            Map.entry(216, "CUDA_ERROR_CONTEXT_ALREADY_IN_USE"),
            Map.entry(217, "CUDA_ERROR_PEER_ACCESS_UNSUPPORTED"),
            Map.entry(218, "CUDA_ERROR_INVALID_PTX"),
            Map.entry(219, "CUDA_ERROR_INVALID_GRAPHICS_CONTEXT"),
            Map.entry(220, "CUDA_ERROR_NVLINK_UNCORRECTABLE"),
            Map.entry(221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND"),
            Map.entry(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"),
            Map.entry(223, "CUDA_ERROR_JIT_COMPILATION_DISABLED"),
            Map.entry(224, "CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY"),
            Map.entry(225, "CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC"),
            Map.entry(300, "CUDA_ERROR_INVALID_SOURCE"),
            Map.entry(301, "CUDA_ERROR_FILE_NOT_FOUND"),
            Map.entry(302, "CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND"),
            Map.entry(303, "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED"),
            Map.entry(304, "CUDA_ERROR_OPERATING_SYSTEM"),
            Map.entry(400, "CUDA_ERROR_INVALID_HANDLE"),
            Map.entry(401, "CUDA_ERROR_ILLEGAL_STATE"),
            Map.entry(402, "CUDA_ERROR_LOSSY_QUERY"),
            Map.entry(500, "CUDA_ERROR_NOT_FOUND"),
            Map.entry(600, "CUDA_ERROR_NOT_READY"),
            Map.entry(700, "CUDA_ERROR_ILLEGAL_ADDRESS"),
            Map.entry(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"),
            Map.entry(702, "CUDA_ERROR_LAUNCH_TIMEOUT"),
            Map.entry(703, "CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING"),
            Map.entry(704, "CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED"),
            Map.entry(705, "CUDA_ERROR_PEER_ACCESS_NOT_ENABLED"),
            Map.entry(708, "CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE"),
            Map.entry(709, "CUDA_ERROR_CONTEXT_IS_DESTROYED"),
            Map.entry(710, "CUDA_ERROR_ASSERT"),
            Map.entry(711, "CUDA_ERROR_TOO_MANY_PEERS"),
            Map.entry(712, "CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED"),
            Map.entry(713, "CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED"),
            Map.entry(714, "CUDA_ERROR_HARDWARE_STACK_ERROR"),
            Map.entry(715, "CUDA_ERROR_ILLEGAL_INSTRUCTION"),
            Map.entry(716, "CUDA_ERROR_MISALIGNED_ADDRESS"),
            Map.entry(717, "CUDA_ERROR_INVALID_ADDRESS_SPACE"),
            Map.entry(718, "CUDA_ERROR_INVALID_PC"),
            Map.entry(719, "CUDA_ERROR_LAUNCH_FAILED"),
            Map.entry(720, "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE"),
            Map.entry(800, "CUDA_ERROR_NOT_PERMITTED"),
            Map.entry(801, "CUDA_ERROR_NOT_SUPPORTED"),
            Map.entry(802, "CUDA_ERROR_SYSTEM_NOT_READY"),
            Map.entry(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"),
            Map.entry(804, "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"),
            Map.entry(900, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"),
            Map.entry(901, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"),
            Map.entry(902, "CUDA_ERROR_STREAM_CAPTURE_MERGE"),
            Map.entry(903, "CUDA_ERROR_STREAM_CAPTURE_UNMATCHED"),
            Map.entry(904, "CUDA_ERROR_STREAM_CAPTURE_UNJOINED"),
            Map.entry(905, "CUDA_ERROR_STREAM_CAPTURE_ISOLATION"),
            Map.entry(906, "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT"),
            Map.entry(907, "CUDA_ERROR_CAPTURED_EVENT"),
            Map.entry(908, "CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD"),
            Map.entry(909, "CUDA_ERROR_TIMEOUT"),
            Map.entry(910, "CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE"),
            Map.entry(999, "CUDA_ERROR_UNKNOWN"));

    /** ECC, NVLink, assert and kernel faults: after these the context must be rebuilt. */
    private static final Set<Integer> STICKY = Set.of(214, 220, ILLEGAL_ADDRESS, LAUNCH_TIMEOUT, 710, 714, 715, 716,
            717, 718, LAUNCH_FAILED);

    private CuResult() {
    }

    /** Every code this table names, for checks against the driver's own {@code cuGetErrorName}. */
    public static Set<Integer> knownCodes() {
        return NAMES.keySet();
    }

    /** The code's name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}; {@code CUresult <n>} for a code not in the table. */
    public static String name(int code) {
        String name = NAMES.get(code);
        return name != null ? name : "CUresult " + code;
    }

    /**
     * Whether the code is a sticky error: the context that saw it is unusable (every later call fails); with current
     * drivers the whole process cannot use the device again.
     */
    public static boolean isSticky(int code) {
        return STICKY.contains(code);
    }

    /** The fix hint for a failed call that returned {@code code}. */
    public static String fix(int code) {
        return switch (code) {
            case INVALID_VALUE -> "an argument was out of range: check sizes, offsets, grid and block dimensions "
                    + "(block x*y*z <= 1024) and that device pointers come from live buffers";
            case OUT_OF_MEMORY -> "free device memory (close DeviceBuffers, modules or other processes' work; "
                    + "CudaContext.memInfo() shows what is free) or allocate less";
            case NOT_INITIALIZED -> "cuInit was not called or failed: open devices through CudaContext.open, "
                    + "which initialises the driver, and check CudaDriver.probe() for the reason";
            case DEINITIALIZED -> "the driver is shutting down (process exit): do not use CUDA from shutdown hooks";
            case STUB_LIBRARY -> "the CUDA toolkit's stub libcuda.so was loaded instead of the driver's: remove the "
                    + "toolkit's lib64/stubs directory from LD_LIBRARY_PATH";
            case DEVICE_UNAVAILABLE -> "the device is busy or in exclusive-process mode held by another process: "
                    + "check nvidia-smi for the compute mode and the processes using it";
            case NO_DEVICE -> "no CUDA device is visible: check nvidia-smi, CUDA_VISIBLE_DEVICES, and that the "
                    + "container or VM was given the GPU";
            case INVALID_DEVICE -> "the device ordinal is out of range: use an ordinal below the device count that "
                    + "CudaDriver.probe() reports";
            case INVALID_IMAGE, INVALID_PTX, NO_BINARY_FOR_GPU -> "the module did not compile for this GPU: read the "
                    + "JIT log in the message, check the PTX with ptxas -arch=sm_XX, and keep .target at or below "
                    + "the device's compute capability";
            case UNSUPPORTED_PTX_VERSION -> "the PTX .version is newer than this driver's JIT compiler supports: "
                    + "emit an older .version or update the NVIDIA driver";
            case JIT_COMPILER_NOT_FOUND, 223 -> "the driver's PTX JIT compiler is missing or disabled: reinstall the "
                    + "NVIDIA driver and unset CUDA_DISABLE_PTX_JIT";
            case INVALID_CONTEXT -> "no valid context was current: use the resources of an open CudaContext on "
                    + "this thread, and do not use them after the context is closed";
            case INVALID_HANDLE -> "a handle was used after it was closed or with another context: keep resources "
                    + "open while work that uses them is in flight";
            case NOT_FOUND -> "the name is not in the module: check the PTX's .entry and .global names (they are "
                    + "case-sensitive and must be .visible)";
            case NOT_READY -> "the work is still running: synchronize the stream or event before reading results";
            case ILLEGAL_ADDRESS, 714, 715, 716, 717, 718, LAUNCH_FAILED, 710 -> "the kernel faulted, which poisons "
                    + "the CUDA state of this process (every later call fails, also in a new CudaContext): close the "
                    + "contexts, fix the kernel (check its indices against buffer sizes; compute-sanitizer finds the "
                    + "faulting access) and restart the process";
            case LAUNCH_OUT_OF_RESOURCES -> "the kernel needs more registers or shared memory than one block can "
                    + "have: launch fewer threads per block or less dynamic shared memory";
            case LAUNCH_TIMEOUT -> "the kernel ran past the display watchdog, which poisons the CUDA state of this "
                    + "process: split the work into shorter launches or use a GPU without a display, then restart the "
                    + "process";
            case 801 -> "this device or driver does not support the operation: check the device attributes that "
                    + "CudaDriver.probe() reports";
            case 800 -> "the operation is not permitted here (e.g. during stream capture or without privileges)";
            case SYSTEM_DRIVER_MISMATCH -> "the loaded kernel module and libcuda.so.1 come from different driver "
                    + "versions: reboot or reinstall the NVIDIA driver";
            case 804 -> "the forward-compatibility libcuda does not support this GPU: remove the cuda-compat "
                    + "package from the library path";
            case 900, 901, 902, 903, 904, 905, 906, 907, 908 -> "a call that stream capture does not allow ran "
                    + "while a stream was being captured: only enqueue asynchronous work on the captured stream "
                    + "between beginCapture and endCapture";
            case 214, 220 -> "the GPU reported an uncorrectable memory or NVLink error, which poisons the CUDA "
                    + "state of this process: restart the process; if it repeats, check nvidia-smi -q for ECC errors";
            default -> "see the CUDA driver API documentation for " + name(code)
                    + "; CudaDriver.probe() shows the driver and device state";
        };
    }
}
