package dev.vyre.cuda;

/** libcuda.so.1 loaded but does not export a driver function vyre needs (the driver is too old). */
public class CudaMissingSymbolException extends CudaUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String symbol;

    /**
     * @param symbol the missing function (alternatives tried are listed in {@code tried})
     * @param tried  every exported name that was looked up, e.g. {@code cuEventElapsedTime_v2, cuEventElapsedTime}
     */
    public CudaMissingSymbolException(String symbol, String tried) {
        super("libcuda.so.1 does not export " + symbol + " (looked up: " + tried + ")",
                "update the NVIDIA driver to one for CUDA 12 or newer (nvidia-smi shows the installed version)");
        this.symbol = symbol;
    }

    /** The missing function's preferred name. */
    public String symbol() {
        return symbol;
    }
}
