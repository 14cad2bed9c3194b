package dev.vyre.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static dev.vyre.cuda.CTypes.INT;
import static dev.vyre.cuda.CTypes.LONG;
import static dev.vyre.cuda.CTypes.PTR;

/**
 * Every CUDA driver entry point the binding calls, with its C signature. Each constant lists the exported symbol
 * names in order of preference (a {@code _v2} first where the driver has one) and the function descriptor. All of
 * them return {@code CUresult} (a C {@code int}).
 *
 * <p>C types: {@code CUdevice}, {@code CUresult} and enums are {@code int}; {@code unsigned int} is passed as
 * {@code int}; {@code CUdeviceptr}, {@code size_t} and {@code unsigned long long} are {@code long}; handles
 * ({@code CUcontext}, {@code CUmodule}, {@code CUlinkState}, {@code CUfunction}, {@code CUstream}, {@code CUevent}, {@code CUgraph},
 * {@code CUgraphExec}) and every {@code T*} are addresses.
 */
enum CuFn {
    INIT(names("cuInit"), INT),
    DRIVER_GET_VERSION(names("cuDriverGetVersion"), PTR),
    GET_ERROR_NAME(names("cuGetErrorName"), INT, PTR),
    GET_ERROR_STRING(names("cuGetErrorString"), INT, PTR),
    DEVICE_GET_COUNT(names("cuDeviceGetCount"), PTR),
    DEVICE_GET(names("cuDeviceGet"), PTR, INT),
    DEVICE_GET_NAME(names("cuDeviceGetName"), PTR, INT, INT),
    DEVICE_GET_ATTRIBUTE(names("cuDeviceGetAttribute"), PTR, INT, INT),
    DEVICE_TOTAL_MEM(names("cuDeviceTotalMem_v2"), PTR, INT),
    PRIMARY_CTX_RETAIN(names("cuDevicePrimaryCtxRetain"), PTR, INT),
    PRIMARY_CTX_RELEASE(names("cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"), INT),
    CTX_SET_CURRENT(names("cuCtxSetCurrent"), PTR),
    CTX_SYNCHRONIZE(names("cuCtxSynchronize")),
    MEM_GET_INFO(names("cuMemGetInfo_v2"), PTR, PTR),
    MEM_ALLOC(names("cuMemAlloc_v2"), PTR, LONG),
    MEM_FREE(names("cuMemFree_v2"), LONG),
    MEMCPY_HTOD(names("cuMemcpyHtoD_v2"), LONG, PTR, LONG),
    MEMCPY_DTOH(names("cuMemcpyDtoH_v2"), PTR, LONG, LONG),
    MEMCPY_HTOD_ASYNC(names("cuMemcpyHtoDAsync_v2"), LONG, PTR, LONG, PTR),
    MEMSET_D32(names("cuMemsetD32_v2"), LONG, INT, LONG),
    MEM_HOST_ALLOC(names("cuMemHostAlloc"), PTR, LONG, INT),
    MEM_FREE_HOST(names("cuMemFreeHost"), PTR),
    MEM_HOST_GET_DEVICE_POINTER(names("cuMemHostGetDevicePointer_v2"), PTR, PTR, INT),
    MEM_HOST_REGISTER(names("cuMemHostRegister_v2", "cuMemHostRegister"), PTR, LONG, INT),
    MEM_HOST_UNREGISTER(names("cuMemHostUnregister"), PTR),
    MODULE_LOAD_DATA_EX(names("cuModuleLoadDataEx"), PTR, PTR, INT, PTR, PTR),
    MODULE_GET_FUNCTION(names("cuModuleGetFunction"), PTR, PTR, PTR),
    MODULE_GET_GLOBAL(names("cuModuleGetGlobal_v2"), PTR, PTR, PTR, PTR),
    MODULE_UNLOAD(names("cuModuleUnload"), PTR),
    LAUNCH_KERNEL(names("cuLaunchKernel"), PTR, INT, INT, INT, INT, INT, INT, INT, PTR, PTR, PTR),
    STREAM_CREATE(names("cuStreamCreate"), PTR, INT),
    STREAM_DESTROY(names("cuStreamDestroy_v2"), PTR),
    STREAM_SYNCHRONIZE(names("cuStreamSynchronize"), PTR),
    STREAM_QUERY(names("cuStreamQuery"), PTR),
    STREAM_BEGIN_CAPTURE(names("cuStreamBeginCapture_v2"), PTR, INT),
    STREAM_END_CAPTURE(names("cuStreamEndCapture"), PTR, PTR),
    EVENT_CREATE(names("cuEventCreate"), PTR, INT),
    EVENT_RECORD(names("cuEventRecord"), PTR, PTR),
    EVENT_SYNCHRONIZE(names("cuEventSynchronize"), PTR),
    EVENT_ELAPSED_TIME(names("cuEventElapsedTime_v2", "cuEventElapsedTime"), PTR, PTR, PTR),
    EVENT_DESTROY(names("cuEventDestroy_v2"), PTR),
    GRAPH_INSTANTIATE(names("cuGraphInstantiateWithFlags"), PTR, PTR, LONG),
    GRAPH_LAUNCH(names("cuGraphLaunch"), PTR, PTR),
    GRAPH_EXEC_DESTROY(names("cuGraphExecDestroy"), PTR),
    GRAPH_DESTROY(names("cuGraphDestroy"), PTR),
    LINK_CREATE(names("cuLinkCreate_v2", "cuLinkCreate"), INT, PTR, PTR, PTR),
    LINK_ADD_DATA(names("cuLinkAddData_v2", "cuLinkAddData"), PTR, INT, PTR, LONG, PTR, INT, PTR, PTR),
    LINK_COMPLETE(names("cuLinkComplete"), PTR, PTR, PTR),
    LINK_DESTROY(names("cuLinkDestroy"), PTR);

    private final List<String> symbols;
    private final FunctionDescriptor descriptor;

    CuFn(List<String> symbols, MemoryLayout... args) {
        this.symbols = symbols;
        this.descriptor = FunctionDescriptor.of(ValueLayout.JAVA_INT, args);
    }

    /** Exported symbol names, preferred first. */
    List<String> symbols() {
        return symbols;
    }

    /** The C signature; the return value is always {@code CUresult}. */
    FunctionDescriptor descriptor() {
        return descriptor;
    }

    private static List<String> names(String... symbols) {
        return List.of(symbols);
    }
}
