package dev.vyre.uring;

/** The Linux errno values vyre explains (asm-generic numbering, shared by x86-64 and aarch64). */
public final class LinuxErrno {
    private LinuxErrno() {
    }

    public static final int EPERM = 1;
    public static final int EINTR = 4;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;

    /** The symbolic name of {@code errno}, or {@code errno <n>} for values this class does not know. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case EINTR -> "EINTR";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case EINVAL -> "EINVAL";
            case ENOSYS -> "ENOSYS";
            default -> "errno " + errno;
        };
    }
}
