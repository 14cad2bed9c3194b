package dev.vyre.runtime.task;

/**
 * How a task runs as a slot (docs/TENANTS.md, Tasks): the {@link TaskScheduler} publishes task {@code t} as a slot
 * of opcode {@code op_handle}, tenant {@code tenant_id} and the task's priority, with these argument words. The
 * handler says what became of the task in {@link #DISPOSITION}: 0 done, 1 yield, 2 requeue; on yield or requeue
 * its {@link #CONTINUATION_PC}, {@link #CONTINUATION_DATA} and {@link #RESUME_EPOCH} words become the task's
 * continuation, handed back to it when it resumes. A slot that faults, or a disposition above 2, faults the task.
 */
public final class TaskSlotAbi {
    /** ARG0: input_handle. */
    public static final int INPUT = 0;
    /** ARG1: output_handle. */
    public static final int OUTPUT = 1;
    /** ARG2: param. */
    public static final int PARAM = 2;
    /** ARG3: continuation_pc (0 on the first run); the handler's new value is kept on yield and requeue. */
    public static final int CONTINUATION_PC = 3;
    /** ARG4: continuation_data; the handler's new value is kept on yield and requeue. */
    public static final int CONTINUATION_DATA = 4;
    /**
     * ARG5: resume_epoch. On requeue the task is resumed only once {@code control[EPOCH]} has reached the value the
     * handler left here (compared as a wrapping u32 difference); ignored on yield.
     */
    public static final int RESUME_EPOCH = 5;
    /** ARG6: task_id (read only). */
    public static final int TASK_ID = 6;
    /** ARG7: yield_count so far (read only). */
    public static final int YIELD_COUNT = 7;
    /** ARG8: requeue_count so far (read only). */
    public static final int REQUEUE_COUNT = 8;
    /** ARG11: 0 on entry; the handler's disposition on exit. */
    public static final int DISPOSITION = 11;

    /** Disposition: the task is done. */
    public static final int DONE = 0;
    /** Disposition: give way, resume as soon as the tasks of its class that wait already have run. */
    public static final int YIELD = 1;
    /** Disposition: resume once {@code control[EPOCH]} reaches the RESUME_EPOCH word. */
    public static final int REQUEUE = 2;

    private TaskSlotAbi() {
    }
}
