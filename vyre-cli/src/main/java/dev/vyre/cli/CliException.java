package dev.vyre.cli;

import dev.vyre.core.VyreException;

/** A failure detected by the vyre command itself (bad argument values, unreadable files, a failed check). */
public class CliException extends VyreException {
    private static final long serialVersionUID = 1L;

    public CliException(String problem, String fix) {
        super(problem, fix);
    }

    public CliException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
