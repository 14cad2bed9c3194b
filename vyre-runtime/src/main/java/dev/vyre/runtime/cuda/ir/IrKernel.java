package dev.vyre.runtime.cuda.ir;

import dev.vyre.cuda.ptx.PtxEmitException;
import dev.vyre.cuda.ptx.PtxEmitter;
import dev.vyre.cuda.ptx.PtxKernel;
import dev.vyre.cuda.ptx.PtxTarget;
import dev.vyre.ir.Program;
import dev.vyre.protocol.DebugLogLayout;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.runtime.Doorbell;
import dev.vyre.runtime.RingBuffers;
import dev.vyre.runtime.cuda.CudaBackendException;
import dev.vyre.runtime.cuda.MegakernelPtx;
import dev.vyre.runtime.cuda.SmTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The IR-built megakernel as a kernel: {@link MegakernelProgram}'s program lowered by {@link PtxEmitter#emitKernel}
 * (entry {@value #ENTRY}) and its launch arguments in the emitter's parameter order ({@link PtxKernel}: per buffer
 * its address and element count, then the out-of-bounds counters).
 *
 * @param program       the program
 * @param kernel        its lowering
 * @param doorbellLines the doorbell's lines (one per poller, {@link Doorbell#bytes}); 0 without pollers
 */
public record IrKernel(Program program, PtxKernel kernel, int doorbellLines) {
    /** Name of the kernel's entry. */
    public static final String ENTRY = "ir_megakernel";

    /**
     * Builds and lowers the kernel for {@code options} on {@code target}.
     *
     * @throws CudaBackendException for a target older than sm_80 (the PTX emitter's oldest), or a lowering failure
     */
    public static IrKernel emit(MegakernelProgram.Options options, SmTarget target) {
        Program program = MegakernelProgram.build(options);
        PtxTarget ptxTarget;
        try {
            ptxTarget = PtxTarget.forDevice(target.major(), target.minor());
        } catch (PtxEmitException e) {
            throw new CudaBackendException("cuda backend: the IR-built megakernel needs the PTX emitter, but "
                    + e.problem(), "use the hand-written kernel on this GPU (leave Settings.withIrKernel off)", e);
        }
        try {
            return new IrKernel(program,
                    PtxEmitter.emitKernel(program, ENTRY, ptxTarget, MegakernelPtx.MAX_REGISTERS),
                    options.doorbellPollers());
        } catch (PtxEmitException e) {
            throw new CudaBackendException("cuda backend: the IR-built megakernel cannot be lowered: " + e.problem(),
                    e.fix(), e);
        }
    }

    /**
     * The PTX module. The entry is capped at {@link MegakernelPtx#MAX_REGISTERS} registers ({@code .maxnreg}, as the
     * hand-written kernel): without the cap ptxas 13.0 once gave the kernel with 20 inlined handlers 80 registers and
     * 92 bytes of spills on sm_80; with it, 82 registers and none.
     */
    public String ptx() {
        return kernel.ptx();
    }

    /**
     * Element counts of the buffers: the control words, 16 words per slot, the debug log's header and records, the
     * data region's words (U32 view) or bytes (Bytes view), with doorbell pollers the words of the
     * {@code doorbellLines} doorbell lines and one claim word per slot, with confined tenants the window table's
     * words.
     */
    public static int elements(String buffer, RingBuffers buffers, int doorbellLines) {
        return switch (MegakernelProgram.memoryOf(buffer)) {
            case MegakernelProgram.CONTROL -> buffers.control().wordCount();
            case MegakernelProgram.RING -> buffers.ring().slotCount() * SlotLayout.SLOT_WORDS;
            case MegakernelProgram.DEBUG -> Math.toIntExact(DebugLogLayout.bufferWords(buffers.debug().capacity()));
            case DoorbellNodes.DOORBELL -> (int) (Doorbell.bytes(doorbellLines) / Integer.BYTES);
            case DoorbellNodes.CLAIMS -> buffers.ring().slotCount();
            case ConfinementNodes.WINDOWS -> dev.vyre.runtime.cuda.TenantWindows.TABLE_WORDS;
            // the interpreter's rule for a count-0 buffer: bytes / element size (as the hand-written kernel's bytes)
            case MegakernelProgram.DATA -> (int) (buffers.data().byteSize()
                    / (buffer.equals(MegakernelProgram.DATA) ? Integer.BYTES : 1));
            default -> throw new IllegalArgumentException("the IR megakernel has no buffer " + buffer);
        };
    }

    /**
     * The launch arguments: for each buffer parameter {@code address.apply(memory)} of the memory it is bound to
     * ({@link MegakernelProgram#memoryOf}: control, ring or debug; with doorbell pollers also {@value
     * MegakernelProgram#DOORBELL_MEMORY}, the doorbell line in mapped memory, and {@value
     * MegakernelProgram#CLAIMS_MEMORY}, the claim words in device memory, zeroed before the launch; with confined
     * tenants {@value MegakernelProgram#WINDOWS_MEMORY}, the window table in device memory), for each count parameter
     * its {@link #elements} as an Integer, and {@code counters} (the out-of-bounds counters' device address, 8 bytes of
     * zeroed device memory) for the last.
     */
    public <T> List<Object> arguments(Function<String, T> address, RingBuffers buffers, T counters) {
        List<Object> args = new ArrayList<>();
        for (PtxKernel.Param p : kernel.params()) {
            args.add(switch (p.kind()) {
                case BUFFER_POINTER -> address.apply(MegakernelProgram.memoryOf(p.buffer()));
                case ELEMENT_COUNT -> elements(p.buffer(), buffers, doorbellLines);
                case OOB_COUNTERS -> counters;
            });
        }
        return args;
    }
}
