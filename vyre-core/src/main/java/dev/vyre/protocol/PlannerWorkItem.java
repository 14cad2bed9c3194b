package dev.vyre.protocol;

/**
 * A planner work item {@code {op_handle, input_handle, output_handle, param}} (PROTOCOL.md, Tasks).
 *
 * @param opHandle the operation to run
 * @param inputHandle the input buffer handle
 * @param outputHandle the output buffer handle
 * @param param the operation's parameter word
 */
public record PlannerWorkItem(int opHandle, int inputHandle, int outputHandle, int param) {

    /**
     * The task made from this item: state Ready, the item's four words, zeroed continuation fields
     * ({@code continuation_pc}, {@code continuation_data}, {@code resume_epoch}) and zeroed bookkeeping
     * ({@code parent_task_id}, {@code age_ticks}, {@code requeue_count}, {@code yield_count}, {@code flags}).
     */
    public Task toTask(int taskId, int tenantId, Priority priority) {
        return new Task(TaskState.READY, opHandle, tenantId, priority, inputHandle, outputHandle, param, 0, 0, 0,
                taskId, 0, 0, 0, 0, 0);
    }
}
