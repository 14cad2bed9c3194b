package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** PTX to cubin through the driver's linker: {@code cuLinkCreate}, {@code cuLinkAddData}, {@code cuLinkComplete}. */
final class CudaLinker {
    /** {@code CU_JIT_INPUT_PTX}. */
    static final int JIT_INPUT_PTX = 1;
    /** Name the PTX input carries in the JIT's logs. */
    static final String INPUT_NAME = "vyre.ptx";

    private CudaLinker() {
    }

    static CubinImage compile(CudaContext ctx, String ptx) {
        if (ptx.indexOf('\0') >= 0) {
            throw new CudaUsageException("the PTX text holds a NUL character at index " + ptx.indexOf('\0'),
                    "pass PTX source text without NUL characters");
        }
        try (Arena arena = Arena.ofConfined()) {
            CudaModule.JitLogs logs = CudaModule.JitLogs.allocate(arena);
            MemorySegment stateOut = arena.allocate(CTypes.PTR);
            int rc = ctx.api().cuLinkCreate(CudaModule.JitLogs.COUNT, logs.options(), logs.values(), stateOut);
            if (rc != CuResult.SUCCESS) {
                throw ctx.failure(rc, "cuLinkCreate_v2 on device " + ctx.ordinal(), logs.error());
            }
            MemorySegment state = stateOut.get(CTypes.PTR, 0);
            try {
                MemorySegment image = arena.allocateFrom(ptx);
                long start = System.nanoTime();
                rc = ctx.api().cuLinkAddData(state, JIT_INPUT_PTX, image, image.byteSize(),
                        arena.allocateFrom(INPUT_NAME), 0, MemorySegment.NULL, MemorySegment.NULL);
                if (rc != CuResult.SUCCESS) {
                    throw ctx.failure(rc, "cuLinkAddData_v2(PTX of " + ptx.length() + " chars) on device "
                            + ctx.ordinal(), logs.error());
                }
                MemorySegment cubinOut = arena.allocate(CTypes.PTR);
                MemorySegment sizeOut = arena.allocate(CTypes.LONG);
                rc = ctx.api().cuLinkComplete(state, cubinOut, sizeOut);
                if (rc != CuResult.SUCCESS) {
                    throw ctx.failure(rc, "cuLinkComplete(PTX of " + ptx.length() + " chars) on device "
                            + ctx.ordinal(), logs.error());
                }
                long jit = System.nanoTime() - start;
                long size = sizeOut.get(CTypes.LONG, 0);
                if (size < 1 || size > Integer.MAX_VALUE) {
                    throw new CudaUsageException("cuLinkComplete returned a cubin of " + size + " bytes",
                            "report this as a bug with the driver version (vyre info)");
                }
                // the image belongs to the link state: copy it before cuLinkDestroy
                byte[] cubin = cubinOut.get(CTypes.PTR, 0).reinterpret(size).toArray(ValueLayout.JAVA_BYTE);
                return new CubinImage(cubin, jit, logs.info());
            } finally {
                ctx.checkRelease(ctx.api().cuLinkDestroy(state), () -> "cuLinkDestroy on device " + ctx.ordinal());
            }
        }
    }
}
