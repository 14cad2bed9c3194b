package dev.vyre.uring;

import dev.vyre.core.VyreException;

/**
 * A failure of the io_uring machinery itself (setting up or mapping a ring, {@code io_uring_enter},
 * {@code io_uring_register}) or a misuse of {@link IoUring}. Failures of single reads are not these: the reader
 * reports them per file as {@link IngestFileException}.
 */
public class UringException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    /** A failure with no errno (a misuse, or a limit vyre checks itself). */
    public UringException(String problem, String fix) {
        this(problem, 0, fix);
    }

    /** A failed system call; {@code errno} is the kernel's error number. */
    public UringException(String problem, int errno, String fix) {
        super(problem, fix);
        this.errno = errno;
    }

    /** The errno of the failed system call, or 0 where none failed. */
    public int errno() {
        return errno;
    }
}
