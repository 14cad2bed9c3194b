package dev.vyre.runtime.cuda;

import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.vm.VmBufferDecl;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmTableLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;

/**
 * Test-side registration of VM programs and buffer sets in the tables of {@code dev.vyre.vm.VmTableLayout} (what
 * the host registry does), for a megakernel on {@link SimBackend} or {@link CudaBackend} started with
 * {@code enableVm(tables)}: images and buffers in the backend's shared memory, entries written word by word with
 * STATE last (release), then VM_EXEC slots.
 */
final class VmRig {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();

    private final Backend backend;
    private final MemorySegment tables;
    private Megakernel kernel;
    private int nextProgram;
    private int nextSet;
    private int generation;

    VmRig(Backend backend) {
        this.backend = backend;
        this.tables = backend.allocateShared(VmTableLayout.TABLE_BYTES, 16);
    }

    MemorySegment tables() {
        return tables;
    }

    void attach(Megakernel k) {
        this.kernel = k;
    }

    /** Registers {@code image} for {@code tenant} in the next program entry (wrapping at MAX_PROGRAMS). */
    int program(int tenant, VmImage image) {
        int[] words = image.words();
        MemorySegment copy = kernel.allocateShared((long) words.length * Integer.BYTES, 16);
        MemorySegment.copy(words, 0, copy, ValueLayout.JAVA_INT, 0, words.length);
        int id = nextProgram++ % VmTableLayout.MAX_PROGRAMS;
        long address = backend.deviceAddress(copy);
        clear(VmTableLayout.programWord(id, VmTableLayout.P_STATE));
        put(VmTableLayout.programWord(id, VmTableLayout.P_OWNER), tenant);
        put(VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_ADDRESS), (int) address);
        put(VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_ADDRESS + 1), (int) (address >>> 32));
        put(VmTableLayout.programWord(id, VmTableLayout.P_IMAGE_WORDS), words.length);
        publish(VmTableLayout.programWord(id, VmTableLayout.P_STATE));
        return id;
    }

    /**
     * Registers {@code segments} (one per declared buffer, null for Workgroup slots; each from
     * {@link #buffer}) as a buffer set of {@code tenant}.
     */
    int bufferSet(int tenant, VmImage image, List<MemorySegment> segments) {
        int id = nextSet++ % VmTableLayout.MAX_BUFFER_SETS;
        clear(VmTableLayout.bufferSetWord(id, VmTableLayout.S_STATE));
        put(VmTableLayout.bufferSetWord(id, VmTableLayout.S_OWNER), tenant);
        put(VmTableLayout.bufferSetWord(id, VmTableLayout.S_BUFFER_COUNT), segments.size());
        for (int slot = 0; slot < segments.size(); slot++) {
            VmBufferDecl decl = image.buffers().get(slot);
            MemorySegment s = segments.get(slot);
            long address = s == null ? 0 : backend.deviceAddress(s);
            int elementBytes = decl.type().byteSize() == 1 ? 1 : 4;
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ADDRESS), (int) address);
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ADDRESS + 1), (int) (address >>> 32));
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_ELEMENTS), s == null ? 0
                    : (int) (s.byteSize() / elementBytes));
            put(VmTableLayout.bufferWord(id, slot, VmTableLayout.B_TYPE), decl.type().tag());
        }
        publish(VmTableLayout.bufferSetWord(id, VmTableLayout.S_STATE));
        return id;
    }

    /** Shared memory for a buffer of {@code bytes} (at least 4), 16-byte aligned. */
    MemorySegment buffer(long bytes) {
        return kernel.allocateShared(Math.max(4, bytes), 16);
    }

    /** One VM_EXEC slot over the whole grid; waits for its outcome. */
    SlotOutcome exec(int tenant, int program, int set, int gx, int gy, int gz, int budget) {
        return kernel.publish(Opcodes.VM_EXEC, tenant, Priority.NORMAL,
                VmExecAbi.args(program, set, gx, gy, gz, 0, gx * gy * gz, budget)).await(WAIT);
    }

    private void put(long offset, int value) {
        WORD.setRelease(tables, offset, value);
    }

    private void clear(long stateOffset) {
        WORD.setRelease(tables, stateOffset, 0);
    }

    private void publish(long stateOffset) {
        generation = (generation + 1) & VmTableLayout.GENERATION_MASK;
        WORD.setRelease(tables, stateOffset, VmTableLayout.READY | generation);
    }
}
