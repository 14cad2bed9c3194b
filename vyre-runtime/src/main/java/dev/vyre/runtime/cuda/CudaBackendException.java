package dev.vyre.runtime.cuda;

import dev.vyre.runtime.MegakernelException;

/**
 * The CUDA backend refused or failed something that is not a driver error: a configuration it cannot run (user
 * handlers it cannot fuse, too many workers to stay resident, misaligned buffers), a kernel that did
 * not exit, memory it did not allocate. Driver errors are {@link dev.vyre.cuda.CudaException}s.
 */
public class CudaBackendException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public CudaBackendException(String problem, String fix) {
        super(problem, fix);
    }

    public CudaBackendException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
