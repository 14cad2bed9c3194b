package dev.vyre.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Run in its own JVM by {@link CudaGpuFaultTest}: makes a kernel fault (which poisons this process's CUDA state) and
 * prints what the binding reported, one {@code key=value} per line.
 */
final class GpuFaultChild {
    private GpuFaultChild() {
    }

    public static void main(String[] args) {
        CudaContext ctx = CudaContext.open(0);
        ctx.allocate(1 << 20);
        CudaFunction store = ctx.loadPtx(TestKernels.MODULE).function(TestKernels.STORE_AT_NAME);
        store.launch(Dim3.of(1), Dim3.of(1), 0, null, new DevicePtr(0x10), 5);
        try {
            ctx.synchronize();
            System.out.println("sync=ok");
        } catch (CudaException e) {
            System.out.println("sync=" + e.errorName());
            System.out.println("sticky=" + e.isSticky());
            System.out.println("message=" + e.getMessage().replace('\n', ' '));
        }
        System.out.println("poisoned=" + ctx.isPoisoned());
        try {
            ctx.close();
            System.out.println("close=ok");
        } catch (RuntimeException e) {
            System.out.println("close=" + e);
        }
        try (CudaContext fresh = CudaContext.open(0)) {
            DeviceBuffer buf = fresh.allocate(16);
            buf.memsetD32(3);
            int[] out = new int[4];
            buf.copyTo(MemorySegment.ofArray(out));
            System.out.println("reopen=works " + out[3]);
        } catch (CudaException e) {
            System.out.println("reopen=" + e.errorName() + " sticky=" + e.isSticky());
        }
    }
}
