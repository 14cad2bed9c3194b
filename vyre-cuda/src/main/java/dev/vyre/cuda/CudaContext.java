package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * The primary context of one CUDA device, retained while this object is open, and the owner of everything created
 * through it (buffers, modules, streams, events, graphs).
 *
 * <p>Threads: the driver's current context is per thread, and FFM downcalls run on whatever thread calls them, so
 * every operation here and on the owned resources first makes this context current on the calling thread
 * ({@code cuCtxSetCurrent}). Any thread may use a context and its resources.
 *
 * <p>Closing: {@link #close()} closes the resources it still owns, newest first, then releases the primary
 * context. After a sticky error (a kernel fault; see {@link CudaException#isSticky()}) the context is poisoned:
 * every later call fails and freeing errors are ignored while closing. Every {@code CudaContext} of one device
 * shares the driver's primary context, so a fault poisons all of them; with the CUDA 13 driver (580) a new
 * {@link #open} in the same process fails too (even after {@code cuDevicePrimaryCtxReset}), so the process must be
 * restarted to use the GPU again.
 */
public final class CudaContext implements AutoCloseable {
    /** {@code CU_STREAM_NON_BLOCKING}: created streams never wait for the legacy default stream. */
    static final int STREAM_NON_BLOCKING = 0x1;
    /** {@code CU_EVENT_DEFAULT}: events record timing. */
    static final int EVENT_DEFAULT = 0x0;

    private final LibCuda api;
    private final int ordinal;
    private final int device;
    private final MemorySegment handle;
    private final LinkedHashSet<CudaResource> owned = new LinkedHashSet<>();
    private volatile boolean closed;
    private volatile boolean poisoned;

    private CudaContext(LibCuda api, int ordinal, int device, MemorySegment handle) {
        this.api = api;
        this.ordinal = ordinal;
        this.device = device;
        this.handle = handle;
    }

    /**
     * Retains the primary context of device {@code ordinal}.
     *
     * @throws CudaUnavailableException when there is no driver or no device
     * @throws CudaException            when the ordinal is out of range or the driver refuses
     */
    public static CudaContext open(int ordinal) {
        return open(CudaDriver.api(), ordinal);
    }

    /** Opens a context through {@code api} (an initialised driver binding). */
    static CudaContext open(LibCuda api, int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(CTypes.INT);
            int rc = api.cuDeviceGetCount(count);
            if (rc != CuResult.SUCCESS) {
                throw api.error("cuDeviceGetCount", rc, "");
            }
            int devices = count.get(CTypes.INT, 0);
            if (ordinal < 0 || ordinal >= devices) {
                throw new CudaUsageException("CUDA device ordinal " + ordinal + " is out of range: the driver "
                        + "reports " + devices + " device(s)", "open an ordinal from 0 to " + (devices - 1)
                        + " (CudaDriver.probe() lists them; CUDA_VISIBLE_DEVICES may hide some)");
            }
            MemorySegment dev = arena.allocate(CTypes.INT);
            rc = api.cuDeviceGet(dev, ordinal);
            if (rc != CuResult.SUCCESS) {
                throw api.error("cuDeviceGet(ordinal " + ordinal + ")", rc, "");
            }
            int device = dev.get(CTypes.INT, 0);
            MemorySegment ctx = arena.allocate(CTypes.PTR);
            rc = api.cuDevicePrimaryCtxRetain(ctx, device);
            if (rc != CuResult.SUCCESS) {
                throw api.error("cuDevicePrimaryCtxRetain(device " + ordinal + ")", rc, "");
            }
            CudaContext context = new CudaContext(api, ordinal, device, ctx.get(CTypes.PTR, 0));
            context.enter();
            return context;
        }
    }

    /** The device ordinal this context runs on. */
    public int ordinal() {
        return ordinal;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Whether a sticky error poisoned this context; it must then be closed and opened again. */
    public boolean isPoisoned() {
        return poisoned;
    }

    /** How many resources this context still owns (closed ones are not counted). */
    public synchronized int openResourceCount() {
        return owned.size();
    }

    /**
     * Allocates device memory ({@code cuMemAlloc_v2}); its contents are undefined until written.
     *
     * @param bytes size, at least 1
     */
    public DeviceBuffer allocate(long bytes) {
        requirePositive(bytes, "device buffer");
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.LONG);
            check(api.cuMemAlloc(out, bytes), () -> "cuMemAlloc_v2(" + bytes + " bytes) on device " + ordinal);
            return adopt(new DeviceBuffer(this, new DevicePtr(out.get(CTypes.LONG, 0)), bytes));
        }
    }

    /**
     * Allocates page-locked host memory mapped into the device's address space ({@code cuMemHostAlloc} with
     * {@code CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP}).
     *
     * @param bytes size, at least 1
     */
    public PinnedBuffer allocatePinned(long bytes) {
        requirePositive(bytes, "pinned buffer");
        enter();
        return adopt(PinnedBuffer.allocate(this, bytes));
    }

    /**
     * Page-locks {@code memory} (host memory this caller owns, e.g. a shared file mapping) and maps it into the
     * device's address space in place ({@code cuMemHostRegister_v2} with {@code PORTABLE | DEVICEMAP}); kernels
     * reach it through the returned buffer's {@link PinnedBuffer#devicePtr()}. Closing the buffer (or this context)
     * unregisters it; the memory stays the caller's. Page-aligned memory whose size is a multiple of a page is what
     * every driver accepts.
     *
     * @throws CudaException when the driver refuses (memory already registered, or not pinnable)
     */
    public PinnedBuffer registerHost(MemorySegment memory) {
        if (memory == null || memory.byteSize() < 1 || memory.isReadOnly() || !memory.isNative()) {
            throw new CudaUsageException("cannot register " + memory + " with the driver", "pass native, writable"
                    + " host memory of at least 1 byte, e.g. a page-aligned file mapping");
        }
        enter();
        return adopt(PinnedBuffer.register(this, memory));
    }

    /**
     * JIT-compiles and loads a PTX module ({@code cuModuleLoadDataEx} with info and error log buffers).
     *
     * @throws CudaException with the JIT error log when the PTX does not compile for this device
     */
    public CudaModule loadPtx(String ptx) {
        enter();
        return adopt(CudaModule.load(this, ptx));
    }

    /**
     * JIT-compiles PTX to a cubin for this context's device ({@code cuLinkCreate_v2}, {@code cuLinkAddData_v2} with
     * {@code CU_JIT_INPUT_PTX}, {@code cuLinkComplete}; the image is copied before {@code cuLinkDestroy}) and
     * measures the compilation. Load it with {@link #loadCubin}, now or in a later process with the same device
     * and driver.
     *
     * @throws CudaException with the JIT error log when the PTX does not compile for this device
     */
    public CubinImage compilePtx(String ptx) {
        enter();
        return CudaLinker.compile(this, ptx);
    }

    /**
     * Loads a cubin ({@code cuModuleLoadDataEx} of the image): no PTX JIT runs.
     *
     * @throws CudaException when the driver refuses the image (another architecture, a newer format, corrupt bytes)
     */
    public CudaModule loadCubin(byte[] cubin) {
        enter();
        return adopt(CudaModule.loadImage(this, cubin));
    }

    /** Creates a stream that does not synchronise with the legacy default stream ({@code CU_STREAM_NON_BLOCKING}). */
    public CudaStream createStream() {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.PTR);
            check(api.cuStreamCreate(out, STREAM_NON_BLOCKING), () -> "cuStreamCreate on device " + ordinal);
            return adopt(new CudaStream(this, out.get(CTypes.PTR, 0)));
        }
    }

    /** Creates an event that records timing ({@code cuEventCreate}, {@code CU_EVENT_DEFAULT}). */
    public CudaEvent createEvent() {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.PTR);
            check(api.cuEventCreate(out, EVENT_DEFAULT), () -> "cuEventCreate on device " + ordinal);
            return adopt(new CudaEvent(this, out.get(CTypes.PTR, 0)));
        }
    }

    /** Waits until all work of this context finished ({@code cuCtxSynchronize}). */
    public void synchronize() {
        enter();
        check(api.cuCtxSynchronize(), () -> "cuCtxSynchronize on device " + ordinal);
    }

    /** Free and total device memory as the driver sees it ({@code cuMemGetInfo_v2}). */
    public MemInfo memInfo() {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(CTypes.LONG);
            MemorySegment total = arena.allocate(CTypes.LONG);
            check(api.cuMemGetInfo(free, total), () -> "cuMemGetInfo_v2 on device " + ordinal);
            return new MemInfo(free.get(CTypes.LONG, 0), total.get(CTypes.LONG, 0));
        }
    }

    /**
     * Device memory as reported by {@code cuMemGetInfo_v2}.
     *
     * @param freeBytes  free device memory
     * @param totalBytes total device memory
     */
    public record MemInfo(long freeBytes, long totalBytes) {
    }

    /**
     * Closes every resource this context still owns, newest first, then releases the primary context. Idempotent.
     * When the context is poisoned, freeing errors are expected and ignored.
     *
     * @throws CudaException the first failure to free something of a healthy context (after freeing the rest)
     */
    @Override
    public void close() {
        List<CudaResource> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(owned);
            owned.clear();
        }
        RuntimeException failure = null;
        setCurrent();
        for (CudaResource resource : toClose.reversed()) {
            try {
                resource.closeFromContext();
            } catch (RuntimeException e) {
                failure = addFailure(failure, e);
            }
        }
        int rc = api.cuDevicePrimaryCtxRelease(device);
        if (rc != CuResult.SUCCESS && !poisoned) {
            failure = addFailure(failure, api.error("cuDevicePrimaryCtxRelease(device " + ordinal + ")", rc, ""));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException addFailure(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "CudaContext(device " + ordinal + (closed ? ", closed" : "") + (poisoned ? ", poisoned" : "") + ")";
    }

    // ---- package-private plumbing for the resources ----

    LibCuda api() {
        return api;
    }

    /** Makes this context current on the calling thread, or fails when it is closed. */
    void enter() {
        if (closed) {
            throw new CudaUsageException(this + " is closed",
                    "open a new CudaContext; resources do not outlive the context that made them");
        }
        setCurrent();
    }

    private void setCurrent() {
        check(api.cuCtxSetCurrent(handle), () -> "cuCtxSetCurrent(device " + ordinal + ")");
    }

    /** Throws {@link CudaException} for a failed call, marking the context poisoned on a sticky error. */
    void check(int rc, Supplier<String> operation) {
        if (rc != CuResult.SUCCESS) {
            throw failure(rc, operation.get(), "");
        }
    }

    /** The exception for a failed call, marking the context poisoned on a sticky error. */
    CudaException failure(int rc, String operation, String jitLog) {
        if (CuResult.isSticky(rc)) {
            poisoned = true;
        }
        return api.error(operation, rc, jitLog);
    }

    /** Like {@link #check} for a call that frees something: ignored once the context is poisoned. */
    void checkRelease(int rc, Supplier<String> operation) {
        if (rc != CuResult.SUCCESS && !poisoned && !CuResult.isSticky(rc)) {
            throw failure(rc, operation.get(), "");
        }
        if (CuResult.isSticky(rc)) {
            poisoned = true;
        }
    }

    /** Takes ownership of a newly created resource. */
    synchronized <R extends CudaResource> R adopt(R resource) {
        if (closed) {
            resource.closeFromContext();
            throw new CudaUsageException(this + " was closed while " + resource.describe() + " was being created",
                    "do not close a CudaContext while other threads still create resources on it");
        }
        owned.add(resource);
        return resource;
    }

    synchronized void forget(CudaResource resource) {
        owned.remove(resource);
    }

    private static void requirePositive(long bytes, String what) {
        if (bytes < 1) {
            throw new CudaUsageException("a " + what + " of " + bytes + " bytes was requested",
                    "allocate at least 1 byte");
        }
    }
}
