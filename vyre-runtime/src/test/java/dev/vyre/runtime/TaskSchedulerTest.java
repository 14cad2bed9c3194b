package dev.vyre.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vyre.protocol.Opcodes;
import dev.vyre.protocol.PlannerWorkItem;
import dev.vyre.protocol.Priority;
import dev.vyre.protocol.Task;
import dev.vyre.protocol.TaskFlags;
import dev.vyre.protocol.TaskState;
import dev.vyre.runtime.task.TaskScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Continuation tasks: yield and requeue hand back continuations that the scheduler resumes, counted. */
class TaskSchedulerTest {
    private static final Duration RUN = Duration.ofSeconds(30);

    private static MegakernelConfig config() {
        return Kernels.small().withHandler(TenantPrograms.STEPPER, TenantPrograms.stepper())
                .withHandler(TenantPrograms.EPOCH_WAITER, TenantPrograms.epochWaiter());
    }

    @Test
    void yieldingTasksResumeWithTheirContinuation() {
        Kernels.assumeInterpreter();
        try (Megakernel k = Kernels.cpu(config()); TaskScheduler s = new TaskScheduler(k, 8, 1)) {
            // stepper: input = steps, param = what each step adds to continuation_data
            int a = s.submit(new PlannerWorkItem(TenantPrograms.STEPPER, 5, 0, 7).toTask(100, 0, Priority.NORMAL));
            int b = s.submit(new PlannerWorkItem(TenantPrograms.STEPPER, 3, 0, 2).toTask(101, 0, Priority.NORMAL));
            int c = s.submit(new PlannerWorkItem(TenantPrograms.STEPPER, 1, 0, 9).toTask(102, 0, Priority.HIGH));
            assertEquals(0, s.runUntilIdle(RUN));
            Task ta = s.tasks().get(a);
            assertEquals(TaskState.DONE, ta.state());
            assertEquals(5, ta.continuationPc(), "five runs, each resumed at the previous pc");
            assertEquals(5 * 7, ta.continuationData());
            assertEquals(4, ta.yieldCount());
            assertEquals(0, ta.requeueCount());
            Task tb = s.tasks().get(b);
            assertEquals(TaskState.DONE, tb.state());
            assertEquals(3 * 2, tb.continuationData());
            assertEquals(2, tb.yieldCount());
            Task tc = s.tasks().get(c);
            assertEquals(0, tc.yieldCount());
            assertEquals(0, tc.ageTicks(), "the HIGH task went first");
            assertTrue(ta.ageTicks() >= 2 && tb.ageTicks() >= 2, "each waited behind the HIGH task and the other: a "
                    + ta.ageTicks() + ", b " + tb.ageTicks());
            assertFalse(ta.hasFlag(TaskFlags.YIELDED), "a finished task has no suspension flag");
        }
    }

    @Test
    void requeuedTaskWaitsForItsEpochThenResumes() {
        Kernels.assumeInterpreter();
        try (Megakernel k = Kernels.cpu(config()); TaskScheduler s = new TaskScheduler(k, 4, 2)) {
            int start = k.control().epoch();
            int t = s.submit(new PlannerWorkItem(TenantPrograms.EPOCH_WAITER, 0, 0, 0).toTask(7, 0, Priority.LOW));
            assertEquals(1, s.runUntilIdle(RUN), "one task waits for an epoch");
            Task waiting = s.tasks().get(t);
            assertEquals(TaskState.REQUEUED, waiting.state());
            assertEquals(1, waiting.requeueCount());
            assertEquals(start + 1, waiting.resumeEpoch());
            assertEquals(1, waiting.continuationPc());
            assertTrue(waiting.hasFlag(TaskFlags.REQUEUE_REQUESTED));
            assertEquals(1, s.runUntilIdle(RUN), "still waiting: the epoch did not move");
            assertTrue(Kernels.run(k, Opcodes.BATCH_FENCE, 0, 1).isDone());
            assertEquals(0, s.runUntilIdle(RUN));
            Task done = s.tasks().get(t);
            assertEquals(TaskState.DONE, done.state());
            assertEquals(start + 1, done.continuationData(), "it resumed in the epoch it asked for");
            assertEquals(1, done.requeueCount());
            assertEquals(0, done.yieldCount());
        }
    }
}
