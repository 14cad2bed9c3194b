package dev.vyre.protocol;

import dev.vyre.core.VyreException;

/**
 * A protocol buffer (ring, control block, debug log, task list, observables, a single slot or task) that cannot be
 * decoded, wrapped or updated as asked. The message names the buffer first and ends with {@code Fix: ...}.
 */
public class ProtocolException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final String bufferName;

    /**
     * @param bufferName the buffer that failed, e.g. {@code "ring"} or {@code "debug log"}
     * @param problem what is wrong with it (offsets, lengths, the offending value)
     * @param fix what the caller should do instead
     */
    public ProtocolException(String bufferName, String problem, String fix) {
        super(bufferName + " buffer: " + problem, fix);
        this.bufferName = bufferName;
    }

    /** The buffer this failure is about, e.g. {@code "ring"}. */
    public String bufferName() {
        return bufferName;
    }
}
