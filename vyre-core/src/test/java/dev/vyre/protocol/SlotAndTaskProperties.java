package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotAndTaskProperties {

    @Test
    void slotWordsFollowTheTableAndRoundTrip() {
        Props.forAll("slot round trip", 2_000, (i, rnd) -> {
            Slot s = Gen.slot(rnd);
            int[] w = s.toWords();
            assertEquals(16, w.length);
            assertEquals(s.status().wire(), w[0]);
            assertEquals(s.opcode(), w[1]);
            assertEquals(s.tenant(), w[2]);
            assertEquals(s.priority().wire(), w[3]);
            for (int a = 0; a < 12; a++) {
                assertEquals(s.arg(a), w[4 + a]);
            }
            assertEquals(s, Slot.fromWords(w));
            byte[] bytes = s.toBytes();
            assertArrayEquals(Gen.le(w), bytes, "bytes are the words in little-endian order");
            assertEquals(s, Slot.fromBytes(bytes));
            assertEquals(s.hashCode(), Slot.fromBytes(bytes).hashCode());
        });
    }

    @Test
    void slotIsImmutableAndPadsArguments() {
        int[] args = {1, 2, 3};
        Slot s = Slot.of(SlotState.PUBLISHED, 9, 1, Priority.LOW, args);
        args[0] = 99;
        assertEquals(1, s.arg(0));
        s.args()[1] = 77;
        assertEquals(2, s.arg(1));
        assertEquals(0, s.arg(11));
        assertThrows(ProtocolException.class, () -> Slot.of(SlotState.EMPTY, 0, 0, Priority.IDLE, new int[13]));
        assertThrows(ProtocolException.class,
                () -> new Slot(SlotState.EMPTY, 0, 0, Priority.IDLE, new int[11]));
        assertThrows(ProtocolException.class, () -> s.arg(12));
        assertNotEquals(s, Slot.of(SlotState.PUBLISHED, 9, 1, Priority.LOW, 1, 2, 4));
    }

    @Test
    void slotDecodingRefusesBadInput() {
        byte[] good = Slot.of(SlotState.DONE, 3, 4, Priority.HIGH).toBytes();
        for (int len : new int[] {0, 3, 60, 63, 65, 68, 128}) {
            byte[] b = java.util.Arrays.copyOf(good, len);
            ProtocolException e = assertThrows(ProtocolException.class, () -> Slot.fromBytes(b));
            assertEquals("slot", e.bufferName());
            assertTrue(e.getMessage().contains("Fix: "));
        }
        int[] w = Slot.of(SlotState.DONE, 3, 4, Priority.HIGH).toWords();
        w[0] = 8;
        assertThrows(ProtocolException.class, () -> Slot.fromWords(w));
        w[0] = 3;
        w[3] = 5;
        assertThrows(ProtocolException.class, () -> Slot.fromWords(w));
        assertThrows(ProtocolException.class, () -> Slot.fromWords(new int[15]));
        assertThrows(ProtocolException.class, () -> Slot.fromBytes(null));
    }

    @Test
    void faultCodeReadsArg0AndDetailArg1() {
        Slot f = Slot.of(SlotState.FAULT, 0x1234, 2, Priority.NORMAL, FaultCode.BAD_ARGUMENT.wire(), 7, 55);
        assertEquals(FaultCode.BAD_ARGUMENT, f.faultCode());
        assertEquals(7, f.faultDetail());
        assertThrows(ProtocolException.class, () -> Slot.of(SlotState.DONE, 0, 0, Priority.NORMAL, 1).faultCode());
        assertThrows(ProtocolException.class, () -> Slot.of(SlotState.FAULT, 0, 0, Priority.NORMAL, 0).faultCode());
    }

    @Test
    void taskWordsFollowTheSpecOrderAndRoundTrip() {
        Props.forAll("task round trip", 2_000, (i, rnd) -> {
            Task t = Gen.task(rnd);
            int[] w = t.toWords();
            int[] expected = {t.state().wire(), t.opHandle(), t.tenantId(), t.priority().wire(), t.inputHandle(),
                t.outputHandle(), t.param(), t.continuationPc(), t.continuationData(), t.resumeEpoch(), t.taskId(),
                t.parentTaskId(), t.ageTicks(), t.requeueCount(), t.yieldCount(), t.flags()};
            assertArrayEquals(expected, w);
            assertEquals(t, Task.fromWords(w));
            assertArrayEquals(Gen.le(w), t.toBytes());
            assertEquals(t, Task.fromBytes(t.toBytes()));
        });
        int[] bad = new int[16];
        bad[TaskLayout.STATE] = 8;
        assertThrows(ProtocolException.class, () -> Task.fromWords(bad));
        assertThrows(ProtocolException.class, () -> Task.fromBytes(new byte[63]));
        assertThrows(ProtocolException.class, () -> Task.fromBytes(new byte[68]));
    }

    @Test
    void plannerWorkItemBecomesAReadyTaskWithZeroedContinuation() {
        Props.forAll("work item to task", 500, (i, rnd) -> {
            PlannerWorkItem item = new PlannerWorkItem(rnd.nextInt(), rnd.nextInt(), rnd.nextInt(), rnd.nextInt());
            int taskId = rnd.nextInt();
            int tenant = rnd.nextInt(32);
            Priority p = Priority.values()[rnd.nextInt(5)];
            int[] w = item.toTask(taskId, tenant, p).toWords();
            int[] expected = {1, item.opHandle(), tenant, p.wire(), item.inputHandle(), item.outputHandle(),
                item.param(), 0, 0, 0, taskId, 0, 0, 0, 0, 0};
            assertArrayEquals(expected, w);
        });
    }

    @Test
    void stateIndexPairUsesTheSharedTaskAbi() {
        // the values of vyre-runtime's state_index_pair_uses_shared_task_work_item_abi
        Task task = new StateIndexPair(17, 4096).toTask(5, 3, Priority.HIGH, 99, 12, 13);
        assertEquals(TaskState.READY, task.state());
        assertEquals(5, task.taskId());
        assertEquals(3, task.tenantId());
        assertEquals(Priority.HIGH, task.priority());
        assertEquals(99, task.opHandle());
        assertEquals(12, task.inputHandle());
        assertEquals(13, task.outputHandle());
        assertEquals(17, task.param());
        assertEquals(4096, task.continuationPc());
        assertEquals(17, task.continuationData());
        assertEquals(TaskFlags.REQUEUE_REQUESTED, task.flags() & TaskFlags.REQUEUE_REQUESTED);
        assertTrue(task.state().schedulable());
        assertEquals(new StateIndexPair(17, 4096), StateIndexPair.fromTask(task));
        Props.forAll("state/index round trip", 500, (i, rnd) -> {
            StateIndexPair pair = new StateIndexPair(rnd.nextInt(), rnd.nextInt());
            Task t = pair.toTask(rnd.nextInt(), rnd.nextInt(), Priority.LOW, 1, 2, 3);
            assertEquals(pair, StateIndexPair.fromTask(Task.fromBytes(t.toBytes())));
        });
        Task plain = new PlannerWorkItem(1, 2, 3, 4).toTask(1, 0, Priority.NORMAL);
        assertFalse(plain.hasFlag(TaskFlags.REQUEUE_REQUESTED));
        assertThrows(ProtocolException.class, () -> StateIndexPair.fromTask(plain));
    }

    @Test
    void taskListsRoundTrip() {
        Props.forAll("task list round trip", 300, (i, rnd) -> {
            List<Task> tasks = new ArrayList<>();
            int n = rnd.nextInt(20);
            for (int k = 0; k < n; k++) {
                tasks.add(Gen.task(rnd));
            }
            byte[] bytes = TaskView.encode(tasks);
            assertEquals(n * 64, bytes.length);
            assertEquals(tasks, TaskView.decode(bytes));
        });
    }
}
