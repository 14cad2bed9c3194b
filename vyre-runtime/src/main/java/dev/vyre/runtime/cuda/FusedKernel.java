package dev.vyre.runtime.cuda;

import dev.vyre.cuda.CudaContext;
import dev.vyre.cuda.CudaFunction;
import dev.vyre.cuda.CudaModule;
import dev.vyre.cuda.CudaStream;
import dev.vyre.cuda.DeviceBuffer;
import dev.vyre.cuda.Dim3;
import dev.vyre.cuda.ptx.PtxEmitter;
import dev.vyre.cuda.ptx.PtxKernel;
import dev.vyre.cuda.ptx.PtxTarget;
import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Program;
import dev.vyre.ir.interp.Dispatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled-and-launched path of a VIR0 program ("cuda-fused"): {@link PtxEmitter#emitKernel} lowers it to a
 * kernel of its own, the driver JIT-compiles it ({@code cuModuleLoadData}), and each {@link #run} uploads the
 * buffers, launches one thread per invocation on a stream of its own and copies them back. Do not use it while a
 * megakernel runs in the same process: loading and unloading a module, {@code cuMemAlloc} and {@code cuMemFree}
 * may synchronise the device, which a resident kernel never lets finish (that is the point of VM_EXEC, the
 * interpreted path, {@link VmPtx}).
 */
public final class FusedKernel implements AutoCloseable {
    private static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT;

    private final CudaContext context;
    private final Program program;
    private final PtxKernel kernel;
    private final CudaModule module;
    private final CudaFunction function;
    private final CudaStream stream;
    private final long emitNanos;
    private final long loadNanos;

    /** Out-of-bounds counts of one run. */
    public record Counts(long outOfBoundsLoads, long outOfBoundsStores) {
    }

    private FusedKernel(CudaContext context, Program program, PtxKernel kernel, CudaModule module, long emitNanos,
                        long loadNanos) {
        this.context = context;
        this.program = program;
        this.kernel = kernel;
        this.module = module;
        this.function = module.function(kernel.entryName());
        this.stream = context.createStream();
        this.emitNanos = emitNanos;
        this.loadNanos = loadNanos;
    }

    /** The kernel's entry name (the emitter reserves the {@code vyre_} prefix for its own names). */
    public static final String ENTRY = "fused_program";

    /**
     * Emits {@code program} for the device of {@code context} (compute capability {@code major.minor}) and loads
     * it (the driver's PTX JIT).
     *
     * @throws dev.vyre.cuda.ptx.PtxEmitException for a construct the emitter refuses (IndirectDispatch, ...)
     */
    public static FusedKernel compile(CudaContext context, Program program, int major, int minor) {
        long start = System.nanoTime();
        PtxKernel k = PtxEmitter.emitKernel(program, ENTRY, PtxTarget.forDevice(major, minor));
        long emitted = System.nanoTime();
        CudaModule m = context.loadPtx(k.ptx());
        long loaded = System.nanoTime();
        return new FusedKernel(context, program, k, m, emitted - start, loaded - emitted);
    }

    /** Nanoseconds of {@link PtxEmitter#emitKernel}. */
    public long emitNanos() {
        return emitNanos;
    }

    /** Nanoseconds of the module load (the PTX JIT). */
    public long loadNanos() {
        return loadNanos;
    }

    /**
     * Runs the kernel over {@code grid} on copies of {@code buffers} (by name; WriteOnly ones are zeroed first, as
     * the reference does) and copies the results back into them.
     */
    public Counts run(Dispatch grid, Map<String, MemorySegment> buffers) {
        Map<String, DeviceBuffer> device = new LinkedHashMap<>();
        DeviceBuffer counters = context.allocate(PtxKernel.OOB_COUNTER_BYTES);
        try (Arena arena = Arena.ofConfined()) {
            counters.memsetD32(0, 0, PtxKernel.OOB_COUNTER_BYTES / Integer.BYTES);
            List<Object> params = new ArrayList<>();
            for (PtxKernel.Param param : kernel.params()) {
                switch (param.kind()) {
                    case BUFFER_POINTER -> {
                        MemorySegment seg = buffers.get(param.buffer());
                        BufferDecl decl = program.buffer(param.buffer());
                        DeviceBuffer buf = context.allocate(Math.max(4, seg.byteSize()));
                        device.put(param.buffer(), buf);
                        if (decl.access() == BufferAccess.WRITE_ONLY) {
                            seg.fill((byte) 0);
                        }
                        buf.copyFrom(seg, 0);
                        params.add(buf.ptr());
                    }
                    case ELEMENT_COUNT -> params.add(PtxKernel.elementCount(program.buffer(param.buffer()),
                            buffers.get(param.buffer()).byteSize()));
                    case OOB_COUNTERS -> params.add(counters.ptr());
                }
            }
            Program.WorkgroupSize ws = kernel.workgroupSize();
            function.launch(new Dim3(grid.x(), grid.y(), grid.z()), new Dim3(ws.x(), ws.y(), ws.z()), 0, stream,
                    params.toArray());
            stream.synchronize();
            for (Map.Entry<String, DeviceBuffer> e : device.entrySet()) {
                e.getValue().copyTo(buffers.get(e.getKey()), 0);
            }
            MemorySegment oob = arena.allocate(PtxKernel.OOB_COUNTER_BYTES, 4);
            counters.copyTo(oob, 0);
            return new Counts(Integer.toUnsignedLong(oob.get(WORD, 4L * PtxKernel.OOB_LOADS_WORD)),
                    Integer.toUnsignedLong(oob.get(WORD, 4L * PtxKernel.OOB_STORES_WORD)));
        } finally {
            device.values().forEach(DeviceBuffer::close);
            counters.close();
        }
    }

    /**
     * The kernel bound to buffers that stay on the device ({@code elements} per buffer name): launches without
     * copies, for steady-state throughput.
     */
    public Resident resident(Map<String, DeviceBuffer> buffers, Map<String, Long> elements) {
        DeviceBuffer counters = context.allocate(PtxKernel.OOB_COUNTER_BYTES);
        counters.memsetD32(0, 0, PtxKernel.OOB_COUNTER_BYTES / Integer.BYTES);
        List<Object> params = new ArrayList<>();
        for (PtxKernel.Param param : kernel.params()) {
            switch (param.kind()) {
                case BUFFER_POINTER -> params.add(buffers.get(param.buffer()).ptr());
                case ELEMENT_COUNT -> params.add(PtxKernel.elementCount(program.buffer(param.buffer()),
                        elements.get(param.buffer()) * ((dev.vyre.ir.ScalarType) program.buffer(param.buffer())
                                .elementType()).byteSize()));
                case OOB_COUNTERS -> params.add(counters.ptr());
            }
        }
        return new Resident(params.toArray(), counters);
    }

    /** A launch configuration over device-resident buffers ({@link #resident}). */
    public final class Resident implements AutoCloseable {
        private final Object[] params;
        private final DeviceBuffer counters;

        private Resident(Object[] params, DeviceBuffer counters) {
            this.params = params;
            this.counters = counters;
        }

        /** Launches the kernel over {@code grid} on the kernel's stream; returns without waiting. */
        public void launch(Dispatch grid) {
            Program.WorkgroupSize ws = kernel.workgroupSize();
            function.launch(new Dim3(grid.x(), grid.y(), grid.z()), new Dim3(ws.x(), ws.y(), ws.z()), 0, stream,
                    params);
        }

        /** Waits for every launch so far. */
        public void synchronize() {
            stream.synchronize();
        }

        @Override
        public void close() {
            counters.close();
        }
    }

    @Override
    public void close() {
        stream.close();
        module.close();
    }
}
