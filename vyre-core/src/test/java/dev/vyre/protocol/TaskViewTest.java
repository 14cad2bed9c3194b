package dev.vyre.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.testing.Props;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TaskViewTest {

    @Test
    void allocateIsZeroedEmptyTasks() {
        try (Arena arena = Arena.ofConfined()) {
            TaskView tasks = TaskView.allocate(arena, 4);
            assertEquals(4, tasks.taskCount());
            assertEquals(4 * 64, tasks.segment().byteSize());
            assertEquals(0, tasks.segment().address() % 64);
            for (int i = 0; i < 4; i++) {
                assertEquals(TaskState.EMPTY, tasks.state(i));
            }
            assertEquals(0, TaskView.allocate(arena, 0).taskCount());
            assertThrows(ProtocolException.class, () -> TaskView.allocate(arena, 1_048_577));
        }
    }

    @Test
    void setGetAndTransitions() {
        try (Arena arena = Arena.ofConfined()) {
            TaskView tasks = TaskView.allocate(arena, 3);
            Props.forAll("task view set/get", 300, (i, rnd) -> {
                Task t = Gen.task(rnd);
                int at = rnd.nextInt(3);
                tasks.set(at, t);
                assertEquals(t, tasks.get(at));
                assertArrayEquals(t.toBytes(), tasks.segment().asSlice(at * 64L, 64).toArray(ValueLayout.JAVA_BYTE));
            });
            Task ready = new PlannerWorkItem(1, 2, 3, 4).toTask(9, 0, Priority.HIGH);
            tasks.set(1, ready);
            assertTrue(tasks.transition(1, TaskState.READY, TaskState.RUNNING));
            assertFalse(tasks.transition(1, TaskState.READY, TaskState.RUNNING));
            assertEquals(TaskState.RUNNING, tasks.state(1));
            assertEquals(ready.withState(TaskState.RUNNING), tasks.get(1));
            assertEquals(4, tasks.word(1, TaskLayout.PARAM));
            assertThrows(ProtocolException.class, () -> tasks.get(3));
            assertThrows(ProtocolException.class, () -> tasks.word(0, 16));
            tasks.segment().set(ValueLayout.JAVA_INT, 0, 8);
            assertThrows(ProtocolException.class, () -> tasks.state(0));
            assertThrows(ProtocolException.class, () -> tasks.get(0));
        }
    }

    @Test
    void wrapAndDecodeRefuseBadLengths() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(2, TaskView.wrap(arena.allocate(128, 64)).taskCount());
            assertThrows(ProtocolException.class, () -> TaskView.wrap(arena.allocate(100, 64)));
            assertThrows(ProtocolException.class, () -> TaskView.wrap(MemorySegment.ofArray(new byte[64])));
            MemorySegment tooMany = arena.allocate((1_048_576L + 1) * 64, 64);
            ProtocolException e = assertThrows(ProtocolException.class, () -> TaskView.decode(tooMany));
            assertTrue(e.getMessage().contains("MAX_ENCODED_TASKS"), e.getMessage());
        }
        assertThrows(ProtocolException.class, () -> TaskView.decode(new byte[65]));
        assertThrows(ProtocolException.class, () -> TaskView.decode(new byte[68]));
        assertEquals(0, TaskView.decode(new byte[0]).size());
    }
}
