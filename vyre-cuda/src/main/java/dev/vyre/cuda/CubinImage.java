package dev.vyre.cuda;

/**
 * A cubin the driver's JIT compiled from PTX ({@link CudaContext#compilePtx}).
 *
 * @param cubin    the image; {@link CudaContext#loadCubin} loads it with no JIT
 * @param jitNanos wall time of the compilation ({@code cuLinkAddData} and {@code cuLinkComplete})
 * @param infoLog  what the JIT compiler reported (often empty)
 */
public record CubinImage(byte[] cubin, long jitNanos, String infoLog) {
}
