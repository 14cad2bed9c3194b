package dev.vyre.runtime;

/**
 * A timed publish through a tenant handle gave up: the tenant's quota (or the shared admission window) stayed full
 * for the whole timeout. Nothing was published.
 */
public final class QuotaTimeoutException extends MegakernelException {
    private static final long serialVersionUID = 1L;

    public QuotaTimeoutException(String problem, String fix) {
        super(problem, fix);
    }
}
