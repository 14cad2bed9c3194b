package dev.vyre.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Whether io_uring can be used in this process, without throwing.
 *
 * @param available true when io_uring_setup succeeded (the test ring was closed again)
 * @param reason    why not (empty when available): ENOSYS (old kernel), EPERM (seccomp or
 *                  kernel.io_uring_disabled), ..., ending with a Fix hint
 * @param features  the IORING_FEAT_* bits the kernel reported, 0 when unavailable
 */
public record UringProbe(boolean available, String reason, int features) {

    /** Submission queue size of the throw-away probe ring. */
    static final int PROBE_ENTRIES = 8;

    /** Probes io_uring; never throws. */
    public static UringProbe run() {
        return run(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    static UringProbe run(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return unavailable("io_uring is a Linux kernel interface and this is " + osName
                    + ". Fix: run vyre on Linux 5.1 or newer to use io_uring");
        }
        OptionalLong setup = UringAbi.ioUringSetupNumber(osArch);
        if (setup.isEmpty()) {
            return unavailable("vyre does not know the io_uring_setup syscall number on " + osArch
                    + ". Fix: run on x86-64 or aarch64");
        }
        try {
            return setUpAndClose(setup.getAsLong());
        } catch (RuntimeException | LinkageError e) {
            return unavailable("could not call io_uring_setup through libc (" + e + ")"
                    + ". Fix: start java with --enable-native-access=ALL-UNNAMED (the vyre launcher does)");
        }
    }

    private static UringProbe setUpAndClose(long syscallNumber) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(UringAbi.IO_URING_PARAMS);
            params.fill((byte) 0);
            RawSyscalls.Result fd = RawSyscalls.syscall(syscallNumber, PROBE_ENTRIES, params);
            if (fd.failed()) {
                return unavailable(reasonFor(fd.errno()));
            }
            int features = (int) UringAbi.PARAMS_FEATURES.get(params, 0L);
            RawSyscalls.close((int) fd.value());
            return new UringProbe(true, "", features);
        }
    }

    private static UringProbe unavailable(String reason) {
        return new UringProbe(false, reason, 0);
    }

    /**
     * Explains a failed {@code io_uring_setup} by its errno: what it means on Linux and how to fix it. The text
     * names the errno and ends with {@code Fix: ...}.
     */
    public static String reasonFor(int errno) {
        String name = LinuxErrno.name(errno);
        return "io_uring_setup failed with " + name + ": " + switch (errno) {
            case LinuxErrno.ENOSYS -> "this kernel has no io_uring (Linux older than 5.1, or built without"
                    + " CONFIG_IO_URING). Fix: run on Linux 5.1 or newer (5.19+ recommended) with io_uring enabled";
            case LinuxErrno.EPERM -> "io_uring is not allowed for this process (sysctl kernel.io_uring_disabled"
                    + " is 1 or 2, or a seccomp filter such as a container runtime's default profile blocks it)."
                    + " Fix: set sysctl kernel.io_uring_disabled=0 (or add this user's group to"
                    + " kernel.io_uring_group), or allow io_uring_setup/io_uring_enter/io_uring_register in the"
                    + " container's seccomp profile";
            case LinuxErrno.EACCES -> "access to io_uring was denied (a security module or seccomp policy)."
                    + " Fix: allow io_uring_setup for this process in the SELinux/AppArmor/seccomp policy";
            case LinuxErrno.ENOMEM -> "the kernel could not allocate the ring (out of memory, or RLIMIT_MEMLOCK"
                    + " too low on kernels before 5.12). Fix: raise the locked-memory limit (ulimit -l, or"
                    + " LimitMEMLOCK= for a systemd service) or free memory";
            case LinuxErrno.EMFILE, LinuxErrno.ENFILE -> "no file descriptor was left for the ring."
                    + " Fix: raise the open-files limit (ulimit -n) or close unused descriptors";
            case LinuxErrno.EINVAL -> "the kernel rejected the probe's parameters (" + PROBE_ENTRIES
                    + " entries, zeroed io_uring_params). Fix: report this with the output of uname -r";
            case LinuxErrno.EFAULT -> "the kernel could not access io_uring_params."
                    + " Fix: report this as a vyre bug with the output of uname -m and uname -r";
            case LinuxErrno.EINTR -> "the call was interrupted by a signal. Fix: run the probe again";
            default -> "an error this probe does not know. Fix: check dmesg and the kernel's io_uring support"
                    + " (uname -r), and report it";
        };
    }
}
