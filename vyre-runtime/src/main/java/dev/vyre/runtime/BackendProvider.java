package dev.vyre.runtime;

/**
 * Service interface ({@link java.util.ServiceLoader}) through which a backend outside this module plugs in: a
 * jar that offers the CUDA backend lists its provider in
 * {@code META-INF/services/dev.vyre.runtime.BackendProvider}.
 */
public interface BackendProvider {

    /** The kind this provider creates. */
    BackendKind kind();

    /**
     * A fresh, unstarted backend; throws {@link BackendUnavailableException} saying why when it cannot run here
     * (no driver, no device, unsupported architecture).
     */
    Backend create();
}
