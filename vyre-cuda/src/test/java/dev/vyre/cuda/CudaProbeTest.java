package dev.vyre.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real probe on this machine: unavailable with a clear reason without libcuda, devices listed with one. */
@SuppressWarnings("restricted") // native memory and library access is what this class is for
class CudaProbeTest {
    private static boolean libcudaLoads() {
        try {
            SymbolLookup.libraryLookup(LibCuda.LIBRARY, Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void probeMatchesWhatTheLoaderFinds() {
        CudaProbe probe = CudaProbe.run();
        if (!libcudaLoads()) {
            assertFalse(probe.available());
            assertTrue(probe.devices().isEmpty());
            assertEquals(0, probe.driverVersion());
            assertTrue(probe.reason().startsWith("libcuda.so.1 (the NVIDIA driver's CUDA library) was not found"),
                    probe.reason());
            assertTrue(probe.reason().contains("Fix: install the NVIDIA driver"), probe.reason());
            assertFalse(CudaDriver.isAvailable());
        } else if (probe.available()) {
            assertFalse(probe.devices().isEmpty());
            assertTrue(probe.driverVersion() >= 1000, "driver version " + probe.driverVersion());
            for (CudaProbe.Device d : probe.devices()) {
                assertFalse(d.name().isBlank(), d.toString());
                assertTrue(d.ccMajor() >= 1 && d.multiprocessors() >= 1 && d.totalMemBytes() > 0, d.toString());
            }
            assertTrue(CudaDriver.isAvailable());
        } else {
            // the library is there but cuInit or the devices failed: the reason names the driver's error
            assertTrue(probe.reason().contains("CUDA_ERROR_") || probe.reason().contains("no devices"),
                    probe.reason());
            assertTrue(probe.reason().contains("Fix: "), probe.reason());
        }
    }

    @Test
    void openingAContextWithoutADriverIsTheUnavailableError() {
        Assumptions.assumeFalse(CudaDriver.isAvailable(), "a CUDA driver is present: CudaGpuTest covers open()");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaContext.open(0));
        assertEquals(CudaProbe.run().reason(), e.getMessage());
    }
}
