package dev.vyre.uring;

import dev.vyre.core.VyreException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Why one file of a stream could not be read: the file (path and id), the operation, the errno where the kernel
 * gave one, and a fix. The rest of the stream goes on; this arrives in an {@link IngestEvent.FileFailed}.
 */
public final class IngestFileException extends VyreException {
    private static final long serialVersionUID = 1L;

    /** What was being done when the file failed. */
    public enum Operation {
        /** Listing a directory given as a root. */
        LIST,
        /** Opening the file. */
        OPEN,
        /** Finding its type and size. */
        STAT,
        /** Reading its bytes. */
        READ;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final transient IngestFile file;
    private final Operation operation;
    private final int errno;
    private final long offset;

    private IngestFileException(IngestFile file, Operation operation, int errno, long offset, String problem,
            String fix, Throwable cause) {
        super(problem, fix, cause);
        this.file = file;
        this.operation = operation;
        this.errno = errno;
        this.offset = offset;
    }

    /** A failed system call on {@code file}; {@code offset} is the file offset of a read, or -1. */
    public static IngestFileException errno(IngestFile file, Operation operation, long offset, int errno) {
        return new IngestFileException(file, operation, errno, offset,
                "cannot " + operation + " " + file + at(offset) + ": " + LinuxErrno.describe(errno),
                fixFor(errno), null);
    }

    /** A failed Java I/O call on {@code file}; the errno is recovered from the exception type where possible. */
    public static IngestFileException io(IngestFile file, Operation operation, long offset, IOException e) {
        int errno = errnoOf(e);
        String why = errno != 0 ? LinuxErrno.describe(errno) : e.toString();
        return new IngestFileException(file, operation, errno, offset,
                "cannot " + operation + " " + file + at(offset) + ": " + why, fixFor(errno), e);
    }

    /** {@code file} is a directory, not a file. */
    public static IngestFileException directory(IngestFile file) {
        return new IngestFileException(file, Operation.STAT, LinuxErrno.EISDIR, -1,
                file + " is a directory, not a file (EISDIR)", fixFor(LinuxErrno.EISDIR), null);
    }

    /** {@code file} is a FIFO, socket or device: reading it by size has no meaning. */
    public static IngestFileException notRegular(IngestFile file) {
        return new IngestFileException(file, Operation.STAT, 0, -1,
                file + " is not a regular file (a FIFO, socket or device)",
                "read regular files only; copy the stream into a file first", null);
    }

    /** A read of {@code file} kept failing with a transient errno ({@code EAGAIN}, {@code EINTR}). */
    public static IngestFileException retriesExhausted(IngestFile file, long offset, int errno, int attempts) {
        return new IngestFileException(file, Operation.READ, errno, offset,
                "cannot read " + file + at(offset) + ": still " + LinuxErrno.describe(errno) + " after "
                        + attempts + " attempts",
                "retry later; the system is short of resources (memory, I/O workers)", null);
    }

    private static String at(long offset) {
        return offset >= 0 ? " at offset " + offset : "";
    }

    private static int errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return LinuxErrno.ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return LinuxErrno.EACCES;
        }
        if (e instanceof FileSystemLoopException) {
            return LinuxErrno.ELOOP;
        }
        if (e instanceof NotDirectoryException) {
            return LinuxErrno.ENOTDIR;
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return "Is a directory".equals(reason) ? LinuxErrno.EISDIR : 0;
    }

    private static String fixFor(int errno) {
        return switch (errno) {
            case LinuxErrno.ENOENT -> "check the path; the file may have been removed or renamed after it was listed";
            case LinuxErrno.EACCES, LinuxErrno.EPERM ->
                    "give this user read permission (chmod, chown or an ACL), or leave the file out";
            case LinuxErrno.EISDIR -> "pass directories as roots (ChunkReader.readPaths or IngestSources.expand) so"
                    + " that the files under them are read";
            case LinuxErrno.ENOTDIR -> "a part of the path is not a directory; check the path";
            case LinuxErrno.ELOOP -> "the path runs into a symbolic-link loop; fix or remove the link";
            case LinuxErrno.EIO -> "the device reported an I/O error; check the disk and the kernel log (dmesg)";
            case LinuxErrno.EMFILE, LinuxErrno.ENFILE -> "raise the open-files limit (ulimit -n)";
            case LinuxErrno.ENAMETOOLONG -> "shorten the path";
            default -> "check the file and the kernel log (dmesg)";
        };
    }

    /** The file that failed. */
    public IngestFile file() {
        return file;
    }

    /** Its path. */
    public Path path() {
        return file.path();
    }

    /** What was being done. */
    public Operation operation() {
        return operation;
    }

    /** The kernel's error number, or 0 where there was none (e.g. not a regular file). */
    public int errno() {
        return errno;
    }

    /** The file offset of the failed read, or -1 for failures before reading. */
    public long offset() {
        return offset;
    }
}
