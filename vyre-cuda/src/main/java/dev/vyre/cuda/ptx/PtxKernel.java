package dev.vyre.cuda.ptx;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.List;
import java.util.Objects;

/**
 * One kernel lowered from a VIR0 program, with its parameter ABI (docs/PTX-EMITTER.md).
 *
 * <p>Launch: block = the program's workgroup size (the entry declares it with {@code .reqntid}, so any other block
 * shape fails to launch), grid = the dispatch, no dynamic shared memory. Parameters, in order: for each
 * non-{@code Workgroup} buffer in declaration order a {@code .u64} device pointer and a {@code .u32} element count
 * (see {@link #elementCount}); then one {@code .u64} pointer to {@link #OOB_COUNTER_BYTES} bytes of device memory,
 * two u32 words that the kernel increments atomically: word {@link #OOB_LOADS_WORD} per out-of-bounds load and
 * word {@link #OOB_STORES_WORD} per dropped out-of-bounds store or atomic. The host zeroes the counters and every
 * {@code WriteOnly} buffer before the launch (the reference interpreter reads 0 where a WriteOnly buffer was not
 * written).
 *
 * @param ptx           the whole module: {@link PtxTarget#header()}, {@link #functions}, {@link #entry}
 * @param entry         the {@code .visible .entry} definition alone, to combine several kernels in one module
 *                      (after the {@link PtxEmitter#emitSupport} text of all of them, placed once)
 * @param functions     the module-scope definitions the entry calls (fdlibm functions, see {@link FdlibmPtx}),
 *                      empty when it calls none
 * @param entryName     the kernel's name, for {@code cuModuleGetFunction}
 * @param params        the kernel parameters in order
 * @param workgroupSize the block shape the kernel must be launched with
 */
public record PtxKernel(String ptx, String entry, String functions, String entryName, List<Param> params,
                        Program.WorkgroupSize workgroupSize) {
    /** Bytes of the out-of-bounds counter block: two little-endian u32 words. */
    public static final int OOB_COUNTER_BYTES = 8;
    /** Index of the u32 word counting out-of-bounds loads. */
    public static final int OOB_LOADS_WORD = 0;
    /** Index of the u32 word counting dropped out-of-bounds stores and atomics. */
    public static final int OOB_STORES_WORD = 1;

    public PtxKernel {
        Objects.requireNonNull(ptx, "ptx");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(functions, "functions");
        Objects.requireNonNull(entryName, "entryName");
        params = List.copyOf(params);
        Objects.requireNonNull(workgroupSize, "workgroupSize");
    }

    /** What a kernel parameter carries. */
    public enum ParamKind {
        /** {@code .u64}: the device address of a buffer's first element. */
        BUFFER_POINTER,
        /** {@code .u32}: the number of elements of the buffer that the program sees. */
        ELEMENT_COUNT,
        /** {@code .u64}: the device address of the out-of-bounds counter block. */
        OOB_COUNTERS
    }

    /**
     * One kernel parameter.
     *
     * @param ptxName the parameter's name in the PTX text
     * @param ptxType {@code .u64} or {@code .u32}
     * @param kind    what it carries
     * @param buffer  the buffer it belongs to, or null for {@link ParamKind#OOB_COUNTERS}
     */
    public record Param(String ptxName, String ptxType, ParamKind kind, String buffer) {
    }

    /** The names of the bound (non-Workgroup) buffers in parameter order. */
    public List<String> boundBuffers() {
        return params.stream().filter(p -> p.kind() == ParamKind.BUFFER_POINTER).map(Param::buffer).toList();
    }

    /**
     * The element count to pass for {@code buffer} bound to {@code byteSize} bytes: the declared count where the
     * declaration gives one (the memory must hold at least that many elements), else {@code byteSize} divided by
     * the element size. The same rule as the reference interpreter's.
     *
     * @throws PtxEmitException when the memory is too small for the declared count or holds more than 2^32 - 1
     *                          elements
     */
    public static int elementCount(BufferDecl buffer, long byteSize) {
        int elementBytes = ((ScalarType) buffer.elementType()).byteSize();
        long available = byteSize / elementBytes;
        long declared = Integer.toUnsignedLong(buffer.count());
        if (declared > 0 && available < declared) {
            throw new PtxEmitException(null, "buffer '" + buffer.name() + "' declares " + declared + " elements but "
                    + "its memory holds " + available, "bind at least " + declared * elementBytes + " bytes");
        }
        long count = declared > 0 ? declared : available;
        if (count > 0xFFFF_FFFFL) {
            throw new PtxEmitException(null, "buffer '" + buffer.name() + "' of " + count + " elements is larger "
                    + "than a u32 element count", "bind at most 4294967295 elements per buffer");
        }
        return (int) count;
    }
}
