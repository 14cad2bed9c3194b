package dev.vyre.cuda;

import dev.vyre.core.VyreException;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The raw CUDA driver API: one method per {@link CuFn}, each returning the {@code CUresult}. Symbols are looked up
 * lazily on first use, so a driver that lacks a function vyre does not call still works; a missing one fails with
 * {@link CudaMissingSymbolException} naming it. Thread-safe: the driver is, and the handle cache is atomic.
 */
@SuppressWarnings("restricted") // native memory and library access is what this class is for
final class LibCuda {
    /** The driver library's soname. */
    static final String LIBRARY = "libcuda.so.1";

    private final SymbolLookup lookup;
    private final Linker linker = Linker.nativeLinker();
    private final AtomicReferenceArray<MethodHandle> handles = new AtomicReferenceArray<>(CuFn.values().length);
    private final AtomicReferenceArray<String> resolved = new AtomicReferenceArray<>(CuFn.values().length);

    /** A binding over {@code lookup}; tests pass fakes, production passes the loaded libcuda.so.1. */
    LibCuda(SymbolLookup lookup) {
        this.lookup = lookup;
    }

    /**
     * Loads libcuda.so.1 for the life of the process.
     *
     * @throws CudaUnavailableException when the dynamic loader cannot find it
     */
    static LibCuda load() {
        try {
            return new LibCuda(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException(LIBRARY + " (the NVIDIA driver's CUDA library) was not found by the "
                    + "dynamic loader: no NVIDIA driver is installed or it is not on the library path",
                    "install the NVIDIA driver (nvidia-smi must work), or add the directory that holds " + LIBRARY
                            + " to LD_LIBRARY_PATH (ldconfig -p | grep libcuda finds it); in a container, start it "
                            + "with GPU access", e);
        }
    }

    /** The downcall handle of {@code fn}, looked up on first use. */
    MethodHandle handle(CuFn fn) {
        MethodHandle h = handles.get(fn.ordinal());
        if (h == null) {
            h = bind(fn);
            handles.compareAndSet(fn.ordinal(), null, h);
        }
        return h;
    }

    /** The exported name that {@code fn} resolved to (e.g. the {@code _v2} or the plain one). */
    String symbol(CuFn fn) {
        String name = resolved.get(fn.ordinal());
        if (name == null) {
            handle(fn);
            name = resolved.get(fn.ordinal());
        }
        return name;
    }

    /** Whether the driver exports {@code fn} under any of its names. */
    boolean has(CuFn fn) {
        return fn.symbols().stream().anyMatch(n -> lookup.find(n).isPresent());
    }

    private MethodHandle bind(CuFn fn) {
        for (String name : fn.symbols()) {
            Optional<MemorySegment> address = lookup.find(name);
            if (address.isPresent()) {
                resolved.compareAndSet(fn.ordinal(), null, name);
                return linker.downcallHandle(address.get(), fn.descriptor());
            }
        }
        throw new CudaMissingSymbolException(fn.symbols().getFirst(), String.join(", ", fn.symbols()));
    }

    /**
     * The exception for a failed call: the code's name and description come from the driver
     * ({@code cuGetErrorName}, {@code cuGetErrorString}) where it can say, else from {@link CuResult}.
     */
    CudaException error(String operation, int code, String jitLog) {
        return new CudaException(operation, code, errorName(code), errorString(code), jitLog);
    }

    /** {@code cuGetErrorName}, falling back to {@link CuResult#name} when the driver cannot say. */
    String errorName(int code) {
        String name = describe(CuFn.GET_ERROR_NAME, code);
        return name.isEmpty() ? CuResult.name(code) : name;
    }

    /** {@code cuGetErrorString}, empty when the driver cannot say. */
    String errorString(int code) {
        return describe(CuFn.GET_ERROR_STRING, code);
    }

    private String describe(CuFn fn, int code) {
        if (!has(fn)) {
            return "";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.PTR);
            int rc = (int) handle(fn).invokeExact(code, out);
            MemorySegment str = out.get(CTypes.PTR, 0);
            return rc != CuResult.SUCCESS || str.equals(MemorySegment.NULL) ? "" : str.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- initialisation and devices ----

    int cuInit(int flags) {
        try {
            return (int) handle(CuFn.INIT).invokeExact(flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDriverGetVersion(MemorySegment version) {
        try {
            return (int) handle(CuFn.DRIVER_GET_VERSION).invokeExact(version);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGetCount(MemorySegment count) {
        try {
            return (int) handle(CuFn.DEVICE_GET_COUNT).invokeExact(count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGet(MemorySegment device, int ordinal) {
        try {
            return (int) handle(CuFn.DEVICE_GET).invokeExact(device, ordinal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGetName(MemorySegment name, int len, int device) {
        try {
            return (int) handle(CuFn.DEVICE_GET_NAME).invokeExact(name, len, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGetAttribute(MemorySegment value, int attribute, int device) {
        try {
            return (int) handle(CuFn.DEVICE_GET_ATTRIBUTE).invokeExact(value, attribute, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceTotalMem(MemorySegment bytes, int device) {
        try {
            return (int) handle(CuFn.DEVICE_TOTAL_MEM).invokeExact(bytes, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- contexts ----

    int cuDevicePrimaryCtxRetain(MemorySegment context, int device) {
        try {
            return (int) handle(CuFn.PRIMARY_CTX_RETAIN).invokeExact(context, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDevicePrimaryCtxRelease(int device) {
        try {
            return (int) handle(CuFn.PRIMARY_CTX_RELEASE).invokeExact(device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuCtxSetCurrent(MemorySegment context) {
        try {
            return (int) handle(CuFn.CTX_SET_CURRENT).invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuCtxSynchronize() {
        try {
            return (int) handle(CuFn.CTX_SYNCHRONIZE).invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- memory ----

    int cuMemGetInfo(MemorySegment free, MemorySegment total) {
        try {
            return (int) handle(CuFn.MEM_GET_INFO).invokeExact(free, total);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemAlloc(MemorySegment devicePtr, long bytes) {
        try {
            return (int) handle(CuFn.MEM_ALLOC).invokeExact(devicePtr, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemFree(long devicePtr) {
        try {
            return (int) handle(CuFn.MEM_FREE).invokeExact(devicePtr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemcpyHtoD(long dst, MemorySegment src, long bytes) {
        try {
            return (int) handle(CuFn.MEMCPY_HTOD).invokeExact(dst, src, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemcpyDtoH(MemorySegment dst, long src, long bytes) {
        try {
            return (int) handle(CuFn.MEMCPY_DTOH).invokeExact(dst, src, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            return (int) handle(CuFn.MEMCPY_HTOD_ASYNC).invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemsetD32(long dst, int value, long count) {
        try {
            return (int) handle(CuFn.MEMSET_D32).invokeExact(dst, value, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemHostAlloc(MemorySegment hostPtr, long bytes, int flags) {
        try {
            return (int) handle(CuFn.MEM_HOST_ALLOC).invokeExact(hostPtr, bytes, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemFreeHost(MemorySegment hostPtr) {
        try {
            return (int) handle(CuFn.MEM_FREE_HOST).invokeExact(hostPtr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemHostRegister(MemorySegment hostPtr, long bytes, int flags) {
        try {
            return (int) handle(CuFn.MEM_HOST_REGISTER).invokeExact(hostPtr, bytes, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemHostUnregister(MemorySegment hostPtr) {
        try {
            return (int) handle(CuFn.MEM_HOST_UNREGISTER).invokeExact(hostPtr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemHostGetDevicePointer(MemorySegment devicePtr, MemorySegment hostPtr, int flags) {
        try {
            return (int) handle(CuFn.MEM_HOST_GET_DEVICE_POINTER).invokeExact(devicePtr, hostPtr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- modules and launches ----

    // ---- linker (PTX to cubin) ----

    int cuLinkCreate(int numOptions, MemorySegment options, MemorySegment optionValues, MemorySegment state) {
        try {
            return (int) handle(CuFn.LINK_CREATE).invokeExact(numOptions, options, optionValues, state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuLinkAddData(MemorySegment state, int type, MemorySegment data, long size, MemorySegment name,
                      int numOptions, MemorySegment options, MemorySegment optionValues) {
        try {
            return (int) handle(CuFn.LINK_ADD_DATA).invokeExact(state, type, data, size, name, numOptions, options,
                    optionValues);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuLinkComplete(MemorySegment state, MemorySegment cubinOut, MemorySegment sizeOut) {
        try {
            return (int) handle(CuFn.LINK_COMPLETE).invokeExact(state, cubinOut, sizeOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuLinkDestroy(MemorySegment state) {
        try {
            return (int) handle(CuFn.LINK_DESTROY).invokeExact(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleLoadDataEx(MemorySegment module, MemorySegment image, int numOptions, MemorySegment options,
                           MemorySegment optionValues) {
        try {
            return (int) handle(CuFn.MODULE_LOAD_DATA_EX).invokeExact(module, image, numOptions, options,
                    optionValues);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleGetFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
        try {
            return (int) handle(CuFn.MODULE_GET_FUNCTION).invokeExact(function, module, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleGetGlobal(MemorySegment devicePtr, MemorySegment bytes, MemorySegment module, MemorySegment name) {
        try {
            return (int) handle(CuFn.MODULE_GET_GLOBAL).invokeExact(devicePtr, bytes, module, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleUnload(MemorySegment module) {
        try {
            return (int) handle(CuFn.MODULE_UNLOAD).invokeExact(module);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuLaunchKernel(MemorySegment function, Dim3 grid, Dim3 block, int sharedMemBytes, MemorySegment stream,
                       MemorySegment kernelParams) {
        try {
            return (int) handle(CuFn.LAUNCH_KERNEL).invokeExact(function, grid.x(), grid.y(), grid.z(), block.x(),
                    block.y(), block.z(), sharedMemBytes, stream, kernelParams, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- streams, events, graphs ----

    int cuStreamCreate(MemorySegment stream, int flags) {
        try {
            return (int) handle(CuFn.STREAM_CREATE).invokeExact(stream, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamDestroy(MemorySegment stream) {
        return callHandle(CuFn.STREAM_DESTROY, stream);
    }

    int cuStreamSynchronize(MemorySegment stream) {
        return callHandle(CuFn.STREAM_SYNCHRONIZE, stream);
    }

    int cuStreamQuery(MemorySegment stream) {
        return callHandle(CuFn.STREAM_QUERY, stream);
    }

    int cuStreamBeginCapture(MemorySegment stream, int mode) {
        try {
            return (int) handle(CuFn.STREAM_BEGIN_CAPTURE).invokeExact(stream, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamEndCapture(MemorySegment stream, MemorySegment graph) {
        return callHandles(CuFn.STREAM_END_CAPTURE, stream, graph);
    }

    int cuEventCreate(MemorySegment event, int flags) {
        try {
            return (int) handle(CuFn.EVENT_CREATE).invokeExact(event, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventRecord(MemorySegment event, MemorySegment stream) {
        return callHandles(CuFn.EVENT_RECORD, event, stream);
    }

    int cuEventSynchronize(MemorySegment event) {
        return callHandle(CuFn.EVENT_SYNCHRONIZE, event);
    }

    int cuEventElapsedTime(MemorySegment millis, MemorySegment start, MemorySegment end) {
        try {
            return (int) handle(CuFn.EVENT_ELAPSED_TIME).invokeExact(millis, start, end);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventDestroy(MemorySegment event) {
        return callHandle(CuFn.EVENT_DESTROY, event);
    }

    int cuGraphInstantiateWithFlags(MemorySegment exec, MemorySegment graph, long flags) {
        try {
            return (int) handle(CuFn.GRAPH_INSTANTIATE).invokeExact(exec, graph, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGraphLaunch(MemorySegment exec, MemorySegment stream) {
        return callHandles(CuFn.GRAPH_LAUNCH, exec, stream);
    }

    int cuGraphExecDestroy(MemorySegment exec) {
        return callHandle(CuFn.GRAPH_EXEC_DESTROY, exec);
    }

    int cuGraphDestroy(MemorySegment graph) {
        return callHandle(CuFn.GRAPH_DESTROY, graph);
    }

    /** Calls a {@code CUresult f(void*)} function. */
    private int callHandle(CuFn fn, MemorySegment a) {
        try {
            return (int) handle(fn).invokeExact(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Calls a {@code CUresult f(void*, void*)} function. */
    private int callHandles(CuFn fn, MemorySegment a, MemorySegment b) {
        try {
            return (int) handle(fn).invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new VyreException("a CUDA downcall threw the checked exception " + t, "report this as a bug", t);
    }
}
