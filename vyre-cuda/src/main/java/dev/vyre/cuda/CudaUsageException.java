package dev.vyre.cuda;

import dev.vyre.core.VyreException;

/**
 * A CUDA resource was misused on the Java side before any driver call: a closed resource, an out-of-range copy, a
 * kernel parameter of an unsupported type.
 */
public class CudaUsageException extends VyreException {
    private static final long serialVersionUID = 1L;

    /**
     * @param problem what was wrong, naming the resource
     * @param fix     what to do instead
     */
    public CudaUsageException(String problem, String fix) {
        super(problem, fix);
    }
}
