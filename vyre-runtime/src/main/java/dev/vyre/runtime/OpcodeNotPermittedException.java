package dev.vyre.runtime;

/** A tenant handle refused, before touching the ring, an opcode outside the tenant's declared opcodes. */
public final class OpcodeNotPermittedException extends PublishRefusedException {
    private static final long serialVersionUID = 1L;

    public OpcodeNotPermittedException(String problem, String fix) {
        super(problem, fix);
    }
}
