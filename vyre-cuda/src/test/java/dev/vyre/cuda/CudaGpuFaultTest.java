package dev.vyre.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A faulting kernel poisons the context and, with current drivers, the process's use of the device; so the fault
 * happens in a child JVM ({@link GpuFaultChild}) and this test reads its report.
 */
@Tag("gpu")
class CudaGpuFaultTest {
    @Test
    void illegalAddressIsStickyPoisonsTheContextAndCloseStillSucceeds() throws Exception {
        GpuTests.assumeGpu();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), GpuFaultChild.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish within 120 s");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        Map<String, String> report = output.lines().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> a));
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", report.get("sync"), output);
        assertEquals("true", report.get("sticky"), output);
        assertEquals("true", report.get("poisoned"), output);
        assertTrue(report.get("message").contains("Fix: the kernel faulted"), output);
        assertEquals("ok", report.get("close"), output);
        String reopen = report.get("reopen");
        assertTrue(reopen.equals("works 3") || reopen.equals("CUDA_ERROR_ILLEGAL_ADDRESS sticky=true"),
                "a new context must either work or fail with the sticky error: " + output);
    }
}
