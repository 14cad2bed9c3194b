package dev.vyre.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PTX to cubin ({@code cuLink*}) and loading a cubin, against the fake libcuda: marshalling, logs, no leaks. */
class FakeLinkerTest {
    private final FakeCuda fake = new FakeCuda();
    private final LibCuda api = fake.api();

    @AfterEach
    void noFailuresInsideTheFake() {
        List<Throwable> failures = List.copyOf(fake.failures);
        fake.close();
        assertEquals(List.of(), failures, "a fake driver function threw");
    }

    @Test
    void compiledCubinIsCopiedOutOfTheLinkStateAndLoadsWithoutJit() {
        try (CudaContext ctx = CudaContext.open(api, 0)) {
            CubinImage image = ctx.compilePtx(TestKernels.MODULE);
            byte[] expected = (FakeCuda.FAKE_CUBIN_HEADER + TestKernels.MODULE + "\0")
                    .getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(expected, image.cubin(), "the cubin bytes cuLinkComplete returned, NUL included");
            assertTrue(image.jitNanos() > 0, "JIT time measured");
            assertEquals("fake JIT: linked " + TestKernels.MODULE.length() + " chars", image.infoLog());
            assertEquals(0, fake.links.size(), "the link state is destroyed after the copy");
            assertEquals(1, fake.linksDestroyed.get());
            int modulesBefore = fake.modules.size();
            CudaModule m = ctx.loadCubin(image.cubin());
            assertEquals(modulesBefore + 1, fake.modules.size());
            assertTrue(m.infoLog().startsWith("fake JIT: compiled"), m.infoLog());
            DeviceBuffer buf = ctx.allocate(4 * 8);
            buf.memsetD32(1);
            CudaStream s = ctx.createStream();
            m.function(TestKernels.ADD_ONE_NAME).launch(Dim3.of(1), Dim3.of(32), 0, s, buf.ptr(), 8);
            int[] words = new int[8];
            buf.copyTo(MemorySegment.ofArray(words));
            for (int w : words) {
                assertEquals(2, w, "the kernel of the loaded cubin ran");
            }
        }
        assertEquals(0, fake.liveObjects());
    }

    @Test
    void ptxTheJitRefusesCarriesTheErrorLogAndDestroysTheLinkState() {
        try (CudaContext ctx = CudaContext.open(api, 0)) {
            CudaException e = assertThrows(CudaException.class, () -> ctx.compilePtx(TestKernels.INVALID));
            assertEquals(CuResult.INVALID_PTX, e.code());
            assertTrue(e.getMessage().contains("cuLinkAddData_v2"), e.getMessage());
            assertTrue(e.jitLog().contains("Unknown instruction 'frobnicate'"), e.jitLog());
            assertEquals(0, fake.links.size());
            assertThrows(CudaUsageException.class, () -> ctx.compilePtx("bad\0ptx"));
            assertThrows(CudaUsageException.class, () -> ctx.loadCubin(new byte[0]));
            assertEquals(0, ctx.openResourceCount());
        }
    }
}
