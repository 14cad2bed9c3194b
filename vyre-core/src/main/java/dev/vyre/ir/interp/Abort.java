package dev.vyre.ir.interp;

/**
 * Unwinds an invocation thread after another invocation of the run failed; never escapes the interpreter.
 * Stackless: it carries no information besides "stop".
 */
final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final Abort INSTANCE = new Abort();

    private Abort() {
        super("invocation aborted", null, false, false);
    }
}
