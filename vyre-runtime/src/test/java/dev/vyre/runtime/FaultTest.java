package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static dev.vyre.runtime.Kernels.run;
import static dev.vyre.runtime.Kernels.runAs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Faults on the CPU backend: the fault words, no side effects, and a kernel that keeps running. */
class FaultTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;
    /** Control words of {@link Kernels#small()}: 160 fixed + 256 observables. */
    private static final int WORDS = OBS + 256;

    private static void assertFault(SlotOutcome o, FaultCode code, long detail) {
        assertEquals(SlotState.FAULT, o.state(), o.toString());
        assertEquals(code, o.fault(), o.toString());
        assertEquals((int) detail, o.faultDetail(), o.toString());
        assertEquals(code.wire(), o.arg(0), "ARG0 holds the fault code");
        assertEquals((int) detail, o.arg(1), "ARG1 holds the detail");
    }

    @Test
    void unknownUserOpcodeKeepsThePublishedArguments() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            SlotOutcome o = run(k, 0x1234, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            assertFault(o, FaultCode.UNKNOWN_OPCODE, 0);
            assertArrayEquals(new int[] {1, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, o.args());
        }
    }

    @Test
    void tenantMaskRefusesWithoutEffect() {
        int storeOnly = 1 << 1; // bit n = built-in opcode n
        try (Megakernel k = Kernels.cpu(Kernels.small().withTenantMask(7, storeOnly).withTenantMask(8, 0))) {
            assertTrue(runAs(k, 7, Opcodes.STORE_U32, 11, OBS).isDone());
            assertFault(runAs(k, 7, Opcodes.ATOMIC_ADD, 5, OBS), FaultCode.OPCODE_NOT_PERMITTED, 0);
            assertFault(runAs(k, 7, Opcodes.PRINTF, 1, 2, 3), FaultCode.OPCODE_NOT_PERMITTED, 0);
            assertFault(runAs(k, 8, Opcodes.NOP), FaultCode.OPCODE_NOT_PERMITTED, 0);
            assertFault(runAs(k, 8, Opcodes.SHUTDOWN), FaultCode.OPCODE_NOT_PERMITTED, 0);
            assertEquals(11, k.control().load(OBS));
            assertEquals(0, k.control().load(0), "a refused SHUTDOWN does not shut down");
            assertTrue(runAs(k, 9, Opcodes.ATOMIC_ADD, 5, OBS).isDone(), "tenants without a mask get everything");
            assertEquals(16, k.control().load(OBS));
        }
    }

    @Test
    void outOfRangeIndicesFaultWithTheFirstBadIndex() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            assertFault(run(k, Opcodes.STORE_U32, 1, WORDS), FaultCode.CONTROL_OUT_OF_RANGE, WORDS);
            assertFault(run(k, Opcodes.ATOMIC_ADD, 1, -1), FaultCode.CONTROL_OUT_OF_RANGE, 0xFFFF_FFFFL);
            assertFault(run(k, Opcodes.LOAD_U32, WORDS + 3, 0), FaultCode.CONTROL_OUT_OF_RANGE, WORDS + 3);
            assertFault(run(k, Opcodes.LOAD_U32, 5, WORDS - OBS), FaultCode.CONTROL_OUT_OF_RANGE, WORDS);
            assertFault(run(k, Opcodes.LOAD_U32, 5, -1), FaultCode.CONTROL_OUT_OF_RANGE, 0xFFFF_FFFFL);
            assertFault(run(k, Opcodes.COMPARE_SWAP, WORDS - 100, 0, 1), FaultCode.CONTROL_OUT_OF_RANGE, WORDS + 60);
            assertFault(run(k, Opcodes.MEMCPY, WORDS - 2, OBS, 4), FaultCode.CONTROL_OUT_OF_RANGE, WORDS);
            assertFault(run(k, Opcodes.MEMCPY, WORDS + 5, OBS, 0), FaultCode.CONTROL_OUT_OF_RANGE, WORDS + 5);
            assertFault(run(k, Opcodes.MEMCPY, OBS, WORDS - 1, 2), FaultCode.CONTROL_OUT_OF_RANGE, WORDS);
            assertFault(run(k, Opcodes.MEMCPY, OBS, OBS, -1), FaultCode.CONTROL_OUT_OF_RANGE, WORDS);
            assertTrue(run(k, Opcodes.MEMCPY, OBS, WORDS - 2, 2).isDone(), "a range ending at the last word");
            assertTrue(run(k, Opcodes.MEMCPY, WORDS, OBS, 0).isDone(), "an empty range at the end");
            for (int w = 0; w < WORDS; w++) {
                int expected = w == 1 ? 12 : w >= 2 && w < 32 ? -1 : 0; // DONE_COUNT, tenant masks
                assertEquals(expected, k.control().load(w), "control word " + w + " is untouched");
            }
        }
    }

    @Test
    void badPackedSubOpsFaultBeforeAnySubOpRuns() {
        try (Megakernel k = Kernels.cpu(Kernels.small().withTenantMask(3, ~(1 << 2)))) {
            for (int bad : new int[] {6, 8, Opcodes.PRINTF, Opcodes.PACKED_SLOT, Opcodes.SHUTDOWN, 0x1234}) {
                for (int sub = 0; sub < 3; sub++) {
                    int[] args = {Opcodes.STORE_U32, 9, OBS, 0, Opcodes.STORE_U32, 9, OBS + 1, 0,
                        Opcodes.STORE_U32, 9, OBS + 2, 0};
                    args[4 * sub] = bad;
                    assertFault(run(k, Opcodes.PACKED_SLOT, args), FaultCode.BAD_ARGUMENT, 4 * sub);
                }
            }
            // tenant 3 may not ATOMIC_ADD (bit 2), not even inside a packed slot
            assertFault(runAs(k, 3, Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 9, OBS, 0, Opcodes.ATOMIC_ADD, 1, OBS, 0),
                    FaultCode.OPCODE_NOT_PERMITTED, 4);
            // an out-of-range sub-op after a valid one
            assertFault(run(k, Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 9, OBS, 0, Opcodes.NOP, 0, 0, 0,
                    Opcodes.STORE_U32, 9, WORDS, 0), FaultCode.CONTROL_OUT_OF_RANGE, WORDS);
            for (int w = OBS; w < OBS + 3; w++) {
                assertEquals(0, k.control().load(w), "no sub-op of a faulting packed slot ran");
            }
        }
    }

    @Test
    void unreachableRangesDoNotStopOtherSlots() throws Exception {
        try (Megakernel k = Kernels.cpu(Kernels.small().withSlots(32).withWorkers(4))) {
            int perThread = 3000;
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < 2; t++) {
                int counter = OBS + t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        List<Ticket> good = new ArrayList<>();
                        List<Ticket> bad = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            good.add(k.publish(Opcodes.ATOMIC_ADD, 0, Priority.NORMAL, 1, counter));
                            bad.add(k.publish(i % 2 == 0 ? 0x4321 : Opcodes.STORE_U32, 0, Priority.NORMAL, 1, -7));
                        }
                        for (Ticket g : good) {
                            assertTrue(g.await(Kernels.WAIT).isDone());
                        }
                        for (Ticket b : bad) {
                            assertTrue(b.await(Kernels.WAIT).isFault());
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(perThread, k.control().load(OBS));
            assertEquals(perThread, k.control().load(OBS + 1));
            assertEquals(4 * perThread, k.doneCount(), "DONE_COUNT counts faults too");
        }
    }
}
