package dev.vyre.runtime.bench;

import dev.vyre.runtime.cache.CacheSettings;
import dev.vyre.runtime.cuda.CudaBackend;
import dev.vyre.runtime.cuda.CudaBackendException;
import dev.vyre.runtime.cuda.WorkerShape;
import java.util.Locale;

/**
 * One CUDA megakernel configuration to measure, written {@code SHAPE:WORKERS:MIN-MAX} (e.g.
 * {@code THREAD:32:64-2048}) or {@code SHAPE:WORKERS:MIN-MAX:DOORBELL} (e.g. {@code THREAD:128:1-16384:2}): the
 * {@link WorkerShape}, the worker count (0: the backend's default), the workers' idle backoff in nanoseconds and
 * the doorbell pollers (0, the default: none; docs/MEGAKERNEL-CUDA.md, "Doorbell fast path"). A trailing {@code :IR}
 * (e.g. {@code THREAD:0:1-64:IR}, or {@code THREAD:0:1-16384:3:IR} with 3 doorbell pollers) measures the IR-built
 * kernel ({@code CudaBackend.Settings.withIrKernel()}; THREAD workers; docs/MEGAKERNEL-CUDA.md, "The IR-built
 * kernel").
 *
 * @param shape           how workers map to threads
 * @param workers         workers, 0 for the backend's default
 * @param backoffMinNanos first idle sleep
 * @param backoffMaxNanos longest idle sleep
 * @param doorbellPollers doorbell pollers beside the workers, 0 for none
 * @param irKernel        whether it runs the IR-built kernel instead of the hand-written one
 */
public record CudaVariant(WorkerShape shape, int workers, int backoffMinNanos, int backoffMaxNanos,
                          int doorbellPollers, boolean irKernel) {
    /** The suffix that selects the IR-built kernel. */
    public static final String IR_SUFFIX = "IR";

    /** The backend's default configuration. */
    public static final CudaVariant DEFAULT = new CudaVariant(WorkerShape.THREAD, 0,
            CudaBackend.DEFAULT_BACKOFF_MIN_NANOS, CudaBackend.DEFAULT_BACKOFF_MAX_NANOS,
            CudaBackend.DEFAULT_DOORBELL_POLLERS);

    public CudaVariant {
        if (shape == null || workers < 0) {
            throw new BenchException("CUDA variant with shape " + shape + " and " + workers + " workers",
                    "give a shape (THREAD or WARP) and 0 or more workers");
        }
        try {
            new CudaBackend.Settings(0, shape, backoffMinNanos, backoffMaxNanos, 1, CacheSettings.disabled(),
                    doorbellPollers, irKernel);
        } catch (CudaBackendException e) {
            throw new BenchException("CUDA variant backoff " + backoffMinNanos + "-" + backoffMaxNanos + " ns, "
                    + doorbellPollers + " doorbell pollers" + (irKernel ? ", IR-built kernel with shape " + shape
                    : "") + " is invalid: " + e.problem(), e.fix(), e);
        }
    }

    /** A variant of the hand-written kernel. */
    public CudaVariant(WorkerShape shape, int workers, int backoffMinNanos, int backoffMaxNanos,
                       int doorbellPollers) {
        this(shape, workers, backoffMinNanos, backoffMaxNanos, doorbellPollers, false);
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
                + " at the end for the IR-built kernel (THREAD workers), e.g. THREAD:0:1-16384:3:" + IR_SUFFIX;
        if (spec == null) {
            throw new BenchException("CUDA variant is missing", fix);
        }
        String[] parts = spec.strip().split(":", -1);
        boolean ir = parts.length > 1 && parts[parts.length - 1].strip().equalsIgnoreCase(IR_SUFFIX);
        if (ir) {
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
                    ir);
        } catch (IllegalArgumentException e) {
            throw new BenchException("CUDA variant '" + spec + "': " + e.getMessage(), fix, e);
        }
    }

    /** The backend settings on device {@code ordinal}. */
    public CudaBackend.Settings settings(int ordinal) {
        CudaBackend.Settings s = new CudaBackend.Settings(ordinal, shape, backoffMinNanos, backoffMaxNanos,
                CudaBackend.DEFAULT_MAX_WORKERS).withDoorbell(doorbellPollers);
        return irKernel ? s.withIrKernel() : s;
    }

    /** The spec this variant parses from. */
    public String spec() {
        return shape + ":" + workers + ":" + backoffMinNanos + "-" + backoffMaxNanos
                + (doorbellPollers > 0 ? ":" + doorbellPollers : "") + (irKernel ? ":" + IR_SUFFIX : "");
    }

    @Override
    public String toString() {
        return spec();
    }
}
