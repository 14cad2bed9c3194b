package dev.vyre.cuda.ptx;

import dev.vyre.core.VyreException;

/**
 * A program (or one construct of it) that the PTX emitter cannot lower to PTX that matches the reference
 * interpreter bit for bit. The message names the construct and, where there is one, the node path in the
 * validator's notation (e.g. {@code body[2].If.then[0].Let.value}), and ends with a {@code Fix:}.
 */
public final class PtxEmitException extends VyreException {
    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path    where in the program (validator path notation), or null for the program as a whole
     * @param problem what cannot be lowered
     * @param fix     what the caller can do instead
     */
    public PtxEmitException(String path, String problem, String fix) {
        super(path == null ? problem : problem + " at " + path, fix);
        this.path = path;
    }

    /** The node path of the construct, or null when the problem concerns the program as a whole. */
    public String path() {
        return path;
    }
}
