package dev.vyre.runtime.isolated;

import dev.vyre.runtime.BootstrapException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How an {@link IsolatedBackend} runs its child process (docs/TENANTS.md, isolated backend).
 *
 * @param inner        what runs the ring inside the child: the CPU workers or the CUDA megakernel
 * @param cudaOrdinal  the CUDA device (with {@link Inner#CUDA})
 * @param watchdog     how long DONE_COUNT may stay still while slots are published or claimed before the child is
 *                     declared hung and killed (ZERO: no watchdog; a dead child is still detected). Make it longer
 *                     than the longest slot
 * @param startTimeout how long a child may take from launch to running workers
 * @param directory    where the shared ring file lives: {@code /dev/shm} where it exists and is writable, else the
 *                     temporary directory
 * @param jvmArgs      extra arguments of the child JVM (before the class name)
 * @param maxRestarts  children started after the first, in all, before the backend gives up (its unfinished slots
 *                     then fail as not executed)
 * @param childHook    test-only: a {@link ChildHook} class the child instantiates (CPU inside only), or null
 * @param faultOpcode  test-only: a user opcode whose dispatch in the CUDA megakernel first stores to an unmapped
 *                     device address (CUDA_ERROR_ILLEGAL_ADDRESS), or 0 for none
 */
public record IsolatedOptions(Inner inner, int cudaOrdinal, Duration watchdog, Duration startTimeout, Path directory,
                              List<String> jvmArgs, int maxRestarts, String childHook, int faultOpcode) {
    /** Default of {@link #watchdog}. */
    public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(10);
    /** Default of {@link #startTimeout}. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Default of {@link #maxRestarts}. */
    public static final int DEFAULT_MAX_RESTARTS = 32;

    /** What runs the ring in the child. */
    public enum Inner {
        CPU, CUDA
    }

    public IsolatedOptions {
        if (inner == null || watchdog == null || startTimeout == null || directory == null || jvmArgs == null
                || watchdog.isNegative() || !startTimeout.isPositive() || cudaOrdinal < 0 || maxRestarts < 0) {
            throw new BootstrapException("isolated backend options: inner " + inner + ", watchdog " + watchdog
                    + ", start timeout " + startTimeout + ", directory " + directory + ", cuda device " + cudaOrdinal
                    + ", max restarts " + maxRestarts, "start from IsolatedOptions.cpu() or IsolatedOptions.cuda()");
        }
        jvmArgs = List.copyOf(jvmArgs);
    }

    /** The CPU workers in a child process, with the defaults. */
    public static IsolatedOptions cpu() {
        return new IsolatedOptions(Inner.CPU, 0, DEFAULT_WATCHDOG, DEFAULT_START_TIMEOUT, defaultDirectory(),
                List.of(), DEFAULT_MAX_RESTARTS, null, 0);
    }

    /** The CUDA megakernel on device 0 in a child process, with the defaults. */
    public static IsolatedOptions cuda() {
        return new IsolatedOptions(Inner.CUDA, 0, DEFAULT_WATCHDOG, DEFAULT_START_TIMEOUT, defaultDirectory(),
                List.of(), DEFAULT_MAX_RESTARTS, null, 0);
    }

    /** {@code /dev/shm} where it is a writable directory, else {@code java.io.tmpdir}. */
    static Path defaultDirectory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    public IsolatedOptions withCudaDevice(int ordinal) {
        return new IsolatedOptions(inner, ordinal, watchdog, startTimeout, directory, jvmArgs, maxRestarts, childHook,
                faultOpcode);
    }

    public IsolatedOptions withWatchdog(Duration period) {
        return new IsolatedOptions(inner, cudaOrdinal, period, startTimeout, directory, jvmArgs, maxRestarts,
                childHook, faultOpcode);
    }

    public IsolatedOptions withStartTimeout(Duration timeout) {
        return new IsolatedOptions(inner, cudaOrdinal, watchdog, timeout, directory, jvmArgs, maxRestarts, childHook,
                faultOpcode);
    }

    public IsolatedOptions withDirectory(Path dir) {
        return new IsolatedOptions(inner, cudaOrdinal, watchdog, startTimeout, dir, jvmArgs, maxRestarts, childHook,
                faultOpcode);
    }

    public IsolatedOptions withJvmArgs(List<String> args) {
        return new IsolatedOptions(inner, cudaOrdinal, watchdog, startTimeout, directory, args, maxRestarts, childHook,
                faultOpcode);
    }

    public IsolatedOptions withMaxRestarts(int restarts) {
        return new IsolatedOptions(inner, cudaOrdinal, watchdog, startTimeout, directory, jvmArgs, restarts,
                childHook, faultOpcode);
    }

    /** Test-only: the child runs {@code hook} before every slot (CPU inside only). */
    public IsolatedOptions withChildHook(Class<? extends ChildHook> hook) {
        return new IsolatedOptions(inner, cudaOrdinal, watchdog, startTimeout, directory, jvmArgs, maxRestarts,
                hook == null ? null : hook.getName(), faultOpcode);
    }

    /** Test-only: slots of user opcode {@code opcode} make the CUDA megakernel store out of bounds (0: none). */
    public IsolatedOptions withInjectedFault(int opcode) {
        return new IsolatedOptions(inner, cudaOrdinal, watchdog, startTimeout, directory, jvmArgs, maxRestarts,
                childHook, opcode);
    }
}
