package dev.vyre.uring;

import dev.vyre.core.VyreException;

/**
 * A failure that stops a whole read (not one file): the reading thread was interrupted, no buffer came back in
 * time, or the reader was misused. Failures of single files are {@link IngestFileException}s instead.
 */
public class IngestException extends VyreException {
    private static final long serialVersionUID = 1L;

    public IngestException(String problem, String fix) {
        super(problem, fix);
    }

    public IngestException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
