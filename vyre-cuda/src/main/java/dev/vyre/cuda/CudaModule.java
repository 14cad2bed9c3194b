package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A module loaded into the context ({@code cuModuleLoadDataEx}): PTX JIT-compiled for the device, or a compiled
 * cubin; unloaded on close
 * ({@code cuModuleUnload}). Its functions and globals are valid while it is open.
 */
public final class CudaModule extends CudaResource {
    /** {@code CU_JIT_INFO_LOG_BUFFER}. */
    static final int JIT_INFO_LOG_BUFFER = 3;
    /** {@code CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES}. */
    static final int JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    /** {@code CU_JIT_ERROR_LOG_BUFFER}. */
    static final int JIT_ERROR_LOG_BUFFER = 5;
    /** {@code CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES}. */
    static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    /** Size given to the JIT for each log buffer; one more byte keeps a terminating NUL. */
    static final int JIT_LOG_BYTES = 16 * 1024;

    private final MemorySegment handle;
    private final String infoLog;
    private final String what;

    private CudaModule(CudaContext context, MemorySegment handle, String infoLog, String what) {
        super(context);
        this.handle = handle;
        this.infoLog = infoLog;
        this.what = what;
    }

    static CudaModule load(CudaContext ctx, String ptx) {
        if (ptx.indexOf('\0') >= 0) {
            throw new CudaUsageException("the PTX text holds a NUL character at index " + ptx.indexOf('\0'),
                    "pass PTX source text without NUL characters");
        }
        try (Arena arena = Arena.ofConfined()) {
            return loadData(ctx, arena.allocateFrom(ptx), "PTX module of " + ptx.length() + " chars");
        }
    }

    /** Loads a compiled image (a cubin from {@link CudaContext#compilePtx}) with no JIT. */
    static CudaModule loadImage(CudaContext ctx, byte[] image) {
        if (image.length == 0) {
            throw new CudaUsageException("the module image is empty", "pass the bytes of a cubin");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(image.length, 8);
            MemorySegment.copy(image, 0, copy, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, image.length);
            return loadData(ctx, copy, "cubin of " + image.length + " bytes");
        }
    }

    private static CudaModule loadData(CudaContext ctx, MemorySegment image, String what) {
        try (Arena arena = Arena.ofConfined()) {
            JitLogs logs = JitLogs.allocate(arena);
            MemorySegment out = arena.allocate(CTypes.PTR);
            int rc = ctx.api().cuModuleLoadDataEx(out, image, JitLogs.COUNT, logs.options(), logs.values());
            if (rc != CuResult.SUCCESS) {
                throw ctx.failure(rc, "cuModuleLoadDataEx(" + what + ") on device " + ctx.ordinal(), logs.error());
            }
            return new CudaModule(ctx, out.get(CTypes.PTR, 0), logs.info(), what);
        }
    }

    /** The JIT's info and error log buffers and the option arrays that pass them to the driver. */
    record JitLogs(MemorySegment infoBuffer, MemorySegment errorLog, MemorySegment options, MemorySegment values) {
        /** Options passed. */
        static final int COUNT = 4;

        static JitLogs allocate(Arena arena) {
            MemorySegment info = arena.allocate(JIT_LOG_BYTES + 1L);
            MemorySegment error = arena.allocate(JIT_LOG_BYTES + 1L);
            MemorySegment options = arena.allocateFrom(CTypes.INT, JIT_INFO_LOG_BUFFER,
                    JIT_INFO_LOG_BUFFER_SIZE_BYTES, JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            // optionValues is void*[]: buffers as pointers, sizes as the pointer-sized integer itself.
            MemorySegment values = arena.allocate(CTypes.PTR, COUNT);
            values.setAtIndex(CTypes.PTR, 0, info);
            values.setAtIndex(CTypes.LONG, 1, JIT_LOG_BYTES);
            values.setAtIndex(CTypes.PTR, 2, error);
            values.setAtIndex(CTypes.LONG, 3, JIT_LOG_BYTES);
            return new JitLogs(info, error, options, values);
        }

        String info() {
            return infoBuffer.getString(0).strip();
        }

        String error() {
            return errorLog.getString(0);
        }
    }

    /** What the JIT compiler reported while loading (often empty). */
    public String infoLog() {
        return infoLog;
    }

    /**
     * The kernel {@code name} ({@code cuModuleGetFunction}); it is valid while this module is open.
     *
     * @throws CudaException {@code CUDA_ERROR_NOT_FOUND} when the module has no such {@code .entry}
     */
    public CudaFunction function(String name) {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CTypes.PTR);
            context().check(context().api().cuModuleGetFunction(out, handle, arena.allocateFrom(name)),
                    () -> "cuModuleGetFunction(\"" + name + "\") in " + describe());
            return new CudaFunction(this, name, out.get(CTypes.PTR, 0));
        }
    }

    /**
     * The module variable {@code name} ({@code cuModuleGetGlobal_v2}).
     *
     * @throws CudaException {@code CUDA_ERROR_NOT_FOUND} when the module has no such {@code .global}
     */
    public ModuleGlobal global(String name) {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ptr = arena.allocate(CTypes.LONG);
            MemorySegment bytes = arena.allocate(CTypes.LONG);
            context().check(context().api().cuModuleGetGlobal(ptr, bytes, handle, arena.allocateFrom(name)),
                    () -> "cuModuleGetGlobal_v2(\"" + name + "\") in " + describe());
            return new ModuleGlobal(this, name, new DevicePtr(ptr.get(CTypes.LONG, 0)), bytes.get(CTypes.LONG, 0));
        }
    }

    @Override
    void release() {
        context().checkRelease(context().api().cuModuleUnload(handle), () -> "cuModuleUnload(" + describe() + ")");
    }

    @Override
    String describe() {
        return "CudaModule(" + what + " on device " + context().ordinal() + ")";
    }
}
