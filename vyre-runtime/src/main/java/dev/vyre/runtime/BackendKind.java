package dev.vyre.runtime;

/** Which backend {@link Megakernel#bootstrap(BackendKind, MegakernelConfig)} uses. */
public enum BackendKind {
    /** The best backend available; for now always {@link #CPU}. */
    AUTO,
    /** JVM worker threads over off-heap memory ({@code dev.vyre.runtime.cpu.CpuBackend}). */
    CPU,
    /** One persistent CUDA kernel, from a {@link BackendProvider} on the class path. */
    CUDA
}
