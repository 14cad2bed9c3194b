package dev.vyre.runtime;

/**
 * The host refused to publish a slot before touching the ring: an opcode in the system range that is not a
 * defined system opcode, a tenant outside 0..29, a missing priority or too many arguments; or, for
 * {@link Megakernel#submit(int, int, dev.vyre.protocol.Priority, int, ArgFiller)}, a bad count or a failing filler.
 */
public class PublishRefusedException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public PublishRefusedException(String problem, String fix) {
        super(problem, fix);
    }

    public PublishRefusedException(String problem, String fix, Throwable cause) {
        super(problem, fix, cause);
    }
}
