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
 * Raw Linux syscalls through libc's variadic {@code syscall(long, ...)} and {@code close(int)}, with errno
 * captured by the linker (never read from a thread-local that the JVM may have overwritten).
 *
 * <p>Loading this class links the downcalls; callers that must not throw catch {@link LinkageError}.
 */
final class RawSyscalls {
    private RawSyscalls() {
    }

    /** The return value of a syscall ({@code -1} on failure) and the errno captured right after it. */
    record Result(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));

    /** {@code long syscall(long number, long arg1, void *arg2)}: variadic from the second argument. */
    private static final MethodHandle SYSCALL_LONG_PTR = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));

    /** {@code int close(int fd)}. */
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));

    /** {@code syscall(number, arg1, arg2)} for a syscall taking an integer and a pointer. */
    static Result syscall(long number, long arg1, MemorySegment arg2) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long ret = (long) SYSCALL_LONG_PTR.invokeExact(state, number, arg1, arg2);
            return new Result(ret, ret < 0 ? (int) ERRNO.get(state, 0L) : 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native downcall threw a checked exception", t);
        }
    }

    /** {@code close(fd)}. */
    static Result close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int ret = (int) CLOSE.invokeExact(state, fd);
            return new Result(ret, ret < 0 ? (int) ERRNO.get(state, 0L) : 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native downcall threw a checked exception", t);
        }
    }
}
