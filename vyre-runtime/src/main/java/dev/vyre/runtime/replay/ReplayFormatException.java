package dev.vyre.runtime.replay;

/** A replay log whose bytes break docs/REPLAY.md; {@link #offset()} is the byte where the decoder stopped. */
public final class ReplayFormatException extends ReplayException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public ReplayFormatException(long offset, String problem) {
        super("replay log at byte " + offset + ": " + problem, "record the run again; a log is only valid as written"
                + " by a closed megakernel (a crash leaves a truncated but readable prefix)");
        this.offset = offset;
    }

    /** The byte offset of the problem. */
    public long offset() {
        return offset;
    }
}
