package dev.vyre.uring;

/**
 * Whether io_uring can be used in this process, without throwing.
 *
 * @param available true when io_uring_setup succeeded (the test ring was closed again)
 * @param reason    why not (empty when available): ENOSYS (old kernel), EPERM (seccomp or
 *                  kernel.io_uring_disabled), ..., ending with a Fix hint
 * @param features  the IORING_FEAT_* bits the kernel reported, 0 when unavailable
 */
public record UringProbe(boolean available, String reason, int features) {
    /** Probes io_uring; never throws. */
    public static UringProbe run() {
        return new UringProbe(false, "not implemented yet. Fix: none", 0);
    }
}
