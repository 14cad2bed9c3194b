package dev.vyre.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binding on a real GPU (device 0). Skips with the probe's reason where there is none. */
@Tag("gpu")
@SuppressWarnings("restricted") // native memory and library access is what this class is for
class CudaGpuTest {
    private static final int THREADS = 256;

    private CudaContext ctx;

    @BeforeEach
    void open() {
        GpuTests.assumeGpu();
        ctx = CudaContext.open(0);
    }

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    private static Dim3 blocksFor(int n) {
        return Dim3.of((n + THREADS - 1) / THREADS);
    }

    @Test
    void contextOpensClosesAndRefusesUseAfterClose() {
        assertEquals(0, ctx.ordinal());
        DeviceBuffer buf = ctx.allocate(256);
        assertEquals(1, ctx.openResourceCount());
        ctx.close();
        assertTrue(ctx.isClosed());
        assertTrue(buf.isClosed());
        ctx.close();
        assertThrows(CudaUsageException.class, () -> ctx.allocate(16));
        assertThrows(CudaUsageException.class, () -> buf.memsetD32(0));
        ctx = CudaContext.open(0);
        assertFalse(ctx.isClosed());
    }

    @Test
    void deviceMemoryRoundTrips() {
        int bytes = 1 << 20;
        byte[] data = new byte[bytes];
        new SplittableRandom(42).nextBytes(data);
        try (Arena arena = Arena.ofConfined()) {
            DeviceBuffer buf = ctx.allocate(bytes);
            MemorySegment src = arena.allocate(bytes).copyFrom(MemorySegment.ofArray(data));
            buf.copyFrom(src);
            MemorySegment back = arena.allocate(bytes);
            buf.copyTo(back);
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));

            byte[] heapBack = new byte[4096];
            buf.copyTo(MemorySegment.ofArray(heapBack), bytes - 4096);
            assertArrayEquals(Arrays.copyOfRange(data, bytes - 4096, bytes), heapBack);

            buf.copyFrom(MemorySegment.ofArray(new byte[]{1, 2, 3}), 5);
            byte[] head = new byte[10];
            buf.copyTo(MemorySegment.ofArray(head));
            byte[] expected = Arrays.copyOf(data, 10);
            expected[5] = 1;
            expected[6] = 2;
            expected[7] = 3;
            assertArrayEquals(expected, head);

            buf.memsetD32(0xDEADBEEF);
            int[] words = new int[bytes / 4];
            buf.copyTo(MemorySegment.ofArray(words));
            assertTrue(Arrays.stream(words).allMatch(w -> w == 0xDEADBEEF));
        }
    }

    @Test
    void pinnedMappedMemoryIsVisibleToAKernel() {
        assertTrue(CudaProbe.run().devices().getFirst().canMapHostMemory());
        int n = 10_000;
        PinnedBuffer pinned = ctx.allocatePinned(4L * n);
        for (int i = 0; i < n; i++) {
            pinned.host().setAtIndex(ValueLayout.JAVA_INT, i, i * 3);
        }
        CudaFunction addOne = ctx.loadPtx(TestKernels.MODULE).function(TestKernels.ADD_ONE_NAME);
        CudaStream stream = ctx.createStream();
        addOne.launch(blocksFor(n), Dim3.of(THREADS), 0, stream, pinned.devicePtr(), n);
        stream.synchronize();
        assertTrue(stream.isComplete());
        for (int i = 0; i < n; i++) {
            assertEquals(i * 3 + 1, pinned.host().getAtIndex(ValueLayout.JAVA_INT, i), "word " + i);
        }
    }

    @Test
    void moduleGlobalFeedsAKernel() {
        int n = 1000;
        CudaModule module = ctx.loadPtx(TestKernels.MODULE);
        ModuleGlobal delta = module.global(TestKernels.DELTA_GLOBAL);
        assertEquals(4, delta.byteSize());
        delta.copyFrom(MemorySegment.ofArray(new int[]{-7}));
        DeviceBuffer buf = ctx.allocate(4L * n);
        int[] values = new SplittableRandom(1).ints(n).toArray();
        buf.copyFrom(MemorySegment.ofArray(values));
        module.function(TestKernels.ADD_DELTA_NAME).launch(blocksFor(n), Dim3.of(THREADS), 0, null, buf.ptr(), n);
        ctx.synchronize();
        int[] out = new int[n];
        buf.copyTo(MemorySegment.ofArray(out));
        for (int i = 0; i < n; i++) {
            assertEquals(values[i] - 7, out[i], "word " + i);
        }
    }

    @Test
    void invalidPtxFailsWithTheJitLog() {
        CudaException e = assertThrows(CudaException.class, () -> ctx.loadPtx(TestKernels.INVALID));
        assertEquals(CuResult.INVALID_PTX, e.code(), e.getMessage());
        assertEquals("CUDA_ERROR_INVALID_PTX", e.errorName());
        assertTrue(e.jitLog().contains("frobnicate"), "JIT log: " + e.jitLog());
        assertTrue(e.getMessage().contains("JIT error log:"), e.getMessage());
        CudaException missing = assertThrows(CudaException.class,
                () -> ctx.loadPtx(TestKernels.MODULE).function("vyre_absent"));
        assertEquals(CuResult.NOT_FOUND, missing.code());
    }

    @Test
    void eventsTimeKernelsWithinTheWallClock() {
        int n = 1 << 20;
        int launches = 50;
        DeviceBuffer buf = ctx.allocate(4L * n);
        buf.memsetD32(0);
        CudaFunction addOne = ctx.loadPtx(TestKernels.MODULE).function(TestKernels.ADD_ONE_NAME);
        CudaStream stream = ctx.createStream();
        CudaEvent start = ctx.createEvent();
        CudaEvent end = ctx.createEvent();
        long t0 = System.nanoTime();
        start.record(stream);
        for (int i = 0; i < launches; i++) {
            addOne.launch(blocksFor(n), Dim3.of(THREADS), 0, stream, buf.ptr(), n);
        }
        end.record(stream);
        end.synchronize();
        double wallMs = (System.nanoTime() - t0) / 1e6;
        float ms = end.millisSince(start);
        assertTrue(ms > 0 && ms <= wallMs + 0.5, "event time " + ms + " ms, wall " + wallMs + " ms");
        int[] out = new int[n];
        buf.copyTo(MemorySegment.ofArray(out));
        assertTrue(Arrays.stream(out).allMatch(v -> v == launches));
    }

    @Test
    void capturedGraphReplaysTheStreamsWork() {
        int n = 4096;
        DeviceBuffer buf = ctx.allocate(4L * n);
        buf.memsetD32(10);
        CudaModule module = ctx.loadPtx(TestKernels.MODULE);
        CudaFunction addOne = module.function(TestKernels.ADD_ONE_NAME);
        ModuleGlobal delta = module.global(TestKernels.DELTA_GLOBAL);
        delta.copyFrom(MemorySegment.ofArray(new int[]{100}));
        CudaFunction addDelta = module.function(TestKernels.ADD_DELTA_NAME);
        CudaStream stream = ctx.createStream();
        CudaGraph graph = stream.capture(() -> {
            addOne.launch(blocksFor(n), Dim3.of(THREADS), 0, stream, buf.ptr(), n);
            addDelta.launch(blocksFor(n), Dim3.of(THREADS), 0, stream, buf.ptr(), n);
        });
        stream.synchronize();
        int[] out = new int[n];
        buf.copyTo(MemorySegment.ofArray(out));
        assertTrue(Arrays.stream(out).allMatch(v -> v == 10), "capture must not run the work");
        for (int i = 0; i < 3; i++) {
            graph.launch(stream);
        }
        stream.synchronize();
        buf.copyTo(MemorySegment.ofArray(out));
        assertTrue(Arrays.stream(out).allMatch(v -> v == 10 + 3 * 101), "first word " + out[0]);
    }

    @Test
    void anotherThreadCanUseTheContext() throws InterruptedException {
        int n = 512;
        DeviceBuffer buf = ctx.allocate(4L * n);
        CudaFunction addOne = ctx.loadPtx(TestKernels.MODULE).function(TestKernels.ADD_ONE_NAME);
        Thread worker = Thread.ofPlatform().start(() -> {
            buf.memsetD32(41);
            addOne.launch(blocksFor(n), Dim3.of(THREADS), 0, null, buf.ptr(), n);
            ctx.synchronize();
        });
        worker.join();
        int[] out = new int[n];
        buf.copyTo(MemorySegment.ofArray(out));
        assertTrue(Arrays.stream(out).allMatch(v -> v == 42), "first word " + out[0]);
    }

    @Test
    void hundredOpenAllocCloseCyclesLeakNoDeviceMemory() {
        Runnable cycle = () -> {
            try (CudaContext inner = CudaContext.open(0)) {
                DeviceBuffer buf = inner.allocate(8L << 20);
                inner.allocatePinned(64 << 10);
                CudaFunction addOne = inner.loadPtx(TestKernels.MODULE).function(TestKernels.ADD_ONE_NAME);
                CudaStream stream = inner.createStream();
                inner.createEvent().record(stream);
                addOne.launch(Dim3.of(4), Dim3.of(THREADS), 0, stream, buf.ptr(), 1024);
                stream.synchronize();
            }
        };
        cycle.run();
        long before = ctx.memInfo().freeBytes();
        for (int i = 0; i < 100; i++) {
            cycle.run();
        }
        long after = ctx.memInfo().freeBytes();
        assertEquals(before, after, "free device memory changed by " + (before - after) + " bytes over 100 cycles");
        assertEquals(0, ctx.openResourceCount());
    }

    @Test
    void errorNamesAgreeWithTheDriver() {
        LibCuda api = CudaDriver.api();
        int compared = 0;
        for (int code : CuResult.knownCodes()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                int rc = (int) api.handle(CuFn.GET_ERROR_NAME).invokeExact(code, out);
                if (rc == CuResult.SUCCESS) {
                    assertEquals(out.get(ValueLayout.ADDRESS, 0).reinterpret(256).getString(0), CuResult.name(code),
                            "code " + code);
                    compared++;
                }
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
        assertTrue(compared > 80, "the driver named only " + compared + " codes");
    }
}
