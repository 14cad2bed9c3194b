package dev.vyre.cuda.ptx;

/**
 * The GPU architecture emitted PTX is written for: the {@code .target sm_XY} directive under
 * {@code .version 8.0}. The emitter needs {@code sm_80} or newer ({@code redux.sync}, {@code .relaxed.sys}
 * memory operations); PTX ISA 8.0 names targets up to {@code sm_90}, and PTX written for {@code sm_90} is
 * JIT-compiled by the driver for any newer device, so {@link #forDevice} caps the target there.
 *
 * @param major compute capability major (8 or 9)
 * @param minor compute capability minor
 */
public record PtxTarget(int major, int minor) {
    /** The supported targets as {@code 10 * major + minor}; declared first, the constants below need it. */
    private static final int[] SUPPORTED = {80, 86, 87, 89, 90};
    /** The PTX ISA version every emitted module declares. */
    public static final String PTX_VERSION = "8.0";
    /** The H100 (and the default target). */
    public static final PtxTarget SM_90 = new PtxTarget(9, 0);
    /** The A100, the oldest supported target. */
    public static final PtxTarget SM_80 = new PtxTarget(8, 0);

    public PtxTarget {
        int sm = major * 10 + minor;
        boolean known = minor >= 0 && minor <= 9 && java.util.Arrays.stream(SUPPORTED).anyMatch(s -> s == sm);
        if (!known) {
            throw new PtxEmitException(null, "PTX target sm_" + major + minor + " is not supported by the emitter"
                    + " (PTX ISA " + PTX_VERSION + " targets sm_80, sm_86, sm_87, sm_89 and sm_90)",
                    "use PtxTarget.forDevice(major, minor), which picks the newest supported target a device runs");
        }
    }

    /** The default target: {@link #SM_90}. */
    public static PtxTarget defaultTarget() {
        return SM_90;
    }

    /**
     * The target to emit for a device of compute capability {@code major.minor}: the device's own where it is
     * supported, else the newest supported one below it ({@code sm_90} for any newer GPU, whose driver JIT-compiles
     * sm_90 PTX).
     *
     * @throws PtxEmitException for devices older than sm_80
     */
    public static PtxTarget forDevice(int major, int minor) {
        int sm = major * 10 + minor;
        if (sm < 80) {
            throw new PtxEmitException(null, "a device of compute capability " + major + "." + minor
                    + " is older than sm_80, the oldest target the PTX emitter supports",
                    "run on the cpu backend, or on a GPU of compute capability 8.0 or newer");
        }
        int best = 80;
        for (int s : SUPPORTED) {
            if (s <= sm) {
                best = s;
            }
        }
        return new PtxTarget(best / 10, best % 10);
    }

    /** The target name, e.g. {@code sm_90}. */
    public String smName() {
        return "sm_" + major + minor;
    }

    /** The module header: {@code .version}, {@code .target} and {@code .address_size} lines. */
    public String header() {
        return ".version " + PTX_VERSION + "\n.target " + smName() + "\n.address_size 64\n";
    }
}
