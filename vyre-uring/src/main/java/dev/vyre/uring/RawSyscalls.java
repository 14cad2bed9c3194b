package dev.vyre.uring;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Raw Linux syscalls through libc's variadic {@code syscall(long, ...)}, plus the libc wrappers {@code close},
 * {@code open}, {@code statx}, {@code mmap} and {@code munmap}, with errno captured by the linker (never read from
 * a thread-local that the JVM may have overwritten).
 *
 * <p>Loading this class links the downcalls; callers that must not throw catch {@link LinkageError}.
 */
@SuppressWarnings("restricted") // native downcalls are what this class is for
final class RawSyscalls {
    private RawSyscalls() {
    }

    /** The return value of a call ({@code -1} on failure) and the errno captured right after it. */
    record Result(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));

    /** One capture-state block per thread, freed by the GC with the thread's map entry. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    /** {@code long syscall(long number, long arg1, void *arg2)}: variadic from the second argument. */
    private static final MethodHandle SYSCALL_LONG_PTR = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(1));

    /** {@code long syscall(long number, long a1, ..., long a6)}: pointers travel as addresses. */
    private static final MethodHandle SYSCALL6 = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    /** {@code int close(int fd)}. */
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** {@code int open(const char *path, int flags, ...)} called with a zero mode. */
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));

    /** {@code int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)}. */
    private static final MethodHandle STATX = downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}. */
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));

    /** {@code int munmap(void *addr, size_t length)}. */
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        System.arraycopy(extra, 0, options, 0, extra.length);
        options[extra.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, options);
    }

    private static Result result(MemorySegment state, long ret) {
        return new Result(ret, ret < 0 ? (int) ERRNO.get(state, 0L) : 0);
    }

    private static IllegalStateException checked(Throwable t) {
        return new IllegalStateException("native downcall threw a checked exception", t);
    }

    /** {@code syscall(number, arg1, arg2)} for a syscall taking an integer and a pointer. */
    static Result syscall(long number, long arg1, MemorySegment arg2) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (long) SYSCALL_LONG_PTR.invokeExact(state, number, arg1, arg2));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }

    /** {@code syscall(number, a1, ..., a6)}; pointer arguments are passed as their addresses. */
    static Result syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (long) SYSCALL6.invokeExact(state, number, a1, a2, a3, a4, a5, a6));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }

    /** {@code close(fd)}. */
    static Result close(int fd) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (int) CLOSE.invokeExact(state, fd));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }

    /** {@code open(path, flags, 0)}; {@code path} is a NUL-terminated string. */
    static Result open(MemorySegment path, int flags) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (int) OPEN.invokeExact(state, path, flags, 0));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }

    /** {@code statx(dirfd, path, flags, mask, buf)}. */
    static Result statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (int) STATX.invokeExact(state, dirfd, path, flags, mask, buf));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }

    /** {@code mmap(NULL, length, prot, flags, fd, offset)}: the address, or {@code -1} (MAP_FAILED) and errno. */
    static Result mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (long) MMAP.invokeExact(state, 0L, length, prot, flags, fd, offset));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }

    /** {@code munmap(address, length)}. */
    static Result munmap(long address, long length) {
        MemorySegment state = STATE.get();
        try {
            return result(state, (int) MUNMAP.invokeExact(state, address, length));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw checked(t);
        }
    }
}
