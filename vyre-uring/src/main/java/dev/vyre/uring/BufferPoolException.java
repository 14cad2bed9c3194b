package dev.vyre.uring;

import dev.vyre.core.VyreException;

/** A misuse of a {@link BufferPool}: a handle released twice or to the wrong pool, a closed pool, bad sizes. */
public class BufferPoolException extends VyreException {
    private static final long serialVersionUID = 1L;

    public BufferPoolException(String problem, String fix) {
        super(problem, fix);
    }
}
