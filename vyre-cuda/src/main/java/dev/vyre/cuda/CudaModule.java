package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A PTX module JIT-compiled for the context's device ({@code cuModuleLoadDataEx}); unloaded on close
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
    private final int ptxChars;

    private CudaModule(CudaContext context, MemorySegment handle, String infoLog, int ptxChars) {
        super(context);
        this.handle = handle;
        this.infoLog = infoLog;
        this.ptxChars = ptxChars;
    }

    static CudaModule load(CudaContext ctx, String ptx) {
        if (ptx.indexOf('\0') >= 0) {
            throw new CudaUsageException("the PTX text holds a NUL character at index " + ptx.indexOf('\0'),
                    "pass PTX source text without NUL characters");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = arena.allocateFrom(ptx);
            MemorySegment info = arena.allocate(JIT_LOG_BYTES + 1L);
            MemorySegment error = arena.allocate(JIT_LOG_BYTES + 1L);
            MemorySegment options = arena.allocateFrom(CTypes.INT, JIT_INFO_LOG_BUFFER,
                    JIT_INFO_LOG_BUFFER_SIZE_BYTES, JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            // optionValues is void*[]: buffers as pointers, sizes as the pointer-sized integer itself.
            MemorySegment values = arena.allocate(CTypes.PTR, 4);
            values.setAtIndex(CTypes.PTR, 0, info);
            values.setAtIndex(CTypes.LONG, 1, JIT_LOG_BYTES);
            values.setAtIndex(CTypes.PTR, 2, error);
            values.setAtIndex(CTypes.LONG, 3, JIT_LOG_BYTES);
            MemorySegment out = arena.allocate(CTypes.PTR);
            int rc = ctx.api().cuModuleLoadDataEx(out, image, 4, options, values);
            if (rc != CuResult.SUCCESS) {
                throw ctx.failure(rc, "cuModuleLoadDataEx(PTX module of " + ptx.length() + " chars) on device "
                        + ctx.ordinal(), error.getString(0));
            }
            return new CudaModule(ctx, out.get(CTypes.PTR, 0), info.getString(0).strip(), ptx.length());
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
        return "CudaModule(PTX of " + ptxChars + " chars on device " + context().ordinal() + ")";
    }
}
