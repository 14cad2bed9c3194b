package dev.vyre.runtime.bench;

import dev.vyre.runtime.cache.CacheSettings;
import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.CudaBackendException;
import dev.vyre.runtime.cuda.KernelBuild;
import dev.vyre.runtime.cuda.WorkerShape;
import java.util.Locale;

/**
 * One CUDA megakernel configuration to measure, written {@code SHAPE:WORKERS:MIN-MAX} (e.g.
 * {@code THREAD:32:64-2048}) or {@code SHAPE:WORKERS:MIN-MAX:DOORBELL} (e.g. {@code THREAD:128:1-16384:2}): the
 * {@link WorkerShape}, the worker count (0: the backend's default), the workers' idle backoff in nanoseconds and
 * the doorbell pollers (0, the default: none; docs/MEGAKERNEL-CUDA.md, "Doorbell fast path"). Without a suffix the
 * variant runs the kernel the backend picks by default ({@link KernelBuild#IR_WHERE_SUPPORTED}: the IR-built kernel
 * for THREAD workers, the hand-written one for WARP); a trailing {@code :IR} (e.g. {@code THREAD:0:1-16384:4:IR})
 * requires the IR-built kernel ({@code CudaBackend.Settings.withIrKernel()}), a trailing {@code :HW} the hand-written
 * one (docs/MEGAKERNEL-CUDA.md, "The IR-built kernel").
 *
 * @param shape           how workers map to threads
 * @param workers         workers, 0 for the backend's default
 * @param backoffMinNanos first idle sleep
 * @param backoffMaxNanos longest idle sleep
 * @param doorbellPollers doorbell pollers beside the workers, 0 for none
 * @param kernel          which kernel it runs
 */
public record CudaVariant(WorkerShape shape, int workers, int backoffMinNanos, int backoffMaxNanos,
                          int doorbellPollers, KernelBuild kernel) {
    /** The suffix that requires the IR-built kernel. */
    public static final String IR_SUFFIX = "IR";
    /** The suffix that requires the hand-written kernel. */
    public static final String HAND_WRITTEN_SUFFIX = "HW";

    /** The backend's default configuration. */
    public static final CudaVariant DEFAULT = new CudaVariant(WorkerShape.THREAD, 0,
            CudaBackend.DEFAULT_BACKOFF_MIN_NANOS, CudaBackend.DEFAULT_BACKOFF_MAX_NANOS,
            CudaBackend.DEFAULT_DOORBELL_POLLERS, KernelBuild.IR_WHERE_SUPPORTED);

    public CudaVariant {
        if (shape == null || workers < 0 || kernel == null) {
            throw new BenchException("CUDA variant with shape " + shape + " and " + workers + " workers",
                    "give a shape (THREAD or WARP) and 0 or more workers");
        }
        try {
            new CudaBackend.Settings(0, shape, backoffMinNanos, backoffMaxNanos, 1, CacheSettings.disabled(),
                    doorbellPollers, kernel);
        } catch (CudaBackendException e) {
            throw new BenchException("CUDA variant backoff " + backoffMinNanos + "-" + backoffMaxNanos + " ns, "
                    + doorbellPollers + " doorbell pollers"
                    + (kernel == KernelBuild.IR ? ", IR-built kernel with shape " + shape
                    : "") + " is invalid: " + e.problem(), e.fix(), e);
        }
    }

    /** A variant of the kernel the backend picks by default ({@link KernelBuild#IR_WHERE_SUPPORTED}). */
    public CudaVariant(WorkerShape shape, int workers, int backoffMinNanos, int backoffMaxNanos,
                       int doorbellPollers) {
        this(shape, workers, backoffMinNanos, backoffMaxNanos, doorbellPollers, KernelBuild.IR_WHERE_SUPPORTED);
    }

    /** A variant without doorbell pollers. */
    public CudaVariant(WorkerShape shape, int workers, int backoffMinNanos, int backoffMaxNanos) {
        this(shape, workers, backoffMinNanos, backoffMaxNanos, 0);
    }

    /**
     * Parses {@code SHAPE:WORKERS:MIN-MAX[:DOORBELL]}, e.g. {@code THREAD:32:64-2048}, {@code warp:0:32-256} or
     * {@code THREAD:128:1-16384:2}.
     *
     * @throws BenchException for anything else
     */
    public static CudaVariant parse(String spec) {
        String fix = "write SHAPE:WORKERS:MIN-MAX or SHAPE:WORKERS:MIN-MAX:DOORBELL, e.g. THREAD:32:64-2048 (shape"
                + " THREAD or WARP, workers 0 for the default, idle backoff in ns, doorbell pollers 0.."
                + dev.vyre.runtime.cuda.MegakernelPtx.Options.MAX_DOORBELL_POLLERS + "), with :" + IR_SUFFIX
                + " at the end to require the IR-built kernel (THREAD workers) or :" + HAND_WRITTEN_SUFFIX
                + " the hand-written one, e.g. THREAD:0:1-16384:4:" + HAND_WRITTEN_SUFFIX;
        if (spec == null) {
            throw new BenchException("CUDA variant is missing", fix);
        }
        String[] parts = spec.strip().split(":", -1);
        KernelBuild kernel = parts.length < 2 ? KernelBuild.IR_WHERE_SUPPORTED : suffixKernel(parts[parts.length - 1]);
        if (kernel != KernelBuild.IR_WHERE_SUPPORTED) {
            parts = java.util.Arrays.copyOf(parts, parts.length - 1);
        }
        boolean sized = parts.length == 3 || parts.length == 4;
        String[] backoff = sized ? parts[2].split("-", -1) : new String[0];
        if (!sized || backoff.length != 2) {
            throw new BenchException("CUDA variant '" + spec + "' is not SHAPE:WORKERS:MIN-MAX[:DOORBELL]", fix);
        }
        try {
            return new CudaVariant(WorkerShape.valueOf(parts[0].strip().toUpperCase(Locale.ROOT)),
                    Integer.parseInt(parts[1].strip()), Integer.parseInt(backoff[0].strip()),
                    Integer.parseInt(backoff[1].strip()), parts.length == 4 ? Integer.parseInt(parts[3].strip()) : 0,
                    kernel);
        } catch (IllegalArgumentException e) {
            throw new BenchException("CUDA variant '" + spec + "': " + e.getMessage(), fix, e);
        }
    }

    /** The kernel a final spec part asks for: {@code IR}, {@code HW}, or else none (the backend's pick). */
    private static KernelBuild suffixKernel(String part) {
        String p = part.strip();
        return p.equalsIgnoreCase(IR_SUFFIX) ? KernelBuild.IR
                : p.equalsIgnoreCase(HAND_WRITTEN_SUFFIX) ? KernelBuild.HAND_WRITTEN : KernelBuild.IR_WHERE_SUPPORTED;
    }

    /** The backend settings on device {@code ordinal}. */
    public CudaBackend.Settings settings(int ordinal) {
        return new CudaBackend.Settings(ordinal, shape, backoffMinNanos, backoffMaxNanos,
                CudaBackend.DEFAULT_MAX_WORKERS).withDoorbell(doorbellPollers).withKernel(kernel);
    }

    /** The spec this variant parses from. */
    public String spec() {
        return shape + ":" + workers + ":" + backoffMinNanos + "-" + backoffMaxNanos
                + (doorbellPollers > 0 ? ":" + doorbellPollers : "") + switch (kernel) {
                    case IR -> ":" + IR_SUFFIX;
                    case HAND_WRITTEN -> ":" + HAND_WRITTEN_SUFFIX;
                    case IR_WHERE_SUPPORTED -> "";
                };
    }

    @Override
    public String toString() {
        return spec();
    }
}
