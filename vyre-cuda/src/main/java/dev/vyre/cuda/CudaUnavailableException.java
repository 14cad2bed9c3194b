package dev.vyre.cuda;

import dev.vyre.core.VyreException;

/**
 * CUDA cannot be used on this machine: libcuda.so.1 is missing, {@code cuInit} failed, or there is no device.
 * Distinct from {@link CudaException} so that callers can fall back to another backend.
 */
public class CudaUnavailableException extends VyreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param reason why CUDA is unavailable
     * @param fix    what to do about it
     */
    public CudaUnavailableException(String reason, String fix) {
        super(reason, fix);
    }

    /**
     * @param reason why CUDA is unavailable
     * @param fix    what to do about it
     * @param cause  the underlying failure
     */
    public CudaUnavailableException(String reason, String fix, Throwable cause) {
        super(reason, fix, cause);
    }
}
