package dev.vyre.runtime.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.protocol.Opcodes;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.TenantSpec;
import dev.vyre.vm.VmExecAbi;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VM_EXEC of a confined tenant (docs/TENANTS.md, "Confinement"): its buffer sets must lie in its data range, so its
 * bytecode programs reach no other memory; the check is at registration, in the registry both backends read.
 */
class VmConfinementTest {
    private static final int OBS = dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE;

    /** out[gid] = in[gid] + 1. */
    private static Program increment() {
        return Program.of(Program.WorkgroupSize.of(32), List.of(
                BufferDecl.of("in", 0, BufferAccess.READ_ONLY, ScalarType.U32, 0, false),
                BufferDecl.of("out", 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, true)), List.of(
                new Node.Store("out", Expr.gid(0), Expr.add(Expr.load("in", Expr.gid(0)), Expr.u32(1)))));
    }

    @Test
    void aConfinedTenantsBufferSetsMustLieInItsDataRange() {
        try (Megakernel k = Kernels.cpu(Kernels.small().withDataBytes(8192)
                .withTenant(1, TenantSpec.allowing(Opcodes.VM_EXEC).confinedTo(OBS, 8, 0, 4096))
                .withTenant(2, TenantSpec.allowing(Opcodes.VM_EXEC).confinedTo(OBS + 8, 8, 4096, 4096))
                .withTenant(3, TenantSpec.allowing(Opcodes.VM_EXEC)))) {
            VmUnit vm = k.vm();
            MemorySegment region = k.dataRegion().segment();
            MemorySegment ownIn = region.asSlice(0, 128);
            MemorySegment ownOut = region.asSlice(128, 128);
            MemorySegment othersOut = region.asSlice(4096, 128);
            MemorySegment elsewhere = k.allocateShared(128, 16);
            int p1 = vm.register(1, increment());
            for (MemorySegment bad : List.of(othersOut, elsewhere, region.asSlice(4000, 128))) {
                VmRegistryException e = assertThrows(VmRegistryException.class,
                        () -> vm.registerBufferSet(1, p1, List.of(ownIn, bad)));
                assertTrue(e.getMessage().contains("tenant 1 is confined") && e.getMessage().contains("Fix:"),
                        e.getMessage());
            }
            for (int i = 0; i < 32; i++) {
                ownIn.setAtIndex(ValueLayout.JAVA_INT, i, 10 * i);
            }
            int set = vm.registerBufferSet(1, p1, List.of(ownIn, ownOut));
            SlotOutcome o = Kernels.runAs(k, 1, Opcodes.VM_EXEC, VmExecAbi.args(p1, set, 1, 1, 1, 0, 1, 10_000));
            assertTrue(o.isDone(), o.toString());
            for (int i = 0; i < 32; i++) {
                assertEquals(10 * i + 1, ownOut.getAtIndex(ValueLayout.JAVA_INT, i));
            }
            assertEquals(0, othersOut.getAtIndex(ValueLayout.JAVA_INT, 0), "tenant 2's data is untouched");
            // an unconfined tenant may register any shared memory, as before
            int p3 = vm.register(3, increment());
            vm.registerBufferSet(3, p3, List.of(elsewhere, othersOut));
        }
    }
}
