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
    /**
     * The child's class path: where this test's classes and the binding's classes were loaded from, then this JVM's
     * class path. A launcher that loads the tests through its own class loader (the JUnit console's
     * {@code -jar ... --class-path}) leaves {@code java.class.path} without them.
     */
    static String childClassPath() throws java.net.URISyntaxException {
        java.util.Set<String> parts = new java.util.LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {GpuFaultChild.class, CudaContext.class, dev.vyre.core.VyreException.class}) {
            java.security.CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                parts.add(Path.of(source.getLocation().toURI()).toString());
            }
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                parts.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    @Test
    void childClassPathHoldsTheTestAndTheBinding() throws Exception {
        String path = childClassPath();
        for (Class<?> c : new Class<?>[] {GpuFaultChild.class, CudaContext.class}) {
            String where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            assertTrue(java.util.Arrays.asList(path.split(java.io.File.pathSeparator)).contains(where),
                    c + " from " + where + " is not on the child's class path " + path);
        }
    }

    @Test
    void illegalAddressIsStickyPoisonsTheContextAndCloseStillSucceeds() throws Exception {
        GpuTests.assumeGpu();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                childClassPath(), GpuFaultChild.class.getName())
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
