package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The synchronous copies and fills behind {@link DeviceMemory}: range checks in Java (so a bad offset is a typed
 * error, not a driver fault), staging of heap segments through native memory, and a wait on the legacy default
 * stream so that the operation has finished on return.
 */
final class DeviceCopy {
    private DeviceCopy() {
    }

    static void toDevice(CudaContext ctx, DeviceMemory memory, MemorySegment src, long offset) {
        long bytes = src.byteSize();
        checkRange(memory, offset, bytes, "copyFrom");
        if (bytes == 0) {
            return;
        }
        long dst = memory.ptr().address() + offset;
        if (src.isNative()) {
            ctx.check(ctx.api().cuMemcpyHtoD(dst, src, bytes), () -> "cuMemcpyHtoD_v2(" + bytes + " bytes to "
                    + memory + " at offset " + offset + ")");
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staged = arena.allocate(bytes, Long.BYTES).copyFrom(src);
                ctx.check(ctx.api().cuMemcpyHtoD(dst, staged, bytes), () -> "cuMemcpyHtoD_v2(" + bytes
                        + " bytes to " + memory + " at offset " + offset + ")");
            }
        }
        waitForLegacyStream(ctx, memory);
    }

    static void toHost(CudaContext ctx, DeviceMemory memory, MemorySegment dst, long offset) {
        long bytes = dst.byteSize();
        checkRange(memory, offset, bytes, "copyTo");
        if (dst.isReadOnly()) {
            throw new CudaUsageException("copyTo(" + memory + ") got a read-only host segment",
                    "pass a writable segment");
        }
        if (bytes == 0) {
            return;
        }
        long src = memory.ptr().address() + offset;
        if (dst.isNative()) {
            ctx.check(ctx.api().cuMemcpyDtoH(dst, src, bytes), () -> "cuMemcpyDtoH_v2(" + bytes + " bytes from "
                    + memory + " at offset " + offset + ")");
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staged = arena.allocate(bytes, Long.BYTES);
                ctx.check(ctx.api().cuMemcpyDtoH(staged, src, bytes), () -> "cuMemcpyDtoH_v2(" + bytes
                        + " bytes from " + memory + " at offset " + offset + ")");
                dst.copyFrom(staged);
            }
        }
    }

    static void fill32(CudaContext ctx, DeviceMemory memory, int value, long offset, long count) {
        if (offset % Integer.BYTES != 0 || count < 0 || count > Long.MAX_VALUE / Integer.BYTES) {
            throw new CudaUsageException("memsetD32 on " + memory + " at offset " + offset + " for " + count
                    + " words: the offset must be a multiple of 4 and the count non-negative",
                    "align the offset to 4 bytes");
        }
        checkRange(memory, offset, count * Integer.BYTES, "memsetD32");
        if (count == 0) {
            return;
        }
        ctx.check(ctx.api().cuMemsetD32(memory.ptr().address() + offset, value, count),
                () -> "cuMemsetD32_v2(" + count + " words of " + memory + " at offset " + offset + ")");
        waitForLegacyStream(ctx, memory);
    }

    static void checkRange(DeviceMemory memory, long offset, long bytes, String what) {
        if (offset < 0 || bytes < 0 || offset > memory.byteSize() - bytes) {
            throw new CudaUsageException(what + " of " + bytes + " bytes at offset " + offset + " does not fit in "
                    + memory + " (" + memory.byteSize() + " bytes)",
                    "keep offset + length within the device memory's size");
        }
    }

    private static void waitForLegacyStream(CudaContext ctx, DeviceMemory memory) {
        ctx.check(ctx.api().cuStreamSynchronize(MemorySegment.NULL),
                () -> "cuStreamSynchronize(default stream) after writing " + memory);
    }
}
