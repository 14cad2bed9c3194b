package dev.vyre.runtime.cuda;

import dev.vyre.runtime.Backend;
import dev.vyre.runtime.BackendKind;
import dev.vyre.runtime.BackendProvider;

/**
 * Offers {@link CudaBackend} as {@link BackendKind#CUDA} to {@code Backends.create} through
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/dev.vyre.runtime.BackendProvider}).
 */
public final class CudaBackendProvider implements BackendProvider {

    @Override
    public BackendKind kind() {
        return BackendKind.CUDA;
    }

    /**
     * A {@link CudaBackend} on device 0 with the default settings.
     *
     * @throws dev.vyre.runtime.BackendUnavailableException when there is no driver or no usable device
     */
    @Override
    public Backend create() {
        return CudaBackend.open();
    }
}
