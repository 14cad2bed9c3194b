package dev.vyre.runtime;

import dev.vyre.ir.Program;
import dev.vyre.ir.interp.Dispatch;
import dev.vyre.ir.interp.ReferenceInterpreter;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.cpu.CpuBackend;
import dev.vyre.runtime.parity.StreamHandlers;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: small CPU megakernels and the interpreter availability check. */
public final class Kernels {
    /** Generous bound on one slot in tests (a 2-core CI machine under load). */
    public static final Duration WAIT = Duration.ofSeconds(30);
    /** The spec's slot size, restated for independent expectations. */
    public static final int SPEC_SLOT_WORDS = 16;
    /** The spec's first observable word. */
    public static final int SPEC_OBSERVABLE_BASE = 160;

    private Kernels() {
    }

    /** 64 slots, 2 workers, 256 observables, 64 debug records. */
    public static MegakernelConfig small() {
        return MegakernelConfig.defaults().withSlots(64).withWorkers(2).withObservables(256).withDebugRecords(64)
                .withDrainTimeout(Duration.ofSeconds(20));
    }

    /** A megakernel on a fresh CPU backend. */
    public static Megakernel cpu(MegakernelConfig config) {
        return Megakernel.bootstrap(new CpuBackend(), config);
    }

    /** Publishes one slot as tenant 0 with NORMAL priority and awaits it. */
    public static SlotOutcome run(Megakernel kernel, int opcode, int... args) {
        return kernel.publish(opcode, 0, Priority.NORMAL, args).await(WAIT);
    }

    /** Publishes one slot as {@code tenant} and awaits it. */
    public static SlotOutcome runAs(Megakernel kernel, int tenant, int opcode, int... args) {
        return kernel.publish(opcode, tenant, Priority.NORMAL, args).await(WAIT);
    }

    /**
     * Skips the calling test while the reference interpreter in this checkout is still a stub (the runtime
     * branch is built before the interpreter branch is merged).
     */
    public static void assumeInterpreter() {
        Program p = StreamHandlers.counting();
        try {
            new ReferenceInterpreter().run(p, Dispatch.of(1), Map.of(HandlerTable.ARGS,
                    MemorySegment.ofArray(new int[12]), HandlerTable.CONTROL, MemorySegment.ofArray(new int[8])));
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("the reference interpreter is not implemented in this checkout");
        }
    }
}
