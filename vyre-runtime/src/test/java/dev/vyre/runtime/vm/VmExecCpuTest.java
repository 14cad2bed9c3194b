package dev.vyre.runtime.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.ir.BufferAccess;
import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Node;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import dev.vyre.ir.codec.Vir0Encoder;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.runtime.Kernels;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import dev.vyre.runtime.cache.Fingerprint;
import dev.vyre.vm.VmExecAbi;
import dev.vyre.vm.VmTableLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VM_EXEC through the ring on the CPU backend: running, ownership, eviction, isolation of a runaway slot. */
class VmExecCpuTest {
    private static final List<BufferDecl> BUFFERS = List.of(
            BufferDecl.of("in", 0, BufferAccess.READ_ONLY, ScalarType.U32, 0, false),
            BufferDecl.of("out", 1, BufferAccess.READ_WRITE, ScalarType.U32, 0, true));

    /** out[gid] = in[gid] * factor. */
    private static Program scale(int factor) {
        return Program.of(Program.WorkgroupSize.of(32), BUFFERS, List.of(new Node.Store("out", Expr.gid(0),
                Expr.mul(Expr.load("in", Expr.gid(0)), Expr.u32(factor)))));
    }

    private static Program forever() {
        return Program.of(Program.WorkgroupSize.of(4), BUFFERS, List.of(new Node.Loop(List.of(
                new Node.Store("out", Expr.gid(0), Expr.u32(7))))));
    }

    private static List<MemorySegment> buffers(Megakernel k, int n) {
        MemorySegment in = k.allocateShared(n * 4L, 16);
        for (int i = 0; i < n; i++) {
            in.setAtIndex(ValueLayout.JAVA_INT, i, i + 1);
        }
        return List.of(in, k.allocateShared(n * 4L, 16));
    }

    private static SlotOutcome exec(Megakernel k, int tenant, int program, int set, int workgroups, int budget) {
        return Kernels.runAs(k, tenant, Opcodes.VM_EXEC,
                VmExecAbi.args(program, set, workgroups, 1, 1, 0, workgroups, budget));
    }

    @Test
    void aRegisteredProgramRunsThroughTheRingWithoutARelaunch() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            VmUnit vm = k.vm();
            List<MemorySegment> b = buffers(k, 64);
            for (int factor : new int[] {3, 5}) { // a second program on the same running megakernel
                int p = vm.register(0, scale(factor));
                int set = vm.registerBufferSet(0, p, b);
                SlotOutcome o = exec(k, 0, p, set, 2, 1_000);
                assertTrue(o.isDone(), o.toString());
                assertTrue(o.arg(VmExecAbi.STEPS) > 0);
                assertEquals(0, o.arg(VmExecAbi.OOB_LOADS));
                for (int i = 0; i < 64; i++) {
                    assertEquals((i + 1) * factor, b.get(1).getAtIndex(ValueLayout.JAVA_INT, i));
                }
            }
        }
    }

    @Test
    void theDeviceTablesDescribeTheRegisteredProgramAndSet() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            VmUnit vm = k.vm();
            int p = vm.register(2, scale(3));
            assertEquals(p, vm.register(2, scale(3)), "the same program for the same tenant keeps its id");
            assertEquals(p, vm.lookup(2, scale(3)));
            MemorySegment t = vm.tables();
            int state = t.get(ValueLayout.JAVA_INT, VmTableLayout.programWord(p, VmTableLayout.P_STATE));
            assertTrue((state & VmTableLayout.READY) != 0);
            assertEquals(2, t.get(ValueLayout.JAVA_INT, VmTableLayout.programWord(p, VmTableLayout.P_OWNER)));
            int words = t.get(ValueLayout.JAVA_INT, VmTableLayout.programWord(p, VmTableLayout.P_IMAGE_WORDS));
            assertEquals(vm.image(2, p).wordCount(), words);
            long address = t.get(ValueLayout.JAVA_LONG, VmTableLayout.programWord(p, VmTableLayout.P_IMAGE_ADDRESS));
            int[] image = MemorySegment.ofAddress(address).reinterpret(words * 4L).toArray(ValueLayout.JAVA_INT);
            assertArrayEquals(vm.image(2, p).words(), image, "the address is where the image words are");
            byte[] digest = new byte[32];
            MemorySegment.copy(t, ValueLayout.JAVA_BYTE, VmTableLayout.programWord(p, VmTableLayout.P_FINGERPRINT),
                    digest, 0, 32);
            assertEquals(Fingerprint.hash(Vir0Encoder.encode(scale(3))), Fingerprint.of(digest));
            List<MemorySegment> b = buffers(k, 40);
            int set = vm.registerBufferSet(2, p, b);
            assertEquals(2, t.get(ValueLayout.JAVA_INT, VmTableLayout.bufferSetWord(set, VmTableLayout.S_BUFFER_COUNT)));
            assertEquals(b.get(1).address(), t.get(ValueLayout.JAVA_LONG,
                    VmTableLayout.bufferWord(set, 1, VmTableLayout.B_ADDRESS)));
            assertEquals(40, t.get(ValueLayout.JAVA_INT, VmTableLayout.bufferWord(set, 1, VmTableLayout.B_ELEMENTS)));
            assertEquals(ScalarType.U32.tag(), t.get(ValueLayout.JAVA_INT,
                    VmTableLayout.bufferWord(set, 1, VmTableLayout.B_TYPE)));
        }
    }

    @Test
    void aTenantRunsOnlyWhatItRegistered() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            VmUnit vm = k.vm();
            int p0 = vm.register(0, scale(3));
            int set0 = vm.registerBufferSet(0, p0, buffers(k, 32));
            int p1 = vm.register(1, scale(3));
            assertNotEquals(p0, p1, "another tenant's registration of the same program is its own entry");
            int set1 = vm.registerBufferSet(1, p1, buffers(k, 32));
            SlotOutcome o = exec(k, 1, p0, set1, 1, 1_000);
            assertEquals(FaultCode.NOT_OWNER, o.fault());
            assertEquals(VmExecAbi.PROGRAM, o.faultDetail());
            o = exec(k, 1, p1, set0, 1, 1_000);
            assertEquals(FaultCode.NOT_OWNER, o.fault());
            assertEquals(VmExecAbi.BUFFER_SET, o.faultDetail());
            assertTrue(exec(k, 1, p1, set1, 1, 1_000).isDone());
            assertThrows(VmRegistryException.class, () -> vm.registerBufferSet(1, p0, buffers(k, 32)));
            assertThrows(VmRegistryException.class, () -> vm.evict(1, p0));
            assertThrows(VmRegistryException.class, () -> vm.evictBufferSet(1, set0));
            assertThrows(VmRegistryException.class, () -> vm.register(30, scale(1)));
        }
    }

    @Test
    void theChecksFaultInTheDocumentedOrder() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            VmUnit vm = k.vm();
            int p = vm.register(0, scale(3));
            int set = vm.registerBufferSet(0, p, buffers(k, 32));
            int[][] bad = {
                VmExecAbi.args(999, set, 1, 1, 1, 0, 1, 10), VmExecAbi.args(p, 999, 1, 1, 1, 0, 1, 10),
                VmExecAbi.args(p, set, 0, 1, 1, 0, 1, 10), VmExecAbi.args(p, set, 1, 1, 0, 0, 1, 10),
                VmExecAbi.args(p, set, 2, 1, 1, 2, 1, 10), VmExecAbi.args(p, set, 2, 1, 1, 1, 2, 10),
                VmExecAbi.args(p, set, 1, 1, 1, 0, 1, 0)};
            int[] details = {0, 1, 2, 4, 5, 6, 7};
            for (int i = 0; i < bad.length; i++) {
                SlotOutcome o = Kernels.runAs(k, 0, Opcodes.VM_EXEC, bad[i]);
                assertEquals(FaultCode.BAD_ARGUMENT, o.fault(), Arrays.toString(bad[i]));
                assertEquals(details[i], o.faultDetail(), Arrays.toString(bad[i]));
            }
            int[] reserved = VmExecAbi.args(p, set, 1, 1, 1, 0, 1, 10);
            reserved[VmExecAbi.RESERVED] = 1;
            assertEquals(VmExecAbi.RESERVED, Kernels.runAs(k, 0, Opcodes.VM_EXEC, reserved).faultDetail());
            // a set registered for another shape does not match
            Program bytes = Program.of(Program.WorkgroupSize.of(1), List.of(BufferDecl.of("b", 0,
                    BufferAccess.READ_WRITE, ScalarType.BYTES, 0, true)), List.of());
            int pb = vm.register(0, bytes);
            SlotOutcome o = exec(k, 0, pb, set, 1, 10);
            assertEquals(FaultCode.BAD_ARGUMENT, o.fault());
            assertEquals(VmExecAbi.BUFFER_SET, o.faultDetail());
            assertEquals(Permissions.VM_EXEC_BIT, Permissions.systemBit(Opcodes.VM_EXEC));
        }
    }

    @Test
    void evictionFreesTheEntryAndItsHeapWords() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            VmUnit vm = k.vm();
            int p = vm.register(0, scale(3));
            int set = vm.registerBufferSet(0, p, buffers(k, 32));
            vm.evict(0, p);
            assertEquals(0, vm.programCount());
            assertEquals(0, vm.tables().get(ValueLayout.JAVA_INT, VmTableLayout.programWord(p, VmTableLayout.P_STATE))
                    & VmTableLayout.READY, "the device entry is no longer READY");
            SlotOutcome o = exec(k, 0, p, set, 1, 1_000);
            assertEquals(FaultCode.BAD_ARGUMENT, o.fault());
            assertEquals(VmExecAbi.PROGRAM, o.faultDetail());
            // registering and evicting far more images than the heap holds at once reuses the words
            for (int i = 0; i < 3_000; i++) {
                int q = vm.register(0, scale(i));
                vm.evict(0, q);
            }
            int again = vm.register(0, scale(3));
            assertTrue(exec(k, 0, again, set, 1, 1_000).isDone());
            vm.evictBufferSet(0, set);
            assertEquals(VmExecAbi.BUFFER_SET, exec(k, 0, again, set, 1, 1_000).faultDetail());
        }
    }

    @Test
    void aRunawayProgramFaultsOnlyItsOwnSlot() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            VmUnit vm = k.vm();
            int loop = vm.register(0, forever());
            List<MemorySegment> loopBuffers = buffers(k, 4);
            int loopSet = vm.registerBufferSet(0, loop, loopBuffers);
            int ok = vm.register(0, scale(2));
            List<MemorySegment> b = buffers(k, 32);
            int okSet = vm.registerBufferSet(0, ok, b);
            List<Ticket> tickets = new ArrayList<>();
            tickets.add(k.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL,
                    VmExecAbi.args(loop, loopSet, 1, 1, 1, 0, 1, 5_000_000)));
            for (int i = 0; i < 20; i++) {
                tickets.add(k.publish(Opcodes.VM_EXEC, 0, Priority.NORMAL, VmExecAbi.args(ok, okSet, 1, 1, 1, 0, 1,
                        1_000)));
            }
            SlotOutcome runaway = tickets.get(0).await(Kernels.WAIT);
            assertEquals(FaultCode.STEP_BUDGET, runaway.fault());
            assertEquals(5_000_000, runaway.faultDetail());
            assertEquals(7, loopBuffers.get(1).getAtIndex(ValueLayout.JAVA_INT, 3), "it ran until the budget");
            for (Ticket t : tickets.subList(1, tickets.size())) {
                assertTrue(t.await(Kernels.WAIT).isDone());
            }
            assertEquals(64, b.get(1).getAtIndex(ValueLayout.JAVA_INT, 31));
        }
    }
}
