package dev.vyre.runtime.replay;

import dev.vyre.core.VyreException;

/** A replay log that cannot be written, read or replayed. The message ends with "Fix: ...". */
public class ReplayException extends VyreException {
    private static final long serialVersionUID = 1L;

    public ReplayException(String problem, String fix) {
        super(problem, fix);
    }

    public ReplayException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
