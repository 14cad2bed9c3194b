package dev.vyre.runtime.cuda;

import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmImage;
import dev.vyre.vm.VmTableLayout;
import java.lang.foreign.MemorySegment;
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

    private final Backend backend;
    private final VmTables tables;
    private Megakernel kernel;

    VmRig(Backend backend) {
        this.backend = backend;
        this.tables = new VmTables(backend.allocateShared(VmTableLayout.TABLE_BYTES, 16));
    }

    MemorySegment tables() {
        return tables.segment();
    }

    void attach(Megakernel k) {
        this.kernel = k;
    }

    /** Registers {@code image} for {@code tenant} (a copy in shared memory). */
    int program(int tenant, VmImage image) {
        MemorySegment copy = kernel.allocateShared((long) image.wordCount() * Integer.BYTES, 16);
        VmTables.copyImage(image, copy);
        return tables.program(tenant, backend.deviceAddress(copy), image.wordCount());
    }

    /** Registers {@code segments} (one per declared buffer, null for Workgroup slots) as a set of {@code tenant}. */
    int bufferSet(int tenant, VmImage image, List<MemorySegment> segments) {
        long[][] d = VmTables.describe(backend, image, segments);
        return tables.bufferSet(tenant, image, d[0], d[1]);
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
}
