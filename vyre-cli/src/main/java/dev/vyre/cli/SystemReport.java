package dev.vyre.cli;

import dev.vyre.cuda.CudaProbe;
import dev.vyre.uring.UringAbi;
import dev.vyre.uring.UringProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code vyre info} reports: the JVM, the OS, io_uring and CUDA availability, and the backend vyre picks by
 * default. One report renders both as text and as a JSON object with the same content.
 *
 * @param vyreVersion the vyre version
 * @param javaVersion {@code java.version}
 * @param javaVendor  {@code java.vendor}
 * @param javaHome    {@code java.home}
 * @param osName      {@code os.name}
 * @param osArch      {@code os.arch}
 * @param kernel      the kernel release ({@code os.version}, i.e. {@code uname -r} on Linux)
 * @param cpus        processors available to the JVM
 * @param uring       the io_uring probe
 * @param cuda        the CUDA probe
 */
public record SystemReport(String vyreVersion, String javaVersion, String javaVendor, String javaHome,
                           String osName, String osArch, String kernel, int cpus, UringProbe uring, CudaProbe cuda) {

    /** Backend name used when a CUDA device is available. */
    public static final String BACKEND_CUDA = "cuda";
    /** Backend name of the CPU reference interpreter. */
    public static final String BACKEND_CPU = "cpu";

    public SystemReport {
        Objects.requireNonNull(uring, "uring");
        Objects.requireNonNull(cuda, "cuda");
    }

    /** Probes this process and machine; never throws for a missing io_uring or CUDA. */
    public static SystemReport gather() {
        return new SystemReport(VersionProvider.version(), System.getProperty("java.version", "?"),
                System.getProperty("java.vendor", "?"), System.getProperty("java.home", "?"),
                System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"),
                System.getProperty("os.version", "?"), Runtime.getRuntime().availableProcessors(),
                UringProbe.run(), CudaProbe.run());
    }

    /** {@code "cuda"} when a CUDA device is available, else {@code "cpu"}. */
    public String defaultBackend() {
        return cuda.available() ? BACKEND_CUDA : BACKEND_CPU;
    }

    /** The report as human-readable lines. */
    public List<String> toLines() {
        List<String> lines = new ArrayList<>();
        lines.add("vyre      " + vyreVersion);
        lines.add("Java      " + javaVersion + " (" + javaVendor + ") at " + javaHome);
        lines.add("OS        " + osName + " " + osArch + ", kernel " + kernel);
        lines.add("CPUs      " + cpus);
        lines.add("io_uring  " + (uring.available()
                ? "available, features 0x" + Integer.toHexString(uring.features()) + " "
                  + String.join(" ", UringAbi.featureNames(uring.features()))
                : "not available: " + uring.reason()));
        if (cuda.available()) {
            lines.add("CUDA      driver " + driverVersion(cuda.driverVersion()) + ", " + cuda.devices().size()
                    + " device(s)");
            for (CudaProbe.Device d : cuda.devices()) {
                lines.add("  [" + d.ordinal() + "] " + d.name() + ", compute capability " + d.ccMajor() + "."
                        + d.ccMinor() + ", " + gib(d.totalMemBytes()) + ", " + d.multiprocessors() + " SMs"
                        + (d.canMapHostMemory() ? ", maps host memory" : ", cannot map host memory"));
            }
        } else {
            lines.add("CUDA      not available: " + cuda.reason());
        }
        lines.add("Backend   " + defaultBackend() + " (default)");
        return lines;
    }

    /** The report as a JSON-ready map (see {@link Json}). */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("vyreVersion", vyreVersion);
        root.put("java", ordered("version", javaVersion, "vendor", javaVendor, "home", javaHome));
        root.put("os", ordered("name", osName, "arch", osArch, "kernel", kernel));
        root.put("cpus", cpus);
        root.put("ioUring", ordered("available", uring.available(), "features", uring.features(),
                "featureNames", UringAbi.featureNames(uring.features()), "reason", uring.reason()));
        List<Object> devices = new ArrayList<>();
        for (CudaProbe.Device d : cuda.devices()) {
            devices.add(ordered("ordinal", d.ordinal(), "name", d.name(),
                    "computeCapability", d.ccMajor() + "." + d.ccMinor(), "totalMemBytes", d.totalMemBytes(),
                    "multiprocessors", d.multiprocessors(), "canMapHostMemory", d.canMapHostMemory()));
        }
        root.put("cuda", ordered("available", cuda.available(), "reason", cuda.reason(),
                "driverVersion", cuda.driverVersion(), "devices", devices));
        root.put("defaultBackend", defaultBackend());
        return root;
    }

    /** A CUDA driver version such as 12080 as {@code 12.8}. */
    static String driverVersion(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
