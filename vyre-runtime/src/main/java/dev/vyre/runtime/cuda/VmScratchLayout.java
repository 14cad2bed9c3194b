package dev.vyre.runtime.cuda;

import dev.vyre.vm.VmImageLayout;

/**
 * The device-memory scratch of the bytecode interpreter ({@link VmPtx}): one area of {@link #WARP_BYTES} per
 * worker warp, allocated by the backend at start (docs/MEGAKERNEL-CUDA.md, "The device VIR0 interpreter"). Only
 * the warp that owns an area reads and writes it.
 * <pre>
 * KEY          16 B    program index, its STATE word (READY | generation) of the cached image, cached words
 * DESCRIPTORS  256 B   per buffer slot: address (u64), element count, kind (KIND_BYTES | KIND_BOOL)
 * WORKGROUP    16 KiB  the running workgroup's Workgroup buffers
 * REGISTERS    16 KiB  register r of lane l at (r * 32 + l) * 4: a warp's access to one register is one line
 * IMAGE        the image's first CACHE_WORDS words (header, declarations, CACHE_INSTRUCTIONS instructions)
 * </pre>
 */
public final class VmScratchLayout {
    /** Byte offset of the cache key: the program index. */
    public static final int KEY_PROGRAM = 0;
    /** Byte offset of the cache key: the program entry's STATE word when the image was copied (0: none). */
    public static final int KEY_STATE = 4;
    /** Byte offset of the number of image words in the cache. */
    public static final int KEY_WORDS = 8;
    /** Byte offset of slot 0's descriptor. */
    public static final int DESCRIPTORS = 16;
    /** Bytes per descriptor: address (u64), count (u32), kind (u32). */
    public static final int DESCRIPTOR_BYTES = 16;
    /** Descriptor field offsets. */
    public static final int D_ADDRESS = 0;
    public static final int D_COUNT = 8;
    public static final int D_KIND = 12;
    /** Kind bit: elements are bytes (the Bytes type); otherwise 32-bit words. */
    public static final int KIND_BYTES = 1;
    /** Kind bit: a loaded element is a Bool (non-zero loads as 1). */
    public static final int KIND_BOOL = 2;
    /** Byte offset of the Workgroup memory. */
    public static final int WORKGROUP = 512;
    /** Byte offset of the register file. */
    public static final int REGISTERS = WORKGROUP + VmImageLayout.MAX_WORKGROUP_BYTES;
    /** Bytes of one register row (32 lanes of one word). */
    public static final int REGISTER_ROW_BYTES = VmImageLayout.WAVE_SIZE * 4;
    /** Byte offset of the image cache. */
    public static final int IMAGE = REGISTERS + VmImageLayout.MAX_REGISTERS * REGISTER_ROW_BYTES;
    /** Instructions the cache holds; the ones past it are fetched from the registered image (host memory). */
    public static final int CACHE_INSTRUCTIONS = 2048;
    /** Image words the cache holds: the largest header and declarations, then CACHE_INSTRUCTIONS instructions. */
    public static final int CACHE_WORDS = VmImageLayout.HEADER_WORDS
            + VmImageLayout.MAX_BUFFERS * VmImageLayout.BUFFER_WORDS
            + CACHE_INSTRUCTIONS * VmImageLayout.INSTRUCTION_WORDS;
    /** Bytes per warp, a multiple of 128 (one line). */
    public static final int WARP_BYTES = (IMAGE + CACHE_WORDS * 4 + 127) / 128 * 128;

    private VmScratchLayout() {
    }
}
