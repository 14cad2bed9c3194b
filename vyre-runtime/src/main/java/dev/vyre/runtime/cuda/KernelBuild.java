package dev.vyre.runtime.cuda;

/**
 * Which megakernel {@link CudaBackend#start} launches (docs/MEGAKERNEL-CUDA.md, "The IR-built kernel").
 */
public enum KernelBuild {
    /** The hand-written PTX kernel ({@link MegakernelPtx}): every feature, every worker shape. */
    HAND_WRITTEN,
    /**
     * The IR-built kernel ({@link dev.vyre.runtime.cuda.ir.IrKernel}: the ring loop as a VIR0 program lowered by the
     * PTX emitter), and a typed refusal at start for a configuration it does not run.
     */
    IR,
    /**
     * The IR-built kernel where it runs the configuration, else the hand-written one (the default): THREAD workers
     * on sm_80 or newer, single-invocation user handlers it can inline, confined tenants; the hand-written kernel
     * for DFA_STEP automata, VM_EXEC, cooperative handlers, WARP workers, the isolated backend's cursor words and
     * injected faults.
     */
    IR_WHERE_SUPPORTED
}
