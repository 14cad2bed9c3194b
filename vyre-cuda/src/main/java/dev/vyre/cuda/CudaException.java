package dev.vyre.cuda;

import dev.vyre.core.VyreException;

/**
 * A CUDA driver call returned an error. Carries the {@code CUresult} code, its name, the operation that failed
 * (the driver function and what it was doing) and, for module loads, the JIT compiler's error log.
 */
public class CudaException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String errorName;
    private final String operation;
    private final String jitLog;

    /**
     * @param operation   what failed, e.g. {@code cuMemAlloc_v2(1048576 bytes) on device 0}
     * @param code        the {@code CUresult}
     * @param errorName   its name ({@code cuGetErrorName}, or {@link CuResult#name} when the driver can't say)
     * @param description the driver's {@code cuGetErrorString}, may be empty
     * @param jitLog      the JIT error log of a module load, empty otherwise
     */
    public CudaException(String operation, int code, String errorName, String description, String jitLog) {
        super(problem(operation, code, errorName, description, jitLog), CuResult.fix(code));
        this.code = code;
        this.errorName = errorName;
        this.operation = operation;
        this.jitLog = jitLog == null ? "" : jitLog;
    }

    private static String problem(String operation, int code, String errorName, String description,
                                  String jitLog) {
        StringBuilder sb = new StringBuilder(operation).append(" failed with ").append(errorName)
                .append(" (").append(code).append(')');
        if (description != null && !description.isBlank()) {
            sb.append(": ").append(description.strip());
        }
        if (CuResult.isSticky(code)) {
            sb.append(" [sticky: the context is poisoned]");
        }
        if (jitLog != null && !jitLog.isBlank()) {
            sb.append("\nJIT error log:\n").append(jitLog.strip()).append('\n');
        }
        return sb.toString();
    }

    /** The {@code CUresult} code. */
    public int code() {
        return code;
    }

    /** The code's name, e.g. {@code CUDA_ERROR_INVALID_PTX}. */
    public String errorName() {
        return errorName;
    }

    /** The driver call and what it was doing. */
    public String operation() {
        return operation;
    }

    /** The JIT compiler's error log for a failed module load; empty otherwise. */
    public String jitLog() {
        return jitLog;
    }

    /** Whether the error poisoned the context (and, with current drivers, the process's use of the device). */
    public boolean isSticky() {
        return CuResult.isSticky(code);
    }
}
