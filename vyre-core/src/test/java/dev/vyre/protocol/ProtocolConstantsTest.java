package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every constant against the value typed here from PROTOCOL.md / AUTOMATA.md. */
class ProtocolConstantsTest {

    @Test
    void slotLayoutMatchesSpec() {
        assertEquals(16, SlotLayout.SLOT_WORDS);
        assertEquals(64, SlotLayout.SLOT_BYTES);
        assertEquals(0, SlotLayout.STATUS);
        assertEquals(1, SlotLayout.OPCODE);
        assertEquals(2, SlotLayout.TENANT);
        assertEquals(3, SlotLayout.PRIORITY);
        int[] args = {SlotLayout.ARG0, SlotLayout.ARG1, SlotLayout.ARG2, SlotLayout.ARG3, SlotLayout.ARG4,
            SlotLayout.ARG5, SlotLayout.ARG6, SlotLayout.ARG7, SlotLayout.ARG8, SlotLayout.ARG9, SlotLayout.ARG10,
            SlotLayout.ARG11};
        for (int i = 0; i < 12; i++) {
            assertEquals(4 + i, args[i], "ARG" + i);
            assertEquals(4 + i, SlotLayout.arg(i));
        }
        assertEquals(12, SlotLayout.ARGS_PER_SLOT);
        assertEquals(4294967295L / 16, SlotLayout.MAX_RING_SLOTS);
        assertEquals(1_048_576, SlotLayout.MAX_ENCODED_RING_SLOTS);
        assertThrows(ProtocolException.class, () -> SlotLayout.arg(12));
        assertThrows(ProtocolException.class, () -> SlotLayout.arg(-1));
    }

    @Test
    void slotStatesAndPrioritiesMatchSpec() {
        List<String> states = List.of("EMPTY", "PUBLISHED", "CLAIMED", "DONE", "WAIT_IO", "YIELD", "REQUEUE",
                "FAULT");
        assertEquals(states.size(), SlotState.values().length);
        for (int i = 0; i < states.size(); i++) {
            SlotState s = SlotState.valueOf(states.get(i));
            assertEquals(i, s.wire());
            assertEquals(s, SlotState.fromWire(i));
        }
        List<String> priorities = List.of("CRITICAL", "HIGH", "NORMAL", "LOW", "IDLE");
        assertEquals(priorities.size(), Priority.values().length);
        for (int i = 0; i < priorities.size(); i++) {
            assertEquals(i, Priority.valueOf(priorities.get(i)).wire());
            assertEquals(Priority.valueOf(priorities.get(i)), Priority.fromWire(i));
        }
        for (int bad : new int[] {8, -1, 0x100, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> SlotState.fromWire(bad));
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        }
        for (int bad : new int[] {5, -1, 0xFFFF_FFFF}) {
            assertThrows(ProtocolException.class, () -> Priority.fromWire(bad));
        }
    }

    @Test
    void controlLayoutMatchesSpec() {
        assertEquals(0, ControlLayout.SHUTDOWN);
        assertEquals(1, ControlLayout.DONE_COUNT);
        assertEquals(2, ControlLayout.TENANT_BASE);
        assertEquals(31 - 2 + 1, ControlLayout.TENANT_SLOTS);
        assertEquals(32, ControlLayout.TENANT_QUOTA_BASE);
        assertEquals(63 - 32 + 1, ControlLayout.TENANT_QUOTA_SLOTS);
        assertEquals(64, ControlLayout.TENANT_FAIRNESS_BASE);
        assertEquals(32, ControlLayout.TENANT_FAIRNESS_SLOTS);
        assertEquals(96, ControlLayout.METRICS_BASE);
        assertEquals(32, ControlLayout.METRICS_SLOTS);
        assertEquals(128, ControlLayout.EPOCH);
        assertEquals(129, ControlLayout.PRIORITY_OFFSETS_BASE);
        assertEquals(6, ControlLayout.PRIORITY_OFFSETS_SLOTS);
        assertEquals(135, ControlLayout.PRIORITY_STARVATION_COUNTER);
        assertEquals(136, ControlLayout.PRIORITY_FAIRNESS_BASE);
        assertEquals(5, ControlLayout.PRIORITY_FAIRNESS_SLOTS);
        assertEquals(160, ControlLayout.OBSERVABLE_BASE);
        assertEquals(160, ControlLayout.CONTROL_MIN_WORDS);
        assertEquals(1_048_576, ControlLayout.MAX_ENCODED_OBSERVABLE_SLOTS);
        // regions are contiguous and disjoint, in the spec's order
        assertEquals(ControlLayout.TENANT_QUOTA_BASE, ControlLayout.TENANT_BASE + ControlLayout.TENANT_SLOTS);
        assertEquals(ControlLayout.TENANT_FAIRNESS_BASE,
                ControlLayout.TENANT_QUOTA_BASE + ControlLayout.TENANT_QUOTA_SLOTS);
        assertEquals(ControlLayout.METRICS_BASE,
                ControlLayout.TENANT_FAIRNESS_BASE + ControlLayout.TENANT_FAIRNESS_SLOTS);
        assertEquals(ControlLayout.EPOCH, ControlLayout.METRICS_BASE + ControlLayout.METRICS_SLOTS);
        assertEquals(ControlLayout.PRIORITY_STARVATION_COUNTER,
                ControlLayout.PRIORITY_OFFSETS_BASE + ControlLayout.PRIORITY_OFFSETS_SLOTS);
        assertTrue(ControlLayout.PRIORITY_FAIRNESS_BASE + ControlLayout.PRIORITY_FAIRNESS_SLOTS
                <= ControlLayout.OBSERVABLE_BASE);
    }

    @Test
    void opcodesMatchSpec() {
        assertEquals(0, Opcodes.NOP);
        assertEquals(1, Opcodes.STORE_U32);
        assertEquals(2, Opcodes.ATOMIC_ADD);
        assertEquals(3, Opcodes.LOAD_U32);
        assertEquals(4, Opcodes.COMPARE_SWAP);
        assertEquals(5, Opcodes.MEMCPY);
        assertEquals(6, Opcodes.DFA_STEP);
        assertEquals(7, Opcodes.BATCH_FENCE);
        assertEquals(0xFFFDL, Integer.toUnsignedLong(Opcodes.LOAD_MISS));
        assertEquals(0xFFFEL, Integer.toUnsignedLong(Opcodes.PRINTF));
        assertEquals(0x80000001L, Integer.toUnsignedLong(Opcodes.PACKED_SLOT));
        assertEquals(0xFFFFFFFFL, Integer.toUnsignedLong(Opcodes.SHUTDOWN));
        assertEquals(0x80000000L, Integer.toUnsignedLong(Opcodes.SYSTEM_MASK));
        String[] names = {"NOP", "STORE_U32", "ATOMIC_ADD", "LOAD_U32", "COMPARE_SWAP", "MEMCPY", "DFA_STEP",
            "BATCH_FENCE"};
        for (int op = 0; op < names.length; op++) {
            assertEquals(names[op], Opcodes.name(op));
        }
        assertEquals("LOAD_MISS", Opcodes.name(0xFFFD));
        assertEquals("PRINTF", Opcodes.name(0xFFFE));
        assertEquals("PACKED_SLOT", Opcodes.name(0x80000001));
        assertEquals("SHUTDOWN", Opcodes.name(0xFFFFFFFF));
        assertEquals("USER(0x00000100)", Opcodes.name(0x100));
        assertEquals("SYSTEM(0x0000FFF0)", Opcodes.name(0xFFF0));
    }

    /** Independent oracle: the spec's sentence evaluated on a long. */
    private static boolean specSystem(long op) {
        return op >= 0x80000000L || (op >= 0xFFF0L && op <= 0xFFFFL) || op <= 7;
    }

    /** The spec's built-ins, plus VM_EXEC (0x80000002, issue #7, docs/VM-BYTECODE.md). */
    private static boolean specBuiltin(long op) {
        return op <= 7 || op == 0x80000001L || op == 0x80000002L || op == 0xFFFEL || op == 0xFFFFFFFFL;
    }

    @Test
    void systemAndBuiltinRangesAreExactlyTheSpecs() {
        long[] edges = {0, 1, 7, 8, 9, 0xFFEF, 0xFFF0, 0xFFF1, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x7FFFFFFFL,
            0x80000000L, 0x80000001L, 0x80000002L, 0x80000003L, 0xFFFFFFFEL, 0xFFFFFFFFL};
        for (long op : edges) {
            assertEquals(specSystem(op), Opcodes.isSystem((int) op), "isSystem " + Long.toHexString(op));
            assertEquals(specBuiltin(op), Opcodes.isBuiltin((int) op), "isBuiltin " + Long.toHexString(op));
        }
        assertTrue(Opcodes.isSystem(Opcodes.LOAD_MISS));
        assertFalse(Opcodes.isBuiltin(Opcodes.LOAD_MISS), "the spec's built-ins do not list LOAD_MISS");
        Props.forAll("opcode ranges", 20_000, (i, rnd) -> {
            long op = rnd.nextLong(0, 0x1_0000_0000L);
            assertEquals(specSystem(op), Opcodes.isSystem((int) op));
            assertEquals(specBuiltin(op), Opcodes.isBuiltin((int) op));
            if (specSystem(op)) {
                assertThrows(ProtocolException.class, () -> Opcodes.requireUser((int) op));
            } else {
                assertEquals((int) op, Opcodes.requireUser((int) op));
            }
        });
    }

    @Test
    void debugLogAndTaskLayoutMatchSpec() {
        assertEquals(4, DebugLogLayout.RECORD_WORDS);
        assertEquals(1_048_576, DebugLogLayout.MAX_ENCODED_DEBUG_RECORDS);
        assertEquals(16, TaskLayout.TASK_WORDS);
        List<String> order = List.of("state", "op_handle", "tenant_id", "priority", "input_handle",
                "output_handle", "param", "continuation_pc", "continuation_data", "resume_epoch", "task_id",
                "parent_task_id", "age_ticks", "requeue_count", "yield_count", "flags");
        int[] indices = {TaskLayout.STATE, TaskLayout.OP_HANDLE, TaskLayout.TENANT_ID, TaskLayout.PRIORITY,
            TaskLayout.INPUT_HANDLE, TaskLayout.OUTPUT_HANDLE, TaskLayout.PARAM, TaskLayout.CONTINUATION_PC,
            TaskLayout.CONTINUATION_DATA, TaskLayout.RESUME_EPOCH, TaskLayout.TASK_ID, TaskLayout.PARENT_TASK_ID,
            TaskLayout.AGE_TICKS, TaskLayout.REQUEUE_COUNT, TaskLayout.YIELD_COUNT, TaskLayout.FLAGS};
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i, indices[i], order.get(i));
        }
        List<String> states = List.of("EMPTY", "READY", "RUNNING", "DONE", "PAUSED", "YIELDED", "REQUEUED",
                "FAULTED");
        assertEquals(states.size(), TaskState.values().length);
        for (int i = 0; i < states.size(); i++) {
            TaskState s = TaskState.valueOf(states.get(i));
            assertEquals(i, s.wire());
            assertEquals(s, TaskState.fromWire(i));
            boolean schedulable = s.name().equals("READY") || s.name().equals("YIELDED")
                    || s.name().equals("REQUEUED");
            assertEquals(schedulable, s.schedulable(), s.name());
        }
        assertThrows(ProtocolException.class, () -> TaskState.fromWire(8));
        assertEquals(1, TaskFlags.PAUSED);
        assertEquals(2, TaskFlags.YIELDED);
        assertEquals(4, TaskFlags.REQUEUE_REQUESTED);
        assertEquals(8, TaskFlags.RESUME_READY);
    }

    @Test
    void faultCodesAreDistinctNonZeroAndRoundTrip() {
        assertThrows(ProtocolException.class, () -> FaultCode.fromWire(0));
        assertThrows(ProtocolException.class, () -> FaultCode.fromWire(FaultCode.values().length + 1));
        assertThrows(ProtocolException.class, () -> FaultCode.fromWire(-1));
        assertEquals(1, FaultCode.UNKNOWN_OPCODE.wire());
        assertEquals(2, FaultCode.OPCODE_NOT_PERMITTED.wire());
        assertEquals(3, FaultCode.HANDLER_FAULT.wire());
        assertEquals(4, FaultCode.STEP_BUDGET.wire());
        assertEquals(5, FaultCode.BAD_ARGUMENT.wire());
        for (FaultCode c : FaultCode.values()) {
            assertEquals(c, FaultCode.fromWire(c.wire()));
        }
        assertEquals(SlotLayout.ARG0, SlotLayout.FAULT_CODE);
        assertEquals(SlotLayout.ARG1, SlotLayout.FAULT_DETAIL);
    }
}
