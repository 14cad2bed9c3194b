package dev.vyre.runtime;

/** Which backend {@link Megakernel#bootstrap(BackendKind, MegakernelConfig)} uses. */
public enum BackendKind {
    /** The best backend available; for now always {@link #CPU}. */
    AUTO,
    /** JVM worker threads over off-heap memory ({@code dev.vyre.runtime.cpu.CpuBackend}). */
    CPU,
    /** One persistent CUDA kernel, from a {@link BackendProvider} on the class path. */
    CUDA,
    /**
     * The CPU workers in a child JVM over a shared ring file, restarted after a crash or hang with nothing lost
     * ({@code dev.vyre.runtime.isolated.IsolatedBackend}, docs/TENANTS.md); opt-in, costs a process.
     */
    CPU_ISOLATED,
    /**
     * The CUDA megakernel in a child JVM over a shared ring file registered with the driver: a kernel fault (which
     * poisons the whole process's CUDA state) kills only the child, which is replaced with nothing lost
     * ({@code dev.vyre.runtime.isolated.IsolatedBackend}, docs/TENANTS.md); opt-in, costs a process.
     */
    CUDA_ISOLATED
}
