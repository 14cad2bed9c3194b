package dev.vyre.protocol;

/**
 * An automaton frontier item {@code (state_id, byte_index)} carried in the shared task ABI (AUTOMATA.md): no
 * automata-specific protocol words.
 *
 * @param stateId the automaton state id (u32)
 * @param byteIndex the input byte index (u32)
 */
public record StateIndexPair(int stateId, int byteIndex) {

    /**
     * The task for this pair: built from the work item {@code {opHandle, inputHandle, outputHandle,
     * param = stateId}}, state Ready, {@code continuation_pc = byteIndex}, {@code continuation_data = stateId},
     * and the {@link TaskFlags#REQUEUE_REQUESTED} flag set.
     */
    public Task toTask(int taskId, int tenantId, Priority priority, int opHandle, int inputHandle,
            int outputHandle) {
        Task task = new PlannerWorkItem(opHandle, inputHandle, outputHandle, stateId)
                .toTask(taskId, tenantId, priority)
                .withContinuation(byteIndex, stateId);
        return task.withFlags(task.flags() | TaskFlags.REQUEUE_REQUESTED);
    }

    /**
     * The pair a task carries ({@code state_id = continuation_data}, {@code byte_index = continuation_pc});
     * refuses a task without the REQUEUE_REQUESTED flag, which is not a state/index continuation.
     */
    public static StateIndexPair fromTask(Task task) {
        if (task == null || !task.hasFlag(TaskFlags.REQUEUE_REQUESTED)) {
            throw new ProtocolException("task", "task " + (task == null ? "null" : task.taskId())
                    + " lacks the REQUEUE_REQUESTED flag, so it carries no state/index pair",
                    "build state/index tasks with StateIndexPair.toTask");
        }
        return new StateIndexPair(task.continuationData(), task.continuationPc());
    }
}
