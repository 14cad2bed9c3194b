package dev.vyre.runtime;

import static dev.vyre.runtime.Kernels.SPEC_OBSERVABLE_BASE;
import static dev.vyre.runtime.Kernels.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.DebugLogSnapshot;
import dev.vyre.protocol.DebugRecord;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every built-in opcode on the CPU backend, against values computed in the test. */
class BuiltinOpcodeTest {
    private static final int OBS = SPEC_OBSERVABLE_BASE;

    @Test
    void nopCompletesKeepsArgumentsAndCounts() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            SlotOutcome o = run(k, Opcodes.NOP, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            assertEquals(SlotState.DONE, o.state());
            assertNull(o.fault());
            assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, o.args());
            run(k, Opcodes.NOP);
            assertEquals(2, k.doneCount());
        }
    }

    @Test
    void storeU32WritesAnyWord() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            run(k, Opcodes.STORE_U32, 0xCAFE_BABE, OBS + 7);
            run(k, Opcodes.STORE_U32, 42, 100); // a metrics word of the fixed block
            assertEquals(0xCAFE_BABE, k.control().load(OBS + 7));
            assertEquals(0xCAFE_BABE, k.control().observable(7));
            assertEquals(42, k.control().load(100));
        }
    }

    @Test
    void atomicAddWrapsAround() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            run(k, Opcodes.STORE_U32, 0xFFFF_FFF0, OBS + 3);
            run(k, Opcodes.ATOMIC_ADD, 0x20, OBS + 3);
            assertEquals(0x10, k.control().load(OBS + 3));
            run(k, Opcodes.ATOMIC_ADD, -1, OBS + 3);
            assertEquals(0x0F, k.control().load(OBS + 3));
        }
    }

    @Test
    void loadU32CopiesIntoAnObservable() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            run(k, Opcodes.STORE_U32, 1234, 97);
            run(k, Opcodes.LOAD_U32, 97, 5);
            assertEquals(1234, k.control().load(OBS + 5));
            // a tenant mask word, read back through LOAD_U32
            run(k, Opcodes.LOAD_U32, 2 + 4, 6);
            assertEquals(0xFFFF_FFFF, k.control().load(OBS + 6));
        }
    }

    @Test
    void compareSwapReportsThePreviousValue() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            run(k, Opcodes.STORE_U32, 10, 50);
            run(k, Opcodes.COMPARE_SWAP, 50, 10, 20);
            assertEquals(20, k.control().load(50));
            assertEquals(10, k.control().load(OBS + 50), "prev == expected: it swapped");
            run(k, Opcodes.COMPARE_SWAP, 50, 10, 30);
            assertEquals(20, k.control().load(50), "expected 10 but found 20: no swap");
            assertEquals(20, k.control().load(OBS + 50));
        }
    }

    @Test
    void memcpyHasMemmoveSemanticsBothWays() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            int[] expected = new int[32];
            for (int i = 0; i < 10; i++) {
                expected[i] = 100 + i;
                run(k, Opcodes.STORE_U32, 100 + i, OBS + i);
            }
            // forward overlap: [0,8) -> [2,10)
            System.arraycopy(expected.clone(), 0, expected, 2, 8);
            run(k, Opcodes.MEMCPY, OBS, OBS + 2, 8);
            // backward overlap: [3,9) -> [0,6)
            System.arraycopy(expected.clone(), 3, expected, 0, 6);
            run(k, Opcodes.MEMCPY, OBS + 3, OBS, 6);
            // disjoint, then zero length
            System.arraycopy(expected.clone(), 0, expected, 20, 5);
            run(k, Opcodes.MEMCPY, OBS, OBS + 20, 5);
            run(k, Opcodes.MEMCPY, OBS, OBS + 30, 0);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], k.control().observable(i), "observable " + i);
            }
        }
    }

    @Test
    void batchFenceAdvancesTheEpochAndTags() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            run(k, Opcodes.BATCH_FENCE, 0, 0xAB);
            run(k, Opcodes.BATCH_FENCE, 99, 0xCD);
            assertEquals(2, k.control().load(128));
            assertEquals(0xCD, k.control().load(OBS));
        }
    }

    @Test
    void printfAppendsFormatArgumentsAndSlotBase() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            Ticket t = k.publish(Opcodes.PRINTF, 0, Priority.LOW, 7, 8, 9);
            assertTrue(t.await(Kernels.WAIT).isDone());
            DebugLogSnapshot log = k.debugLog().tryRead().orElseThrow();
            assertEquals(List.of(new DebugRecord(7, 8, 9, t.slot() * 16)), log.records());
        }
    }

    @Test
    void printfOverflowIsDroppedAndCounted() {
        try (Megakernel k = Kernels.cpu(Kernels.small().withDebugRecords(3))) {
            List<DebugRecord> sent = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Ticket t = k.publish(Opcodes.PRINTF, 0, Priority.NORMAL, i, i * 2, i * 3);
                assertTrue(t.await(Kernels.WAIT).isDone(), "a dropped record does not fault the slot");
                sent.add(new DebugRecord(i, i * 2, i * 3, t.slot() * 16));
            }
            DebugLogSnapshot log = k.debugLog().tryRead().orElseThrow();
            assertEquals(3, log.records().size());
            assertEquals(4, log.dropped());
            assertTrue(sent.containsAll(log.records()));
        }
    }

    @Test
    void packedSubOpsRunInOrderAndEmptyOnesAreSkipped() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            int w = OBS + 40;
            SlotOutcome o = run(k, Opcodes.PACKED_SLOT,
                    Opcodes.STORE_U32, 77, w, 0,
                    Opcodes.LOAD_U32, w, 41, 0,
                    Opcodes.ATOMIC_ADD, 5, w, 0);
            assertTrue(o.isDone());
            assertEquals(82, k.control().load(w));
            assertEquals(77, k.control().load(OBS + 41), "the LOAD saw the STORE before it, not the ADD after");
            o = run(k, Opcodes.PACKED_SLOT,
                    Opcodes.NOP, 1, 2, 3,
                    Opcodes.BATCH_FENCE, 0, 0x55, 0,
                    Opcodes.NOP, 0, 0, 0);
            assertTrue(o.isDone());
            assertEquals(1, k.control().load(128));
            assertEquals(0x55, k.control().load(OBS));
        }
    }

    @Test
    void dfaStepAndLoadMissAreNotImplementedYet() {
        try (Megakernel k = Kernels.cpu(Kernels.small())) {
            assertEquals(FaultCode.UNKNOWN_OPCODE, run(k, Opcodes.DFA_STEP, 1, 2, 3).fault());
            assertEquals(FaultCode.UNKNOWN_OPCODE, run(k, Opcodes.LOAD_MISS, 1, 0).fault());
        }
    }

    /**
     * Thousands of random built-in slots, tenants with masks, faults and debug overflow, one at a time through
     * {@code call()} (and every fourth through publish/await), against {@link SpecModel}.
     */
    @Test
    void randomSlotsMatchTheIndependentModel() {
        int observables = 64;
        int words = OBS + observables;
        int capacity = 40;
        SplittableRandom rnd = new SplittableRandom(20_260_501);
        int[] masks = {-1, rnd.nextInt(), rnd.nextInt(), 0b1111_1111_1111};
        MegakernelConfig config = Kernels.small().withObservables(observables).withDebugRecords(capacity);
        SpecModel model = new SpecModel(words, capacity);
        for (int t = 0; t < 30; t++) {
            int mask = t < masks.length ? masks[t] : -1;
            config = config.withTenantMask(t, mask);
            model.control[2 + t] = mask;
        }
        model.startWorkers();
        int[] byCode = new int[8];
        try (Megakernel k = Kernels.cpu(config)) {
            for (int i = 0; i < 4000; i++) {
                int opcode = randomOpcode(rnd);
                int tenant = rnd.nextInt(masks.length);
                int[] args = randomArgs(rnd, opcode, words);
                SlotOutcome o;
                if (i % 4 == 0) {
                    o = k.publish(opcode, tenant, Priority.HIGH, args).await(Kernels.WAIT);
                } else {
                    o = k.call(opcode, tenant, Priority.HIGH, args);
                }
                SpecModel.Expect e = model.exec(o.slot(), opcode, tenant, args);
                byCode[e.code()]++;
                String what = "slot " + i + " " + Opcodes.name(opcode) + " tenant " + tenant;
                assertEquals(e.done(), o.isDone(), what);
                if (!e.done()) {
                    assertEquals(e.code(), o.fault().wire(), what);
                    assertEquals(e.detail(), o.faultDetail(), what);
                }
                assertArrayEquals(e.args(), o.args(), what);
            }
            for (int w = 0; w < words; w++) {
                assertEquals(model.control[w], k.control().load(w), "control word " + w);
            }
            DebugLogSnapshot log = k.debugLog().tryRead().orElseThrow();
            assertEquals(model.log, log.records());
            assertEquals(model.dropped, log.dropped());
            assertTrue(model.dropped > 0, "the log overflowed");
        }
        for (FaultCode f : List.of(FaultCode.UNKNOWN_OPCODE, FaultCode.OPCODE_NOT_PERMITTED, FaultCode.BAD_ARGUMENT,
                FaultCode.CONTROL_OUT_OF_RANGE)) {
            assertTrue(byCode[f.wire()] > 20, f + " occurred " + byCode[f.wire()] + " times");
        }
        assertTrue(byCode[0] > 1000, "completed slots: " + byCode[0]);
    }

    private static int randomOpcode(SplittableRandom rnd) {
        int[] ops = {0, 1, 2, 3, 4, 5, 6, 7, 0xFFFD, 0xFFFE, 0x8000_0001, 0x8000_0001, 0x1234, 2, 1, 3};
        return ops[rnd.nextInt(ops.length)];
    }

    /** Indices mostly in range, a few just past the end or huge; never a write that could reach word 0. */
    private static int[] randomArgs(SplittableRandom rnd, int opcode, int words) {
        int[] a = new int[12];
        for (int i = 0; i < 12; i++) {
            a[i] = rnd.nextInt();
        }
        if (opcode == 0x8000_0001) {
            for (int k = 0; k < 3; k++) {
                int[] ops = {0, 1, 2, 3, 4, 5, 7, 6, 0xFFFE, 9};
                int op = ops[rnd.nextInt(ops.length)];
                a[4 * k] = op;
                fill(rnd, a, 4 * k + 1, op, words);
            }
        } else {
            fill(rnd, a, 0, opcode, words);
        }
        return a;
    }

    private static void fill(SplittableRandom rnd, int[] a, int at, int op, int words) {
        switch (op) {
            case 1, 2 -> {
                a[at] = rnd.nextInt(1000);
                a[at + 1] = index(rnd, words);
            }
            case 3 -> {
                a[at] = rnd.nextInt(words + 3);
                a[at + 1] = rnd.nextInt(8) == 0 ? index(rnd, words) : rnd.nextInt(words - OBS + 2);
            }
            case 4 -> {
                a[at] = rnd.nextInt(8) == 0 ? index(rnd, words) : 1 + rnd.nextInt(words - OBS + 2);
                a[at + 1] = rnd.nextInt(3);
                a[at + 2] = rnd.nextInt(1000);
            }
            case 5 -> {
                a[at + 2] = rnd.nextInt(12);
                a[at] = rnd.nextInt(words + 4 - a[at + 2]);
                a[at + 1] = 1 + rnd.nextInt(words + 4 - a[at + 2]);
                if (rnd.nextInt(16) == 0) {
                    a[at + 2] = -rnd.nextInt(1, 4);
                }
            }
            default -> {
                // other opcodes take arbitrary words
            }
        }
    }

    /** A control index that is not word 0: mostly in range, sometimes past the end or near 2^32. */
    private static int index(SplittableRandom rnd, int words) {
        return switch (rnd.nextInt(10)) {
            case 0 -> words + rnd.nextInt(4);
            case 1 -> -rnd.nextInt(1, 5);
            default -> 1 + rnd.nextInt(words - 1);
        };
    }
}
