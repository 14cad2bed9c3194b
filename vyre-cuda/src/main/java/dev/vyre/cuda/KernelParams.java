package dev.vyre.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Packs kernel arguments into the {@code void** kernelParams} array that {@code cuLaunchKernel} reads: one block
 * holding {@code n} pointers followed by {@code n} value slots, pointer {@code i} addressing slot {@code i}. The
 * driver copies the values during the launch call, so the block may be freed when it returns.
 *
 * <p>Accepted arguments: {@link Integer} (a 32-bit {@code .u32/.s32/.b32} parameter), {@link Long} (64-bit),
 * {@link Float} ({@code .f32}), {@link DevicePtr} (a 64-bit address).
 */
final class KernelParams {
    /** Each value slot: 8 bytes, 8-aligned, enough for any accepted argument. */
    static final long SLOT_BYTES = Long.BYTES;
    /** One entry of the pointer array. */
    static final long POINTER_BYTES = CTypes.PTR.byteSize();

    private KernelParams() {
    }

    /**
     * The packed {@code kernelParams} for {@code params}, allocated in {@code arena}; {@link MemorySegment#NULL}
     * for a kernel without parameters.
     */
    static MemorySegment pack(Arena arena, Object... params) {
        int n = params.length;
        if (n == 0) {
            return MemorySegment.NULL;
        }
        MemorySegment block = arena.allocate(n * (POINTER_BYTES + SLOT_BYTES), SLOT_BYTES);
        long values = n * POINTER_BYTES;
        for (int i = 0; i < n; i++) {
            MemorySegment slot = block.asSlice(values + i * SLOT_BYTES, SLOT_BYTES);
            switch (params[i]) {
                case Integer v -> slot.set(CTypes.INT, 0, v);
                case Long v -> slot.set(CTypes.LONG, 0, v);
                case Float v -> slot.set(CTypes.FLOAT, 0, v);
                case DevicePtr p -> slot.set(CTypes.LONG, 0, p.address());
                case null -> throw badParam(i, "null");
                default -> throw badParam(i, params[i].getClass().getName());
            }
            block.setAtIndex(CTypes.PTR, i, slot);
        }
        return block;
    }

    private static CudaUsageException badParam(int index, String type) {
        return new CudaUsageException("kernel parameter " + index + " is a " + type
                + ", which cannot be passed to a kernel",
                "pass Integer (32-bit), Long (64-bit), Float (f32) or DevicePtr (buffer.ptr(), pinned.devicePtr())");
    }
}
