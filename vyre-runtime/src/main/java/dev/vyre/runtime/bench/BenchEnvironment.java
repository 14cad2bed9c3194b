package dev.vyre.runtime.bench;

import dev.vyre.cuda.CudaProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine a benchmark ran on, as written to the JSON evidence. */
final class BenchEnvironment {
    private BenchEnvironment() {
    }

    /** The JVM, the OS, the processors and, when {@code cuda} is not null, what the CUDA driver reported. */
    static Map<String, Object> gather(CudaProbe cuda, int cudaDevice) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("version", System.getProperty("java.version", "?"));
        java.put("runtimeVersion", Runtime.version().toString());
        java.put("vendor", System.getProperty("java.vendor", "?"));
        java.put("vm", System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.vm.version", ""));
        m.put("java", java);
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name", "?"));
        os.put("arch", System.getProperty("os.arch", "?"));
        os.put("version", System.getProperty("os.version", "?"));
        m.put("os", os);
        m.put("processors", Runtime.getRuntime().availableProcessors());
        if (cuda != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("available", cuda.available());
            c.put("reason", cuda.reason());
            c.put("driverVersion", cuda.driverVersion());
            c.put("driver", driverName(cuda.driverVersion()));
            List<Object> devices = new ArrayList<>();
            for (CudaProbe.Device d : cuda.devices()) {
                Map<String, Object> dev = new LinkedHashMap<>();
                dev.put("ordinal", d.ordinal());
                dev.put("name", d.name());
                dev.put("computeCapability", d.ccMajor() + "." + d.ccMinor());
                dev.put("multiprocessors", d.multiprocessors());
                dev.put("totalMemBytes", d.totalMemBytes());
                dev.put("canMapHostMemory", d.canMapHostMemory());
                devices.add(dev);
            }
            c.put("devices", devices);
            c.put("benchDevice", cudaDevice);
            m.put("cuda", c);
        }
        return m;
    }

    /** A driver version such as 13000 as {@code 13.0}; "unknown" for 0. */
    static String driverName(int version) {
        return version <= 0 ? "unknown" : version / 1000 + "." + version % 1000 / 10;
    }
}
