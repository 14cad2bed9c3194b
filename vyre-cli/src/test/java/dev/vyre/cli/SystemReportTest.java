package dev.vyre.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.uring.UringProbe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemReportTest {
    private static final UringProbe URING_OK = new UringProbe(true, "", 0b11);
    private static final UringProbe URING_OFF = new UringProbe(false, "io_uring_setup failed with EPERM. Fix: x", 0);
    private static final CudaProbe CUDA_OFF = new CudaProbe(false, "libcuda.so.1 not found. Fix: install", 0, List.of());
    private static final CudaProbe CUDA_ON = new CudaProbe(true, "", 12080, List.of(
            new CudaProbe.Device(0, "NVIDIA H100 80GB HBM3", 9, 0, 80L << 30, 132, true)));

    private static SystemReport report(UringProbe uring, CudaProbe cuda) {
        return new SystemReport("1.2.3", "25.0.1", "Vendor \"Q\"", "/jdk", "Linux", "amd64", "6.8.0", 16, uring, cuda);
    }

    @Test
    void defaultBackendIsCudaOnlyWhenADeviceIsAvailable() {
        assertEquals("cpu", report(URING_OK, CUDA_OFF).defaultBackend());
        assertEquals("cuda", report(URING_OK, CUDA_ON).defaultBackend());
    }

    @Test
    void textNamesEveryFactAndTheReasons() {
        String text = String.join("\n", report(URING_OFF, CUDA_OFF).toLines());
        for (String fact : List.of("1.2.3", "25.0.1", "Vendor \"Q\"", "/jdk", "Linux amd64", "6.8.0", "16",
                URING_OFF.reason(), CUDA_OFF.reason(), "cpu (default)")) {
            assertTrue(text.contains(fact), () -> fact + " missing from\n" + text);
        }
        String on = String.join("\n", report(URING_OK, CUDA_ON).toLines());
        for (String fact : List.of("SINGLE_MMAP NODROP", "features 0x3", "driver 12.8", "NVIDIA H100 80GB HBM3",
                "compute capability 9.0", "80.0 GiB", "132 SMs", "cuda (default)")) {
            assertTrue(on.contains(fact), () -> fact + " missing from\n" + on);
        }
    }

    @Test
    void jsonCarriesTheSameFacts() {
        String json = Json.write(report(URING_OK, CUDA_ON).toJson());
        for (String fact : List.of("\"vyreVersion\":\"1.2.3\"", "\"vendor\":\"Vendor \\\"Q\\\"\"", "\"cpus\":16",
                "\"ioUring\":{\"available\":true,\"features\":3,\"featureNames\":[\"SINGLE_MMAP\",\"NODROP\"]",
                "\"driverVersion\":12080", "\"computeCapability\":\"9.0\"", "\"totalMemBytes\":85899345920",
                "\"canMapHostMemory\":true", "\"defaultBackend\":\"cuda\"")) {
            assertTrue(json.contains(fact), () -> fact + " missing from " + json);
        }
        Map<String, Object> off = report(URING_OFF, CUDA_OFF).toJson();
        assertEquals("cpu", off.get("defaultBackend"));
        assertTrue(Json.write(off).contains("\"reason\":\"libcuda.so.1 not found. Fix: install\""));
    }

    @Test
    void driverVersionsReadAsMajorDotMinor() {
        assertEquals("12.8", SystemReport.driverVersion(12080));
        assertEquals("13.0", SystemReport.driverVersion(13000));
        assertEquals("11.4", SystemReport.driverVersion(11040));
    }

    @Test
    void gatherReportsThisJvm() {
        SystemReport r = SystemReport.gather();
        assertTrue(r.javaVersion().startsWith(Integer.toString(Runtime.version().feature())), r.javaVersion());
        assertEquals(Runtime.getRuntime().availableProcessors(), r.cpus());
        assertEquals(VersionProvider.version(), r.vyreVersion());
    }
}
