package dev.vyre.runtime.cuda;

/**
 * The architecture the megakernel PTX is written for: {@code .target sm_XY} under {@code .version 8.0}. The kernel
 * needs {@code sm_70} or newer (system-scope acquire/release, {@code nanosleep}). PTX ISA 8.0 names targets up to
 * {@code sm_90}; the driver JIT-compiles {@code sm_90} PTX for any newer device, so {@link #forDevice} caps there.
 *
 * @param major compute capability major
 * @param minor compute capability minor
 */
public record SmTarget(int major, int minor) {
    /** Targets PTX ISA 8.0 defines from sm_70 on, as {@code major * 10 + minor}. */
    private static final int[] KNOWN = {70, 72, 75, 80, 86, 87, 89, 90};
    /** The PTX ISA version of the generated module. */
    public static final String PTX_VERSION = "8.0";
    /** The H100. */
    public static final SmTarget SM_90 = new SmTarget(9, 0);

    public SmTarget {
        if (!isKnown(major * 10 + minor) || minor < 0 || minor > 9) {
            throw new CudaBackendException("PTX target sm_" + major + minor + " is not one the megakernel is "
                    + "written for (PTX ISA " + PTX_VERSION + ": sm_70, 72, 75, 80, 86, 87, 89, 90)",
                    "use SmTarget.forDevice(major, minor), which picks the newest target the device runs");
        }
    }

    /**
     * The target for a device of compute capability {@code major.minor}: its own where PTX ISA 8.0 names it, else
     * the newest known one below it.
     *
     * @throws CudaBackendException for devices older than sm_70
     */
    public static SmTarget forDevice(int major, int minor) {
        int sm = major * 10 + minor;
        if (sm < KNOWN[0]) {
            throw new CudaBackendException("the CUDA device has compute capability " + major + "." + minor
                    + ", older than 7.0: the megakernel needs system-scope acquire/release and nanosleep",
                    "run on the cpu backend, or on a GPU of compute capability 7.0 or newer");
        }
        int best = KNOWN[0];
        for (int known : KNOWN) {
            if (known <= sm) {
                best = known;
            }
        }
        return new SmTarget(best / 10, best % 10);
    }

    /** The target name, e.g. {@code sm_90}. */
    public String smName() {
        return "sm_" + major + minor;
    }

    /** The module header: {@code .version}, {@code .target}, {@code .address_size}. */
    String header() {
        return ".version " + PTX_VERSION + "\n.target " + smName() + "\n.address_size 64\n";
    }

    private static boolean isKnown(int sm) {
        for (int known : KNOWN) {
            if (known == sm) {
                return true;
            }
        }
        return false;
    }
}
