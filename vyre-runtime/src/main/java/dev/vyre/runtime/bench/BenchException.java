package dev.vyre.runtime.bench;

import dev.vyre.core.VyreException;

/** A benchmark could not be configured or a measurement found wrong results. */
public class BenchException extends VyreException {
    private static final long serialVersionUID = 1L;

    public BenchException(String problem, String fix) {
        super(problem, fix);
    }

    public BenchException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
