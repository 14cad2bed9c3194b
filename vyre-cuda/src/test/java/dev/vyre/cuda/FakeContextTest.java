package dev.vyre.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Contexts and the resources they own, against the fake libcuda: marshalling, ownership, close and errors. */
class FakeContextTest {
    private final FakeCuda fake = new FakeCuda();
    private final LibCuda api = fake.api();

    @AfterEach
    void noFailuresInsideTheFake() {
        List<Throwable> failures = List.copyOf(fake.failures);
        fake.close();
        assertEquals(List.of(), failures, "a fake driver function threw");
    }

    private CudaContext open() {
        return CudaContext.open(api, 0);
    }

    @Test
    void registeredHostMemoryIsMappedInPlaceAndUnregisteredOnCloseButNotFreed() {
        CudaContext ctx = open();
        try (Arena owner = Arena.ofConfined()) {
            MemorySegment memory = owner.allocate(8192, 4096);
            PinnedBuffer r = ctx.registerHost(memory);
            assertEquals(memory.address(), r.host().address(), "registered in place");
            assertEquals(8192, r.byteSize());
            assertEquals(PinnedBuffer.HOSTREGISTER_PORTABLE | PinnedBuffer.HOSTREGISTER_DEVICEMAP,
                    fake.registered.get(memory.address()));
            assertEquals(memory.address() + FakeCuda.PINNED_DEVICE_OFFSET, r.devicePtr().address());
            assertThrows(CudaException.class, () -> ctx.registerHost(memory), "a second registration is refused");
            assertThrows(CudaUsageException.class, () -> ctx.registerHost(MemorySegment.ofArray(new int[4])));
            ctx.close();
            assertTrue(r.isClosed());
            assertTrue(fake.registered.isEmpty(), "unregistered with the context");
            memory.set(ValueLayout.JAVA_INT, 0, 7);
            assertEquals(7, memory.get(ValueLayout.JAVA_INT, 0), "the owner's memory is still usable");
        }
    }

    @Test
    void closingTheContextFreesEverythingItOwnsAndReleasesThePrimaryContext() {
        CudaContext ctx = open();
        assertEquals(1, fake.retained);
        DeviceBuffer a = ctx.allocate(100);
        DeviceBuffer b = ctx.allocate(4096);
        PinnedBuffer p = ctx.allocatePinned(512);
        CudaStream s = ctx.createStream();
        CudaEvent e = ctx.createEvent();
        CudaModule m = ctx.loadPtx(TestKernels.MODULE);
        CudaGraph g = s.capture(() -> m.function(TestKernels.ADD_ONE_NAME).launch(Dim3.of(1), Dim3.of(32), 0, s,
                a.ptr(), 25));
        assertEquals(7, ctx.openResourceCount());
        b.close();
        assertEquals(6, ctx.openResourceCount());
        assertTrue(fake.liveObjects() > 0);
        ctx.close();
        assertEquals(0, fake.liveObjects(), "driver objects left after close");
        assertEquals(0, fake.retained);
        for (CudaResource r : List.of(a, b, p, s, e, m, g)) {
            assertTrue(r.isClosed(), r + " not closed");
        }
        assertEquals(0, ctx.openResourceCount());
        ctx.close();
        b.close();
        assertEquals(0, fake.retained, "a second close released the primary context again");
    }

    @Test
    void resourcesAndContextRefuseUseAfterClose() {
        CudaContext ctx = open();
        DeviceBuffer buf = ctx.allocate(64);
        buf.close();
        CudaUsageException e = assertThrows(CudaUsageException.class, () -> buf.memsetD32(0));
        assertTrue(e.getMessage().contains("DeviceBuffer(64 bytes at") && e.getMessage().contains("is closed"),
                e.getMessage());
        ctx.close();
        CudaUsageException c = assertThrows(CudaUsageException.class, () -> ctx.allocate(8));
        assertTrue(c.getMessage().contains("CudaContext(device 0, closed) is closed"), c.getMessage());
    }

    @Test
    void deviceRoundTripWithOffsetsHeapSegmentsAndMemset() {
        try (CudaContext ctx = open(); Arena arena = Arena.ofConfined()) {
            DeviceBuffer buf = ctx.allocate(1024);
            byte[] data = new byte[1024];
            new SplittableRandom(7).nextBytes(data);
            buf.copyFrom(MemorySegment.ofArray(data));
            MemorySegment back = arena.allocate(1024);
            buf.copyTo(back);
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
            byte[] tail = new byte[16];
            buf.copyTo(MemorySegment.ofArray(tail), 1008);
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 1008, 1024), tail);
            buf.memsetD32(0x01020304, 8, 2);
            int[] words = new int[4];
            buf.copyTo(MemorySegment.ofArray(words), 0);
            assertEquals(0x01020304, words[2]);
            assertEquals(0x01020304, words[3]);
            assertEquals(MemorySegment.ofArray(data).get(ValueLayout.JAVA_INT_UNALIGNED, 0), words[0]);
        }
    }

    @Test
    void asyncCopiesFromPinnedMemoryReachTheDeviceOnTheirStream() {
        try (CudaContext ctx = open(); Arena arena = Arena.ofConfined()) {
            CudaStream s = ctx.createStream();
            PinnedBuffer pinned = ctx.allocatePinned(256);
            byte[] data = new byte[256];
            new SplittableRandom(11).nextBytes(data);
            pinned.host().copyFrom(MemorySegment.ofArray(data));
            DeviceBuffer buf = ctx.allocate(512);
            s.copyToDevice(pinned.host(), buf, 128);
            s.copyToDevice(pinned.host().asSlice(0, 0), buf, 512); // empty: no driver call
            s.synchronize();
            MemorySegment back = arena.allocate(256);
            buf.copyTo(back, 128);
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, fake.asyncCopies.size());
            assertEquals(256, fake.asyncCopies.getFirst()[1]);
            CudaUsageException range = assertThrows(CudaUsageException.class,
                    () -> s.copyToDevice(pinned.host(), buf, 257));
            assertTrue(range.getMessage().contains("copyToDevice of 256 bytes at offset 257 does not fit")
                    && range.getMessage().contains("Fix: "), range.getMessage());
            CudaUsageException heap = assertThrows(CudaUsageException.class,
                    () -> s.copyToDevice(MemorySegment.ofArray(data), buf, 0));
            assertTrue(heap.getMessage().contains("heap segment") && heap.getMessage().contains("PinnedBuffer"),
                    heap.getMessage());
            assertEquals(1, fake.asyncCopies.size(), "refused copies never reached the driver");
        }
    }

    @Test
    void outOfRangeCopiesAreTypedErrorsBeforeAnyDriverCall() {
        try (CudaContext ctx = open()) {
            DeviceBuffer buf = ctx.allocate(64);
            CudaUsageException e = assertThrows(CudaUsageException.class,
                    () -> buf.copyFrom(MemorySegment.ofArray(new byte[16]), 56));
            assertTrue(e.getMessage().contains("copyFrom of 16 bytes at offset 56 does not fit in DeviceBuffer(64 "
                    + "bytes"), e.getMessage());
            assertThrows(CudaUsageException.class, () -> buf.copyTo(MemorySegment.ofArray(new byte[65])));
            assertThrows(CudaUsageException.class, () -> buf.copyTo(MemorySegment.ofArray(new byte[1]), -1));
            assertThrows(CudaUsageException.class, () -> buf.memsetD32(1, 2, 1));
            assertThrows(CudaUsageException.class, () -> buf.memsetD32(1, 0, 17));
            assertThrows(CudaUsageException.class, () -> buf.memsetD32(1, 0, Long.MAX_VALUE));
            assertThrows(CudaUsageException.class, () -> ctx.allocate(0));
            assertThrows(CudaUsageException.class, () -> ctx.allocate(13).memsetD32(0));
            assertThrows(CudaUsageException.class, () -> CudaContext.open(api, 1));
        }
    }

    @Test
    void launchPassesGridBlockSharedStreamAndParamsThrough() {
        try (CudaContext ctx = open(); Arena arena = Arena.ofConfined()) {
            CudaModule m = ctx.loadPtx(TestKernels.MODULE);
            assertTrue(m.infoLog().startsWith("fake JIT: compiled"), m.infoLog());
            CudaStream s = ctx.createStream();
            assertEquals(List.of(CudaContext.STREAM_NON_BLOCKING), List.copyOf(fake.streams.values()));
            DeviceBuffer buf = ctx.allocate(4 * 100);
            MemorySegment host = arena.allocate(ValueLayout.JAVA_INT, 100);
            for (int i = 0; i < 100; i++) {
                host.setAtIndex(ValueLayout.JAVA_INT, i, i * 10);
            }
            buf.copyFrom(host);
            m.function(TestKernels.ADD_ONE_NAME).launch(new Dim3(4, 1, 1), new Dim3(32, 1, 1), 128, s, buf.ptr(),
                    90);
            FakeCuda.Launch l = fake.launches.getFirst();
            assertArrayEquals(new int[]{4, 1, 1}, l.grid());
            assertArrayEquals(new int[]{32, 1, 1}, l.block());
            assertEquals(128, l.sharedMem());
            assertTrue(fake.streams.containsKey(l.stream()));
            assertEquals(buf.ptr().address(), l.params()[0]);
            assertEquals(90, (int) l.params()[1]);
            buf.copyTo(host);
            for (int i = 0; i < 100; i++) {
                assertEquals(i * 10 + (i < 90 ? 1 : 0), host.getAtIndex(ValueLayout.JAVA_INT, i), "word " + i);
            }
            m.function(TestKernels.ADD_ONE_NAME).launch(Dim3.of(1), Dim3.of(1), 0, null, buf.ptr(), 0);
            assertEquals(0L, fake.launches.getLast().stream(), "null stream must be the legacy stream (NULL)");
        }
    }

    @Test
    void pinnedBufferExposesHostSegmentAndTheDriversDevicePointer() {
        CudaContext ctx = open();
        PinnedBuffer p = ctx.allocatePinned(4 * 8);
        assertEquals(List.of(PinnedBuffer.HOSTALLOC_PORTABLE | PinnedBuffer.HOSTALLOC_DEVICEMAP),
                List.copyOf(fake.hostAllocFlags));
        assertEquals(32, p.host().byteSize());
        assertEquals(p.host().address() + FakeCuda.PINNED_DEVICE_OFFSET, p.devicePtr().address());
        for (int i = 0; i < 8; i++) {
            p.host().setAtIndex(ValueLayout.JAVA_INT, i, 100 + i);
        }
        CudaModule m = ctx.loadPtx(TestKernels.MODULE);
        m.function(TestKernels.ADD_ONE_NAME).launch(Dim3.of(1), Dim3.of(8), 0, null, p.devicePtr(), 8);
        for (int i = 0; i < 8; i++) {
            assertEquals(101 + i, p.host().getAtIndex(ValueLayout.JAVA_INT, i));
        }
        MemorySegment host = p.host();
        ctx.close();
        assertThrows(IllegalStateException.class, () -> host.get(ValueLayout.JAVA_INT, 0),
                "the host view must die with the buffer");
        assertTrue(fake.pinned.isEmpty());
    }

    @Test
    void moduleGlobalsAreReadableAndWritable() {
        try (CudaContext ctx = open()) {
            CudaModule m = ctx.loadPtx(TestKernels.MODULE);
            ModuleGlobal delta = m.global(TestKernels.DELTA_GLOBAL);
            assertEquals(4, delta.byteSize());
            delta.copyFrom(MemorySegment.ofArray(new int[]{7}));
            int[] read = new int[1];
            delta.copyTo(MemorySegment.ofArray(read));
            assertEquals(7, read[0]);
            CudaException missing = assertThrows(CudaException.class, () -> m.global("vyre_absent"));
            assertEquals(CuResult.NOT_FOUND, missing.code());
            assertTrue(missing.getMessage().contains("cuModuleGetGlobal_v2(\"vyre_absent\")"),
                    missing.getMessage());
            m.close();
            assertThrows(CudaUsageException.class, () -> delta.copyTo(MemorySegment.ofArray(read)));
        }
    }

    @Test
    void invalidPtxCarriesTheJitErrorLog() {
        try (CudaContext ctx = open()) {
            CudaException e = assertThrows(CudaException.class, () -> ctx.loadPtx(TestKernels.INVALID));
            assertEquals(CuResult.INVALID_PTX, e.code());
            assertEquals("CUDA_ERROR_INVALID_PTX", e.errorName());
            assertTrue(e.jitLog().contains("Unknown instruction 'frobnicate'"), e.jitLog());
            assertTrue(e.getMessage().contains("JIT error log:\nptxas application ptx input"), e.getMessage());
            assertEquals(0, ctx.openResourceCount());
            CudaException f = assertThrows(CudaException.class,
                    () -> ctx.loadPtx(TestKernels.MODULE).function("vyre_absent"));
            assertEquals("CUDA_ERROR_NOT_FOUND", f.errorName());
            assertThrows(CudaUsageException.class, () -> ctx.loadPtx("bad\0ptx"));
        }
    }

    @Test
    void stickyErrorPoisonsTheContextAndCloseStillFreesEverything() {
        CudaContext ctx = open();
        ctx.allocate(64);
        ctx.allocatePinned(64);
        CudaModule m = ctx.loadPtx(TestKernels.MODULE);
        CudaException e = assertThrows(CudaException.class,
                () -> m.function(TestKernels.STORE_AT_NAME).launch(Dim3.of(1), Dim3.of(1), 0, null,
                        new DevicePtr(0x10), 5));
        assertEquals(CuResult.ILLEGAL_ADDRESS, e.code());
        assertTrue(e.isSticky());
        assertTrue(ctx.isPoisoned());
        assertTrue(e.getMessage().contains("cuLaunchKernel(vyre_store_at, grid Dim3[x=1, y=1, z=1]"),
                e.getMessage());
        ctx.close();
        assertEquals(0, fake.liveObjects());
        assertEquals(0, fake.retained);
        CudaException reopen = assertThrows(CudaException.class, () -> CudaContext.open(api, 0));
        assertTrue(reopen.isSticky());
        assertTrue(reopen.getMessage().contains("cuDevicePrimaryCtxRetain(device 0) failed with "
                + "CUDA_ERROR_ILLEGAL_ADDRESS"), reopen.getMessage());
        assertTrue(reopen.fix().contains("restart the process"), reopen.fix());
    }

    @Test
    void graphsReplayCapturedWorkAndEventsTime() {
        try (CudaContext ctx = open()) {
            DeviceBuffer buf = ctx.allocate(4 * 64);
            buf.memsetD32(5);
            CudaStream s = ctx.createStream();
            CudaFunction addOne = ctx.loadPtx(TestKernels.MODULE).function(TestKernels.ADD_ONE_NAME);
            CudaGraph g = s.capture(() -> {
                addOne.launch(Dim3.of(2), Dim3.of(32), 0, s, buf.ptr(), 64);
                addOne.launch(Dim3.of(2), Dim3.of(32), 0, s, buf.ptr(), 64);
            });
            assertTrue(fake.launches.isEmpty(), "captured launches must not run");
            assertTrue(fake.graphs.isEmpty(), "the captured graph is destroyed once instantiated");
            CudaEvent start = ctx.createEvent();
            CudaEvent end = ctx.createEvent();
            start.record(s);
            for (int i = 0; i < 3; i++) {
                g.launch(s);
            }
            end.record(s);
            end.synchronize();
            assertEquals(1.25f, end.millisSince(start));
            int[] words = new int[64];
            buf.copyTo(MemorySegment.ofArray(words));
            for (int w : words) {
                assertEquals(5 + 6, w);
            }
            assertTrue(s.isComplete());
            fake.queryResult = CuResult.NOT_READY;
            assertFalse(s.isComplete());
        }
    }

    @Test
    void aFailingCaptureBodyEndsTheCaptureAndRethrows() {
        try (CudaContext ctx = open()) {
            CudaStream s = ctx.createStream();
            IllegalStateException boom = assertThrows(IllegalStateException.class, () -> s.capture(() -> {
                throw new IllegalStateException("boom");
            }));
            assertEquals("boom", boom.getMessage());
            assertTrue(fake.graphs.isEmpty() && fake.execs.isEmpty());
            assertEquals(1, ctx.openResourceCount(), "only the stream is owned");
        }
    }

    @Test
    void everyThreadMakesTheContextCurrentBeforeItsCalls() throws Exception {
        try (CudaContext ctx = open()) {
            DeviceBuffer buf = ctx.allocate(16);
            CompletableFuture.runAsync(() -> buf.memsetD32(9)).get();
            int[] words = new int[4];
            buf.copyTo(MemorySegment.ofArray(words));
            assertArrayEquals(new int[]{9, 9, 9, 9}, words);
        }
    }

    @Test
    void streamsOfAnotherContextAreRefused() {
        try (CudaContext a = open(); CudaContext b = open()) {
            CudaStream sb = b.createStream();
            CudaEvent ea = a.createEvent();
            CudaUsageException e = assertThrows(CudaUsageException.class, () -> ea.record(sb));
            assertTrue(e.getMessage().contains("belongs to"), e.getMessage());
        }
        assertEquals(0, fake.retained);
    }

    @Test
    void memInfoReflectsAllocations() {
        try (CudaContext ctx = open()) {
            CudaContext.MemInfo before = ctx.memInfo();
            DeviceBuffer buf = ctx.allocate(1 << 20);
            assertEquals(before.freeBytes() - (1 << 20), ctx.memInfo().freeBytes());
            buf.close();
            assertEquals(before, ctx.memInfo());
        }
    }
}
