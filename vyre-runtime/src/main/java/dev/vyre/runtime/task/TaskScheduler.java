package dev.vyre.runtime.task;

import dev.vyre.protocol.Task;
import dev.vyre.protocol.TaskFlags;
import dev.vyre.protocol.TaskState;
import dev.vyre.protocol.TaskView;
import dev.vyre.runtime.KernelTimeoutException;
import dev.vyre.runtime.Megakernel;
import dev.vyre.runtime.MegakernelException;
import dev.vyre.runtime.SlotOutcome;
import dev.vyre.runtime.Ticket;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs continuation tasks (the 16-word task ABI of PROTOCOL.md, kept in a {@link TaskView}) on a megakernel
 * (docs/TENANTS.md, Tasks). Each run of a task is one slot ({@link TaskSlotAbi}); a handler that yields or
 * requeues hands the task back with its continuation ({@code continuation_pc}, {@code continuation_data},
 * {@code resume_epoch}), and the scheduler resumes it later with those words, counting {@code yield_count} and
 * {@code requeue_count}.
 *
 * <p>Order: schedulable tasks (Ready, Yielded, and Requeued whose resume epoch was reached) are dispatched most
 * urgent class first, and within a class in the order they became schedulable, so a task that yields goes behind
 * the tasks of its class already waiting. {@code age_ticks} counts the dispatches of other tasks while the task
 * waited. Task slots go through the tenant's handle when the tenant was declared (its opcodes and quota apply),
 * else through {@link Megakernel#publish}. One thread drives the scheduler ({@link #runUntilIdle}); every task word
 * is written by it.
 */
public final class TaskScheduler implements AutoCloseable {
    private record Waiting(int index, long order) {
    }

    private record Finished(int index, SlotOutcome outcome, Throwable failure) {
    }

    private final Megakernel kernel;
    private final Arena arena = Arena.ofShared();
    private final TaskView tasks;
    private final int maxInFlight;
    private final PriorityQueue<Waiting> ready;
    private final List<Integer> parked = new ArrayList<>();
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final long[] waitingSince;
    private long order;
    private long dispatches;
    private int used;
    private int inFlight;

    /**
     * A scheduler of up to {@code capacity} tasks on {@code kernel}, with at most {@code maxInFlight} task slots in
     * flight at once.
     */
    public TaskScheduler(Megakernel kernel, int capacity, int maxInFlight) {
        if (kernel == null || capacity < 1 || maxInFlight < 1) {
            throw new MegakernelException("task scheduler needs a megakernel, capacity >= 1 and maxInFlight >= 1 (got "
                    + capacity + ", " + maxInFlight + ")", "pass a bootstrapped megakernel and positive sizes");
        }
        this.kernel = kernel;
        this.tasks = TaskView.allocate(arena, capacity);
        this.maxInFlight = maxInFlight;
        this.waitingSince = new long[capacity];
        this.ready = new PriorityQueue<>(Comparator.comparingInt((Waiting w) -> tasks.get(w.index).priority().wire())
                .thenComparingLong(Waiting::order));
    }

    /** The task list (read it between runs; the scheduler's thread writes it). */
    public TaskView tasks() {
        return tasks;
    }

    /**
     * Adds {@code task} (state Ready) at the next free index and returns the index.
     *
     * @throws MegakernelException when the list is full or the task is not Ready
     */
    public int submit(Task task) {
        if (task == null || task.state() != TaskState.READY) {
            throw new MegakernelException("task " + task + " is not Ready", "submit new tasks in state Ready, e.g."
                    + " PlannerWorkItem.toTask(...)");
        }
        if (used == tasks.taskCount()) {
            throw new MegakernelException("task list is full (" + used + " tasks)", "make a TaskScheduler with a"
                    + " larger capacity");
        }
        int index = used++;
        tasks.set(index, task);
        enqueue(index);
        return index;
    }

    /**
     * Dispatches and completes tasks until none is running and none can be dispatched; returns how many tasks
     * still wait for an epoch (requeued with a resume epoch not yet reached).
     *
     * @throws KernelTimeoutException when that takes longer than {@code timeout}, or on interrupt
     */
    public int runUntilIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            releaseParked();
            while (inFlight < maxInFlight && !ready.isEmpty()) {
                dispatch(ready.poll().index);
            }
            if (inFlight == 0) {
                return parked.size();
            }
            Finished f;
            try {
                f = finished.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelTimeoutException("interrupted with " + inFlight + " task slots in flight",
                        "do not interrupt the thread that runs the task scheduler");
            }
            if (f == null) {
                throw new KernelTimeoutException(inFlight + " task slots still in flight after " + timeout,
                        "wait longer, or check that the task handlers terminate");
            }
            inFlight--;
            complete(f);
        }
    }

    private void enqueue(int index) {
        waitingSince[index] = dispatches;
        ready.add(new Waiting(index, order++));
    }

    /** Moves requeued tasks whose resume epoch was reached to the ready queue, flagged RESUME_READY. */
    private void releaseParked() {
        int epoch = kernel.control().epoch();
        for (int i = parked.size() - 1; i >= 0; i--) {
            int index = parked.get(i);
            Task t = tasks.get(index);
            if (epoch - t.resumeEpoch() >= 0) {
                parked.remove(i);
                tasks.set(index, t.withFlags(t.flags() | TaskFlags.RESUME_READY));
                enqueue(index);
            }
        }
    }

    private void dispatch(int index) {
        Task t = tasks.get(index);
        if (!tasks.transition(index, t.state(), TaskState.RUNNING)) {
            throw new MegakernelException("task " + index + " changed state while it waited", "let only the task"
                    + " scheduler's thread write the task list");
        }
        int clear = TaskFlags.YIELDED | TaskFlags.REQUEUE_REQUESTED | TaskFlags.RESUME_READY;
        Task running = new Task(TaskState.RUNNING, t.opHandle(), t.tenantId(), t.priority(), t.inputHandle(),
                t.outputHandle(), t.param(), t.continuationPc(), t.continuationData(), t.resumeEpoch(), t.taskId(),
                t.parentTaskId(), t.ageTicks() + (int) (dispatches - waitingSince[index]), t.requeueCount(),
                t.yieldCount(), t.flags() & ~clear);
        tasks.set(index, running);
        dispatches++;
        int[] args = new int[TaskSlotAbi.DISPOSITION + 1];
        args[TaskSlotAbi.INPUT] = running.inputHandle();
        args[TaskSlotAbi.OUTPUT] = running.outputHandle();
        args[TaskSlotAbi.PARAM] = running.param();
        args[TaskSlotAbi.CONTINUATION_PC] = running.continuationPc();
        args[TaskSlotAbi.CONTINUATION_DATA] = running.continuationData();
        args[TaskSlotAbi.RESUME_EPOCH] = running.resumeEpoch();
        args[TaskSlotAbi.TASK_ID] = running.taskId();
        args[TaskSlotAbi.YIELD_COUNT] = running.yieldCount();
        args[TaskSlotAbi.REQUEUE_COUNT] = running.requeueCount();
        Ticket ticket = kernel.tenants().spec(running.tenantId()) != null
                ? kernel.tenant(running.tenantId()).publish(running.opHandle(), running.priority(), args)
                : kernel.publish(running.opHandle(), running.tenantId(), running.priority(), args);
        inFlight++;
        ticket.future().whenComplete((o, e) -> finished.add(new Finished(index, o, e)));
    }

    private void complete(Finished f) {
        Task t = tasks.get(f.index);
        if (f.failure != null || !f.outcome.isDone()) {
            tasks.set(f.index, t.withState(TaskState.FAULTED));
            return;
        }
        int[] a = f.outcome.args();
        int pc = a[TaskSlotAbi.CONTINUATION_PC];
        int data = a[TaskSlotAbi.CONTINUATION_DATA];
        switch (a[TaskSlotAbi.DISPOSITION]) {
            case TaskSlotAbi.DONE -> tasks.set(f.index, resumed(t, TaskState.DONE, pc, data, t.resumeEpoch(), 0, 0, 0));
            case TaskSlotAbi.YIELD -> {
                tasks.set(f.index, resumed(t, TaskState.YIELDED, pc, data, t.resumeEpoch(), 0, 1, TaskFlags.YIELDED));
                enqueue(f.index);
            }
            case TaskSlotAbi.REQUEUE -> {
                tasks.set(f.index, resumed(t, TaskState.REQUEUED, pc, data, a[TaskSlotAbi.RESUME_EPOCH], 1, 0,
                        TaskFlags.REQUEUE_REQUESTED));
                parked.add(f.index);
            }
            default -> tasks.set(f.index, t.withState(TaskState.FAULTED));
        }
    }

    private static Task resumed(Task t, TaskState state, int pc, int data, int epoch, int requeues, int yields,
                                int flag) {
        return new Task(state, t.opHandle(), t.tenantId(), t.priority(), t.inputHandle(), t.outputHandle(), t.param(),
                pc, data, epoch, t.taskId(), t.parentTaskId(), t.ageTicks(), t.requeueCount() + requeues,
                t.yieldCount() + yields, t.flags() | flag);
    }

    /** Frees the task list. Call after the last {@link #runUntilIdle} returned. */
    @Override
    public void close() {
        arena.close();
    }
}
