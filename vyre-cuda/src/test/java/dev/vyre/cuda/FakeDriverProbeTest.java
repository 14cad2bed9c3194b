package dev.vyre.cuda;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** probe(), symbol resolution and error naming against a fake libcuda made of upcall stubs. */
class FakeDriverProbeTest {
    private final FakeCuda fake = new FakeCuda();

    @AfterEach
    void noFailuresInsideTheFake() {
        List<Throwable> failures = List.copyOf(fake.failures);
        fake.close();
        assertEquals(List.of(), failures, "a fake driver function threw");
    }

    @Test
    void probeDescribesEveryDevice() {
        fake.devices = List.of(new FakeCuda.Device("Fake H100 80GB HBM3", 9, 0, 85_899_345_920L, 132, true),
                new FakeCuda.Device("Fake T4", 7, 5, 16L << 30, 40, false));
        CudaProbe probe = CudaDriver.probe(fake.api());
        assertTrue(probe.available(), probe.reason());
        assertEquals("", probe.reason());
        assertEquals(FakeCuda.FAKE_DRIVER_VERSION, probe.driverVersion());
        assertEquals(List.of(
                new CudaProbe.Device(0, "Fake H100 80GB HBM3", 9, 0, 85_899_345_920L, 132, true),
                new CudaProbe.Device(1, "Fake T4", 7, 5, 16L << 30, 40, false)), probe.devices());
    }

    @Test
    void probeTruncatesOverlongDeviceNamesAtTheBufferSize() {
        String longName = "G".repeat(CudaDriver.DEVICE_NAME_BYTES + 50);
        fake.devices = List.of(new FakeCuda.Device(longName, 9, 0, 1L << 30, 1, true));
        CudaProbe probe = CudaDriver.probe(fake.api());
        assertEquals(longName.substring(0, CudaDriver.DEVICE_NAME_BYTES - 1), probe.devices().getFirst().name());
    }

    @Test
    void cuInitFailureIsReportedWithTheDriversErrorNameAndAFix() {
        fake.initResult = CuResult.NO_DEVICE;
        CudaProbe probe = CudaDriver.probe(fake.api());
        assertFalse(probe.available());
        assertTrue(probe.devices().isEmpty());
        assertTrue(probe.reason().startsWith("cuInit(0) failed with CUDA_ERROR_NO_DEVICE (100): fake description "
                + "of 100"), probe.reason());
        assertTrue(probe.reason().endsWith("Fix: " + CuResult.fix(CuResult.NO_DEVICE)), probe.reason());
    }

    @Test
    void zeroDevicesIsUnavailableWithAReason() {
        fake.devices = List.of();
        CudaProbe probe = CudaDriver.probe(fake.api());
        assertFalse(probe.available());
        assertEquals(FakeCuda.FAKE_DRIVER_VERSION, probe.driverVersion());
        assertTrue(probe.reason().contains("CUDA driver 12.8 initialised but reports no devices"), probe.reason());
        assertTrue(probe.reason().contains("Fix: "), probe.reason());
    }

    @Test
    void missingEntryPointIsATypedErrorNamingIt() {
        fake.remove("cuDeviceTotalMem_v2");
        LibCuda api = fake.api();
        CudaMissingSymbolException e = assertThrows(CudaMissingSymbolException.class,
                () -> api.handle(CuFn.DEVICE_TOTAL_MEM));
        assertEquals("cuDeviceTotalMem_v2", e.symbol());
        CudaProbe probe = CudaDriver.probe(api);
        assertFalse(probe.available());
        assertTrue(probe.reason().contains("does not export cuDeviceTotalMem_v2"), probe.reason());
    }

    @Test
    void v2IsPreferredAndThePlainNameIsTheFallback() {
        assertEquals("cuEventElapsedTime_v2", fake.api().symbol(CuFn.EVENT_ELAPSED_TIME));
        fake.remove("cuEventElapsedTime_v2");
        fake.export(CuFn.EVENT_ELAPSED_TIME, "cuEventElapsedTime");
        assertEquals("cuEventElapsedTime", fake.api().symbol(CuFn.EVENT_ELAPSED_TIME));
        fake.remove("cuEventElapsedTime");
        CudaMissingSymbolException e = assertThrows(CudaMissingSymbolException.class,
                () -> fake.api().symbol(CuFn.EVENT_ELAPSED_TIME));
        assertTrue(e.getMessage().contains("cuEventElapsedTime_v2, cuEventElapsedTime"), e.getMessage());
    }

    @Test
    void errorNamesComeFromTheDriverWhenItKnowsThem() {
        LibCuda api = fake.api();
        assertEquals(FakeCuda.FAKE_ONLY_NAME, api.errorName(FakeCuda.FAKE_ONLY_CODE));
        assertEquals("fake description of 218", api.errorString(218));
        // the fake does not know 702: the table's name is used and there is no description
        assertEquals("CUDA_ERROR_LAUNCH_TIMEOUT", api.errorName(702));
        assertEquals("", api.errorString(702));
        fake.remove("cuGetErrorName");
        fake.remove("cuGetErrorString");
        LibCuda bare = fake.api();
        assertEquals("CUresult " + FakeCuda.FAKE_ONLY_CODE, bare.errorName(FakeCuda.FAKE_ONLY_CODE));
        CudaException e = bare.error("cuMemAlloc_v2(64 bytes)", 2, "");
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertTrue(e.getMessage().startsWith("cuMemAlloc_v2(64 bytes) failed with CUDA_ERROR_OUT_OF_MEMORY (2)."),
                e.getMessage());
    }
}
