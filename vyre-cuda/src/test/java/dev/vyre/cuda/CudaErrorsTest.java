package dev.vyre.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error-name mapping, sticky classification and Fix hints, with injected CUresult codes (no driver needed). */
class CudaErrorsTest {
    /** Names and codes as the CUDA driver API reference (cuda.h, CUresult) lists them. */
    @ParameterizedTest
    @CsvSource({
            "0, CUDA_SUCCESS", "1, CUDA_ERROR_INVALID_VALUE", "2, CUDA_ERROR_OUT_OF_MEMORY",
            "3, CUDA_ERROR_NOT_INITIALIZED", "34, CUDA_ERROR_STUB_LIBRARY", "100, CUDA_ERROR_NO_DEVICE",
            "101, CUDA_ERROR_INVALID_DEVICE", "200, CUDA_ERROR_INVALID_IMAGE", "201, CUDA_ERROR_INVALID_CONTEXT",
            "209, CUDA_ERROR_NO_BINARY_FOR_GPU", "218, CUDA_ERROR_INVALID_PTX",
            "222, CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "400, CUDA_ERROR_INVALID_HANDLE",
            "500, CUDA_ERROR_NOT_FOUND", "600, CUDA_ERROR_NOT_READY", "700, CUDA_ERROR_ILLEGAL_ADDRESS",
            "701, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", "702, CUDA_ERROR_LAUNCH_TIMEOUT",
            "719, CUDA_ERROR_LAUNCH_FAILED", "803, CUDA_ERROR_SYSTEM_DRIVER_MISMATCH",
            "901, CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", "999, CUDA_ERROR_UNKNOWN"})
    void namesMatchTheDriverApiReference(int code, String name) {
        assertEquals(name, CuResult.name(code));
    }

    @Test
    void unknownCodeIsNamedByNumber() {
        assertEquals("CUresult 12345", CuResult.name(12345));
        assertTrue(CuResult.fix(12345).contains("CUresult 12345"));
    }

    @Test
    void kernelFaultsAreStickyAndOrdinaryErrorsAreNot() {
        for (int code : new int[]{700, 702, 714, 715, 716, 717, 718, 719}) {
            assertTrue(CuResult.isSticky(code), CuResult.name(code) + " must poison the context");
        }
        for (int code : new int[]{0, 1, 2, 100, 218, 400, 500, 600, 701, 711, 999}) {
            assertFalse(CuResult.isSticky(code), CuResult.name(code) + " must not poison the context");
        }
    }

    /** Each common code gets a hint that names the concrete remedy, not the generic fallback. */
    @Test
    void commonCodesHaveSpecificFixes() {
        Map<Integer, String> expectedWords = Map.ofEntries(
                Map.entry(CuResult.NO_DEVICE, "CUDA_VISIBLE_DEVICES"),
                Map.entry(CuResult.NOT_INITIALIZED, "cuInit"),
                Map.entry(CuResult.INVALID_PTX, "JIT log"),
                Map.entry(CuResult.NO_BINARY_FOR_GPU, "compute capability"),
                Map.entry(CuResult.OUT_OF_MEMORY, "free"),
                Map.entry(CuResult.ILLEGAL_ADDRESS, "restart the process"),
                Map.entry(CuResult.LAUNCH_TIMEOUT, "watchdog"),
                Map.entry(CuResult.INVALID_VALUE, "out of range"),
                Map.entry(CuResult.STUB_LIBRARY, "stubs"),
                Map.entry(CuResult.UNSUPPORTED_PTX_VERSION, ".version"),
                Map.entry(CuResult.NOT_FOUND, ".entry"),
                Map.entry(CuResult.LAUNCH_OUT_OF_RESOURCES, "threads per block"));
        expectedWords.forEach((code, word) -> {
            String fix = CuResult.fix(code);
            assertTrue(fix.contains(word), CuResult.name(code) + " fix lacks '" + word + "': " + fix);
            assertFalse(fix.startsWith("see the CUDA driver API"), CuResult.name(code) + " got the generic fix");
        });
    }

    @Test
    void everyKnownCodeHasAFix() {
        for (int code : CuResult.knownCodes()) {
            assertFalse(CuResult.fix(code).isBlank(), CuResult.name(code));
        }
    }

    @Test
    void exceptionCarriesCodeNameOperationAndJitLog() {
        CudaException e = new CudaException("cuModuleLoadDataEx(PTX module of 120 chars) on device 0",
                CuResult.INVALID_PTX, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed",
                "ptxas application ptx input, line 9; error   : Unknown instruction 'frobnicate'");
        assertEquals(218, e.code());
        assertEquals("CUDA_ERROR_INVALID_PTX", e.errorName());
        assertFalse(e.isSticky());
        String m = e.getMessage();
        assertTrue(m.startsWith("cuModuleLoadDataEx(PTX module of 120 chars) on device 0 failed with "
                + "CUDA_ERROR_INVALID_PTX (218): a PTX JIT compilation failed"), m);
        assertTrue(m.contains("JIT error log:\nptxas application ptx input, line 9"), m);
        assertTrue(m.endsWith("Fix: " + CuResult.fix(CuResult.INVALID_PTX)), m);
        assertEquals(CuResult.fix(218), e.fix());
    }

    @Test
    void stickyExceptionSaysTheContextIsPoisoned() {
        CudaException e = new CudaException("cuCtxSynchronize on device 0", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "",
                "");
        assertTrue(e.isSticky());
        assertTrue(e.getMessage().contains("[sticky: the context is poisoned]"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: the kernel faulted, which poisons the CUDA state of this process"),
                e.getMessage());
        assertTrue(e.fix().endsWith("restart the process"), e.fix());
        assertEquals("", e.jitLog());
    }

    @Test
    void missingSymbolNamesIt() {
        CudaMissingSymbolException e = new CudaMissingSymbolException("cuEventElapsedTime_v2",
                "cuEventElapsedTime_v2, cuEventElapsedTime");
        assertEquals("cuEventElapsedTime_v2", e.symbol());
        assertTrue(e.getMessage().contains("does not export cuEventElapsedTime_v2"), e.getMessage());
        assertTrue(e.getMessage().contains("Fix: update the NVIDIA driver"), e.getMessage());
    }
}
