package dev.vyre.runtime.cache;

import dev.vyre.core.VyreException;

/** A pipeline-cache failure: a bad setting, or an entry that cannot be used. The message ends with "Fix: ...". */
public class CacheException extends VyreException {
    private static final long serialVersionUID = 1L;

    public CacheException(String problem, String fix) {
        super(problem, fix);
    }

    public CacheException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
