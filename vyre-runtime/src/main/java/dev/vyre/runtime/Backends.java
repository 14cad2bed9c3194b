package dev.vyre.runtime;

import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.isolated.IsolatedBackend;
import dev.vyre.runtime.isolated.IsolatedOptions;
import java.util.ServiceLoader;

/** Creates backends by {@link BackendKind}. */
public final class Backends {
    private Backends() {
    }

    /**
     * A fresh backend of {@code kind}: {@link BackendKind#AUTO} and {@link BackendKind#CPU} give a
     * {@link CpuBackend}; {@link BackendKind#CUDA} asks the {@link BackendProvider}s on the class path and throws
     * {@link BackendUnavailableException} when none offers CUDA; the isolated kinds give an {@link IsolatedBackend}
     * with the default {@link IsolatedOptions} (its child process finds out whether CUDA works).
     */
    public static Backend create(BackendKind kind) {
        if (kind == null) {
            throw new BootstrapException("backend kind is null", "pass BackendKind.AUTO, CPU or CUDA");
        }
        return switch (kind) {
            case AUTO, CPU -> new CpuBackend();
            case CUDA -> provider(kind).create();
            case CPU_ISOLATED -> new IsolatedBackend(IsolatedOptions.cpu());
            case CUDA_ISOLATED -> new IsolatedBackend(IsolatedOptions.cuda());
        };
    }

    private static BackendProvider provider(BackendKind kind) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.kind() == kind) {
                return p;
            }
        }
        throw new BackendUnavailableException(kind.name().toLowerCase(java.util.Locale.ROOT) + " backend not"
                + " available: no BackendProvider for " + kind + " is on the class path",
                "use BackendKind.CPU (or AUTO), or put the vyre CUDA backend, which registers a "
                        + BackendProvider.class.getName() + " service, on the class path");
    }
}
