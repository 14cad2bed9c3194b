package dev.vyre.runtime.cuda;

import static dev.vyre.protocol.ControlLayout.OBSERVABLE_BASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.ControlLayout;
import dev.vyre.protocol.ControlView;
import dev.vyre.protocol.DebugLogSnapshot;
import dev.vyre.protocol.DebugRecord;
import dev.vyre.protocol.FaultCode;
import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.SlotLayout;
import dev.vyre.protocol.SlotState;
import dev.vyre.runtime.Backend;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelConfig;
import dev.vyre.runtime.Permissions;
import dev.vyre.runtime.SlotOutcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every built-in opcode and fault of the generated megakernel, through the host side ({@link Megakernel#call});
 * expected values are worked out here from the opcode definitions (PROTOCOL.md, docs/MEGAKERNEL.md), not by the
 * CPU backend. Run on the GPU ({@link CudaOpcodesGpuTest}) and on the PTX simulator ({@link SimOpcodesTest}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class OpcodeContract {
    private static final int PLAIN = 0;
    /** May run NOP, STORE_U32, PACKED_SLOT only. */
    private static final int LIMITED = 1;
    private static final int LIMITED_MASK = 1 << Opcodes.NOP | 1 << Opcodes.STORE_U32
            | 1 << Permissions.PACKED_SLOT_BIT;

    protected Megakernel kernel;
    private ControlView control;
    private int calls;

    /** Skips the tests where the backend cannot run. */
    protected abstract void assumeAvailable();

    /** A fresh backend running the generated megakernel. */
    protected abstract Backend newBackend();

    private Megakernel bootstrap(MegakernelConfig config) {
        return Megakernel.bootstrap(newBackend(), config);
    }

    @BeforeEach
    void bootstrap() {
        assumeAvailable();
        kernel = bootstrap(CudaTests.small().withTenantMask(LIMITED, LIMITED_MASK));
        control = kernel.control();
    }

    @AfterEach
    void close() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private SlotOutcome call(int opcode, int... args) {
        return callAs(PLAIN, opcode, args);
    }

    private SlotOutcome callAs(int tenant, int opcode, int... args) {
        calls++;
        return kernel.call(opcode, tenant, Priority.NORMAL, args);
    }

    private SlotOutcome done(int opcode, int... args) {
        SlotOutcome o = call(opcode, args);
        assertEquals(SlotState.DONE, o.state(), () -> Opcodes.name(opcode) + " did not complete: " + o);
        return o;
    }

    private static void assertFault(SlotOutcome o, FaultCode code, int detail) {
        assertEquals(SlotState.FAULT, o.state(), o::toString);
        assertEquals(code, o.fault(), o::toString);
        assertEquals(detail, o.faultDetail(), () -> "detail of " + o);
    }

    @Test
    void nopCompletesAndCounts() {
        for (int i = 0; i < 10; i++) {
            done(Opcodes.NOP);
        }
        assertEquals(10, calls);
        CudaTests.awaitDoneCount(control, calls);
    }

    @Test
    void storeU32WritesTheWord() {
        done(Opcodes.STORE_U32, 0xCAFE_F00D, OBSERVABLE_BASE + 5);
        done(Opcodes.STORE_U32, 77, ControlLayout.METRICS_BASE + 3);
        assertEquals(0xCAFE_F00D, control.load(OBSERVABLE_BASE + 5));
        assertEquals(77, control.metric(3));
        assertEquals(0, control.load(OBSERVABLE_BASE + 4), "neighbours stay untouched");
        assertEquals(0, control.load(OBSERVABLE_BASE + 6));
    }

    @Test
    void atomicAddWrapsAroundU32() {
        int w = OBSERVABLE_BASE + 9;
        done(Opcodes.STORE_U32, 0xFFFF_FFFE, w);
        done(Opcodes.ATOMIC_ADD, 3, w);
        assertEquals(1, control.load(w));
        done(Opcodes.ATOMIC_ADD, 0xFFFF_FFFF, w);
        assertEquals(0, control.load(w));
    }

    @Test
    void loadU32CopiesAnyWordToAnObservable() {
        done(Opcodes.STORE_U32, 12345, OBSERVABLE_BASE + 40);
        done(Opcodes.LOAD_U32, OBSERVABLE_BASE + 40, 7);
        assertEquals(12345, control.observable(7));
        done(Opcodes.LOAD_U32, ControlLayout.TENANT_BASE + LIMITED, 8);
        assertEquals(LIMITED_MASK, control.observable(8));
    }

    @Test
    void compareSwapSwapsOnlyOnMatchAndReportsThePreviousValue() {
        int x = OBSERVABLE_BASE + 100;
        done(Opcodes.STORE_U32, 5, x);
        done(Opcodes.COMPARE_SWAP, x, 5, 9);
        assertEquals(9, control.load(x));
        assertEquals(5, control.load(OBSERVABLE_BASE + x), "previous value (== expected: swapped)");
        done(Opcodes.COMPARE_SWAP, x, 5, 11);
        assertEquals(9, control.load(x), "no swap when the word differs from expected");
        assertEquals(9, control.load(OBSERVABLE_BASE + x));
    }

    @Test
    void memcpyIsAMemmoveInBothDirections() {
        int base = OBSERVABLE_BASE + 200;
        int[] model = new int[64];
        for (int i = 0; i < 24; i++) {
            model[i] = i * 7 + 1;
            done(Opcodes.STORE_U32, model[i], base + i);
        }
        done(Opcodes.MEMCPY, base, base + 5, 10);
        System.arraycopy(model, 0, model, 5, 10);
        assertArrayEquals(model, words(base, model.length), "overlap, target above source");
        done(Opcodes.MEMCPY, base + 6, base + 1, 12);
        System.arraycopy(model, 6, model, 1, 12);
        assertArrayEquals(model, words(base, model.length), "overlap, target below source");
        done(Opcodes.MEMCPY, base + 2, base + 40, 9);
        System.arraycopy(model, 2, model, 40, 9);
        assertArrayEquals(model, words(base, model.length), "disjoint ranges");
        done(Opcodes.MEMCPY, base, base + 50, 0);
        assertArrayEquals(model, words(base, model.length), "count 0 copies nothing");
    }

    private int[] words(int first, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = control.load(first + i);
        }
        return out;
    }

    @Test
    void batchFenceAdvancesTheEpochAndPublishesTheTag() {
        int epoch = control.epoch();
        done(Opcodes.BATCH_FENCE, 0, 0x1234_5678);
        assertEquals(epoch + 1, control.epoch());
        assertEquals(0x1234_5678, control.observable(0));
        done(Opcodes.BATCH_FENCE, 99, 0xABCD);
        assertEquals(epoch + 2, control.epoch());
        assertEquals(0xABCD, control.observable(0));
    }

    @Test
    void printfAppendsARecordWithTheSlotBase() {
        SlotOutcome a = done(Opcodes.PRINTF, 42, 1, 2, 777);
        SlotOutcome b = done(Opcodes.PRINTF, 43, -1, -2);
        DebugLogSnapshot log = kernel.debugLog().tryRead().orElseThrow();
        assertEquals(java.util.List.of(
                new DebugRecord(42, 1, 2, a.slot() * SlotLayout.SLOT_WORDS),
                new DebugRecord(43, -1, -2, b.slot() * SlotLayout.SLOT_WORDS)), log.records());
        assertEquals(0, log.dropped());
        assertEquals(777, a.arg(3), "PRINTF leaves the arguments alone");
    }

    @Test
    void printfIntoAFullLogDropsAndCounts() {
        kernel.close();
        kernel = bootstrap(CudaTests.small().withDebugRecords(2));
        for (int i = 0; i < 5; i++) {
            done(Opcodes.PRINTF, i, i, i);
        }
        DebugLogSnapshot log = kernel.debugLog().tryRead().orElseThrow();
        assertEquals(2, log.records().size());
        assertEquals(3, log.dropped());
        assertEquals(0, log.records().get(0).fmtId());
        assertEquals(1, log.records().get(1).fmtId());
    }

    @Test
    void packedSlotRunsItsSubOpsInOrder() {
        int w = OBSERVABLE_BASE + 50;
        done(Opcodes.PACKED_SLOT,
                Opcodes.STORE_U32, 10, w, 0,
                Opcodes.ATOMIC_ADD, 5, w, 0,
                Opcodes.LOAD_U32, w, 60, 0);
        assertEquals(15, control.load(w));
        assertEquals(15, control.observable(60), "the LOAD_U32 saw both earlier sub-ops");
        done(Opcodes.PACKED_SLOT, Opcodes.NOP, 1, 2, 3, Opcodes.STORE_U32, 3, w + 1, 0, Opcodes.NOP, 4, 5, 6);
        assertEquals(3, control.load(w + 1));
        done(Opcodes.PACKED_SLOT, Opcodes.BATCH_FENCE, 0, 0x77, 0, Opcodes.MEMCPY, w, w + 2, 2,
                Opcodes.COMPARE_SWAP, w + 3, 3, 4);
        assertEquals(0x77, control.observable(0));
        assertEquals(15, control.load(w + 2));
        assertEquals(4, control.load(w + 3), "CAS saw the MEMCPY's 3 and swapped");
        assertEquals(3, control.load(OBSERVABLE_BASE + w + 3));
    }

    @Test
    void faultingPackedSlotsHaveNoEffect() {
        int w = OBSERVABLE_BASE + 52;
        done(Opcodes.STORE_U32, 1, w);
        int words = control.wordCount();
        assertFault(call(Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 99, w, 0, Opcodes.PRINTF, 1, 2, 3),
                FaultCode.BAD_ARGUMENT, 4);
        assertFault(call(Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 99, w, 0, 0, 0, 0, 0, Opcodes.DFA_STEP, 0, 0, 0),
                FaultCode.BAD_ARGUMENT, 8);
        assertFault(call(Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 99, w, 0, Opcodes.NOP, 0, 0, 0,
                Opcodes.ATOMIC_ADD, 1, words, 0), FaultCode.CONTROL_OUT_OF_RANGE, words);
        assertFault(callAs(LIMITED, Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 99, w, 0, Opcodes.ATOMIC_ADD, 1, w, 0),
                FaultCode.OPCODE_NOT_PERMITTED, 4);
        assertEquals(1, control.load(w), "no sub-op of a faulting packed slot ran");
        SlotOutcome ok = callAs(LIMITED, Opcodes.PACKED_SLOT, Opcodes.STORE_U32, 98, w, 0);
        assertEquals(SlotState.DONE, ok.state(), ok::toString);
        assertEquals(98, control.load(w));
    }

    @Test
    void unknownOpcodesFaultAndKeepTheirArguments() {
        int[] args = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111};
        for (int op : new int[] {Opcodes.DFA_STEP, Opcodes.LOAD_MISS, 0x100, 0x7FFF_FFFF}) {
            SlotOutcome o = call(op, args);
            assertFault(o, FaultCode.UNKNOWN_OPCODE, 0);
            for (int i = 2; i < SlotLayout.ARGS_PER_SLOT; i++) {
                assertEquals(args[i], o.arg(i), "ARG" + i + " of a faulted " + Opcodes.name(op));
            }
        }
    }

    @Test
    void tenantMasksRefuseOpcodes() {
        int w = OBSERVABLE_BASE + 30;
        SlotOutcome o = callAs(LIMITED, Opcodes.ATOMIC_ADD, 1, w, 7, 8);
        assertFault(o, FaultCode.OPCODE_NOT_PERMITTED, 0);
        assertEquals(7, o.arg(2));
        assertFault(callAs(LIMITED, Opcodes.PRINTF, 1, 2, 3), FaultCode.OPCODE_NOT_PERMITTED, 0);
        assertFault(callAs(LIMITED, Opcodes.SHUTDOWN), FaultCode.OPCODE_NOT_PERMITTED, 0);
        assertEquals(0, control.load(w));
        assertEquals(0, control.load(ControlLayout.SHUTDOWN));
        assertEquals(SlotState.DONE, callAs(LIMITED, Opcodes.STORE_U32, 4, w).state());
        assertEquals(4, control.load(w));
        assertEquals(SlotState.DONE, callAs(LIMITED, Opcodes.NOP).state());
    }

    @Test
    void controlIndicesPastTheBlockFaultWithTheIndex() {
        int words = control.wordCount();
        assertFault(call(Opcodes.STORE_U32, 1, words), FaultCode.CONTROL_OUT_OF_RANGE, words);
        assertFault(call(Opcodes.ATOMIC_ADD, 1, 0xFFFF_FFFF), FaultCode.CONTROL_OUT_OF_RANGE, 0xFFFF_FFFF);
        assertFault(call(Opcodes.LOAD_U32, words, 0), FaultCode.CONTROL_OUT_OF_RANGE, words);
        assertFault(call(Opcodes.LOAD_U32, 0, words - OBSERVABLE_BASE), FaultCode.CONTROL_OUT_OF_RANGE, words);
        assertFault(call(Opcodes.LOAD_U32, 0, 0xFFFF_FFFF), FaultCode.CONTROL_OUT_OF_RANGE, 0xFFFF_FFFF);
        assertFault(call(Opcodes.LOAD_U32, 0, 0xFFFF_FF60), FaultCode.CONTROL_OUT_OF_RANGE, 0xFFFF_FFFF);
        assertFault(call(Opcodes.COMPARE_SWAP, words - OBSERVABLE_BASE, 0, 1), FaultCode.CONTROL_OUT_OF_RANGE,
                words);
        assertFault(call(Opcodes.MEMCPY, words - 2, 0, 5), FaultCode.CONTROL_OUT_OF_RANGE, words);
        assertFault(call(Opcodes.MEMCPY, 0, 0xFFFF_FFF0, 0x20), FaultCode.CONTROL_OUT_OF_RANGE, 0xFFFF_FFF0);
        assertFault(call(Opcodes.MEMCPY, words + 3, 0, 0), FaultCode.CONTROL_OUT_OF_RANGE, words + 3);
        assertFault(call(Opcodes.MEMCPY, 0, 1, 0xFFFF_FFFF), FaultCode.CONTROL_OUT_OF_RANGE, words);
        assertEquals(0, control.load(words - OBSERVABLE_BASE), "the faulted CAS did not swap");
    }

    @Test
    void batchFenceWithoutObservablesFaults() {
        kernel.close();
        kernel = bootstrap(CudaTests.small().withObservables(0));
        control = kernel.control();
        assertFault(call(Opcodes.BATCH_FENCE, 0, 5), FaultCode.CONTROL_OUT_OF_RANGE, OBSERVABLE_BASE);
        assertEquals(0, control.epoch(), "a faulted fence does not advance the epoch");
    }

    @Test
    void faultsKeepTheKernelRunning() {
        int n = 0;
        for (int i = 0; i < 50; i++) {
            assertEquals(SlotState.FAULT, call(Opcodes.DFA_STEP).state());
            assertEquals(SlotState.FAULT, call(Opcodes.STORE_U32, 0, -1).state());
            assertEquals(SlotState.DONE, call(Opcodes.ATOMIC_ADD, 1, OBSERVABLE_BASE + 1).state());
            n += 3;
        }
        assertEquals(50, control.observable(1));
        assertEquals(n, calls);
        CudaTests.awaitDoneCount(control, calls);
    }

    @Test
    void shutdownOpcodeStopsTheWorkers() {
        kernel.close();
        Backend backend = newBackend();
        kernel = Megakernel.bootstrap(backend, CudaTests.small());
        control = kernel.control();
        assertEquals(SlotState.DONE, call(Opcodes.SHUTDOWN).state());
        assertEquals(1, control.load(ControlLayout.SHUTDOWN));
        assertTrue(backend.awaitExit(Duration.ofSeconds(10)), "workers exit after a SHUTDOWN slot");
    }
}
